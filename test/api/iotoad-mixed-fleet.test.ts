import { afterEach, describe, expect, it } from 'vitest';
import { brokerFromUrl } from '../../src/sim/moko/fleet.js';
import { fleetIdentity } from '../../src/sim/moko/identity.js';
import { MokoPlug } from '../../src/sim/moko/plug.js';
import { Mqtt2goSocket } from '../../src/sim/mqtt2go/socket.js';
import { TasmotaPlug } from '../../src/sim/tasmota/plug.js';
import { eventually, startTestHub } from '../helpers/hub.js';
import { iotoadRequest } from '../helpers/iotoad.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * One row of the grid holds a plug of each convention: one IoToad command
 * switches them all, one query sums them, and a daily timer the hub runs for
 * a plug without its own survives a restart.
 */
describe('IoToad API over a mixed fleet (Tasmota, Moko, MQTT2GO)', () => {
  const stops: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of stops.splice(0).reverse()) await f().catch(() => {});
  });

  async function fleet(dataDir: string) {
    const hub = await startTestHub({ 'data-dir': dataDir });
    stops.push(() => hub.stop());
    const url = hub.app.mqttUrl;
    const tasmota = new TasmotaPlug({
      mqttUrl: url,
      topic: 'tas_mix',
      telePeriodS: 0,
      loadWatts: 100,
    });
    const moko = new MokoPlug({ identity: fleetIdentity('mix', 0), broker: brokerFromUrl(url) });
    const socket = new Mqtt2goSocket({
      mqttUrl: url,
      version: '2.1',
      home: 'BRQ',
      gateway: 'BUT',
      devId: 'sock_mix',
      loadWatts: 40,
      intervalMs: 1000,
    });
    for (const d of [tasmota, moko, socket]) {
      stops.push(() => d.stop());
      await d.start();
    }
    return { hub, tasmota, moko, socket };
  }

  it('switches a row of three conventions with one command and sums them with one query', async () => {
    const dir = tempDir('wattbridge-mix-');
    stops.push(async () => dir.remove());
    const { hub, tasmota, moko, socket } = await fleet(dir.path);
    const ids = { tas_mix: 'sp_w.r3.c0', [moko.id]: 'sp_w.r3.c1', sock_mix: 'sp_w.r3.c2' };
    for (const [native, id] of Object.entries(ids)) {
      await eventually(() => hub.app.hub.device(native)?.availability === 'online', 5000, native);
      hub.app.hub.renameDevice(native, id);
    }
    const reply = await iotoadRequest(hub.app.mqttUrl, 'command/sp_command/row/3', {
      status: 'ON',
    });
    expect(reply).toEqual({
      data: { successful: ['sp_w.r3.c0', 'sp_w.r3.c1', 'sp_w.r3.c2'] },
      error: {},
    });
    expect([tasmota.relayState(1), moko.isOn(), socket.isOn]).toEqual([true, true, true]);

    // Readings from each convention arrive (the Tasmota plug reports when polled).
    await hub.app.hub.command('sp_w.r3.c0', { kind: 'poll' });
    for (const id of Object.values(ids))
      await eventually(
        () => (hub.app.hub.device(id)?.readings.power?.value ?? 0) > 0,
        8000,
        `${id} power`,
      );
    const answer = (await iotoadRequest(hub.app.mqttUrl, 'query/influx_query/sp/power', {
      operation: 'sum',
      row: 3,
    })) as {
      v: number;
    }[];
    hub.app.store.flush();
    const perDevice = Object.values(ids).map((id) =>
      hub.app.store.range(id, 'power', 0, 8.64e15).reduce((a, p) => a + p.value, 0),
    );
    expect(perDevice.every((s) => s > 0)).toBe(true);
    expect(answer[1]!.v).toBeCloseTo(
      perDevice.reduce((a, b) => a + b, 0),
      9,
    );
    const protocols = new Set(Object.values(ids).map((id) => hub.app.hub.device(id)?.protocol));
    expect(protocols).toEqual(new Set(['tasmota', 'moko', 'mqtt2go']));
  });

  it('keeps a daily timer the hub runs for a Moko plug across a restart', async () => {
    const dir = tempDir('wattbridge-mix-');
    stops.push(async () => dir.remove());
    const first = await fleet(dir.path);
    const id = first.moko.id;
    await eventually(() => first.hub.app.hub.device(id)?.availability === 'online', 5000, id);
    const reply = (await iotoadRequest(first.hub.app.mqttUrl, `command/sp_command/${id}`, {
      timer: { time: '06:45:00', status: 'ON' },
    })) as { data: { timer: { by: string } } };
    expect(reply.data.timer.by).toBe('hub');
    for (const f of stops.splice(1).reverse()) await f();
    await first.hub.stop();
    const again = await startTestHub({ 'data-dir': dir.path });
    stops.push(() => again.stop());
    expect(again.app.hub.dailyTimers()).toEqual([
      { id, relay: 1, state: 'on', slot: 1, time: '06:45:00' },
    ]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceSnapshot } from '../../../src/hub/device.js';
import type { Mqtt2goSocket, Mqtt2goSocketOptions } from '../../../src/sim/mqtt2go/socket.js';
import { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import { iotoadRequest } from '../../helpers/iotoad.js';
import { eventually, startTestHub } from '../../helpers/hub.js';
import { T0, testSocket } from '../../sim/mqtt2go/sockets.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * MQTT2GO 2.1 and 1.2 sockets side by side with a Tasmota plug, on a real
 * aedes broker, read and commanded by a whole hub.
 */
describe('hub with a mixed MQTT2GO fleet', () => {
  let broker: TestBroker;
  let hub: TestHub;
  const clock = { now: T0 };
  const stops: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    clock.now = T0;
    broker = await startTestBroker();
    hub = await startTestHub({ 'mqtt-url': broker.url });
  });
  afterEach(async () => {
    for (const f of stops.splice(0).reverse()) await f();
    await hub.stop();
    await broker.close();
  });

  async function socket(opts: Partial<Mqtt2goSocketOptions>): Promise<Mqtt2goSocket> {
    const s = testSocket(broker.url, clock, stops, opts);
    await s.start();
    return s;
  }

  const device = (id: string): DeviceSnapshot | undefined => hub.app.hub.device(id);

  /** Both versions, heard and polled by the hub. */
  async function mixedFleet() {
    const v2 = await socket({ devId: 'powr2' });
    const v1 = await socket({ version: '1.2', devId: 's12', group: 'kitchen', loadWatts: 40 });
    for (const id of ['powr2', 's12'])
      await eventually(() => device(id)?.relays.length === 1, 5000, `${id} state`);
    return { v2, v1 };
  }

  it('reads both versions beside a Tasmota plug, with priority, and no topic goes astray', async () => {
    const plug = new TasmotaPlug({
      mqttUrl: broker.url,
      topic: 'tas_1',
      telePeriodS: 10,
      powerOn: true,
    });
    stops.push(() => plug.stop());
    await plug.start();
    await mixedFleet();
    for (const id of ['powr2', 's12'])
      await eventually(() => device(id)?.readings.energy_total, 5000, `${id} readings`);
    await eventually(() => device('tas_1')?.relays.length === 1, 5000, 'tasmota state');

    expect(device('powr2')).toMatchObject({
      protocol: 'mqtt2go',
      info: { relayCount: 1 },
      relays: [{ relay: 1, state: 'off' }],
      readings: {
        power: { value: 0, unit: 'W', priority: 2 },
        voltage: { value: 230, unit: 'V', priority: 2 },
        current: { value: 0, unit: 'A', priority: 2 },
        energy_total: { value: 0, unit: 'Wh', priority: 2 },
      },
      availability: 'online',
    });
    expect(device('s12')).toMatchObject({ protocol: 'mqtt2go', availability: 'online' });
    expect(device('tas_1')).toMatchObject({
      protocol: 'tasmota',
      relays: [{ relay: 1, state: 'on' }],
    });
    expect(hub.app.hub.devices().map((d) => d.id)).toEqual(['powr2', 's12', 'tas_1']);
    expect(hub.app.hub.counters.decodeErrors).toBe(0);
    expect(hub.app.hub.counters.rejectedFields).toBe(0);
  });

  it('hub.setPower is confirmed by each version’s socket', async () => {
    const { v2, v1 } = await mixedFleet();
    expect(await hub.app.hub.setPower('powr2', 1, 'on')).toEqual({ relay: 1, state: 'on' });
    expect(v2.isOn).toBe(true);
    expect(await hub.app.hub.setPower('s12', 1, 'on')).toEqual({ relay: 1, state: 'on' });
    expect(v1.isOn).toBe(true);
    expect(await hub.app.hub.setPower('s12', 1, 'toggle')).toEqual({ relay: 1, state: 'off' });
    expect(v1.isOn).toBe(false);
    expect(device('powr2')?.relays).toEqual([{ relay: 1, state: 'on' }]);
    // Power follows at the next report: 115 W for 10 s is 1150 Ws.
    clock.now = T0 + 10_000;
    v2.tick();
    await eventually(() => device('powr2')?.readings.power?.value === 115, 5000, 'power');
    await eventually(
      () => Math.abs((device('powr2')?.readings.energy_total?.value ?? 0) - 1150 / 3600) < 1e-9,
      5000,
      'energy in Wh',
    );
  });

  it('a timer set through the IoToad API fires at its time on each version; the hub sees it', async () => {
    const { v2, v1 } = await mixedFleet();
    await hub.app.hub.setPower('s12', 1, 'on');
    for (const [id, status] of [
      ['powr2', 'ON'],
      ['s12', 'OFF'],
    ] as const) {
      const reply = await iotoadRequest(broker.url, `command/sp_command/${id}`, {
        timer: { time: '02:12:00', status },
      });
      expect(reply).toEqual({
        data: { timer: { slot: 1, time: '02:12:00', status, enabled: true, by: 'device' } },
      });
    }
    await eventually(() => v2.timers()['02:12:00'] === 'on', 5000, '2.1 timer set');
    await eventually(() => v1.timers()['02:12:00'] === 'off', 5000, '1.2 timer set');

    const changes: string[] = [];
    hub.app.hub.on('state', (d: DeviceSnapshot) => changes.push(`${d.id} ${d.relays[0]?.state}`));
    clock.now = T0 + 9_000; // 02:11:59: not yet
    v2.tick();
    v1.tick();
    expect([v2.isOn, v1.isOn]).toEqual([false, true]);
    clock.now = T0 + 10_000; // 02:12:00
    v2.tick();
    v1.tick();
    await eventually(() => changes.length === 2, 5000, 'both state changes');
    expect(changes.sort()).toEqual(['powr2 on', 's12 off']);
    expect(device('powr2')?.relays).toEqual([{ relay: 1, state: 'on' }]);
    expect(device('s12')?.relays).toEqual([{ relay: 1, state: 'off' }]);
  });

  it('runs a countdown in the hub: MQTT2GO sockets have none of their own', async () => {
    const { v2 } = await mixedFleet();
    await hub.app.hub.setPower('powr2', 1, 'on');
    const done = await hub.app.hub.command('powr2', {
      kind: 'countdown',
      relay: 1,
      seconds: 1,
      state: 'off',
    });
    expect(done.by).toBe('hub');
    expect(device('powr2')?.countdowns).toEqual([
      { relay: 1, state: 'off', endsAt: new Date(done.at!).toISOString() },
    ]);
    await eventually(() => !v2.isOn, 4000, 'the hub switched the socket off');
    await eventually(() => device('powr2')?.relays[0]?.state === 'off', 4000, 'confirmed off');
    expect(device('powr2')?.countdowns).toEqual([]);
  });

  it('a removed socket is marked removed and offline', async () => {
    await mixedFleet();
    const { default: mqtt } = await import('mqtt');
    const c = await mqtt.connectAsync(broker.url);
    await c.publishAsync(
      'BRQ/BUT/powr2/remove/in',
      JSON.stringify({ type: 'control', value: 'true' }),
    );
    await c.endAsync();
    await eventually(() => device('powr2')?.removed, 5000, 'removed');
    expect(device('powr2')?.availability).toBe('offline');
  });
});

import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { TasmotaDriver } from '../../src/drivers/tasmota/driver.js';
import { TasmotaPlug } from '../../src/sim/tasmota/plug.js';
import { eventually } from '../helpers/hub.js';
import { startHubCore } from '../helpers/hub-core.js';

/** Hub core against the embedded broker, with short silence limits. */
describe('hub availability and polling', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(silenceMs: number) {
    const core = await startHubCore({
      drivers: [new TasmotaDriver()],
      silenceMs: { tasmota: silenceMs },
      silenceCheckMs: 25,
    });
    cleanup.push(() => core.stop());
    return core;
  }

  it('marks a device that falls silent without an LWT unavailable, and back when it talks', async () => {
    const { hub, url } = await setup(300);
    const dev = await mqtt.connectAsync(url);
    cleanup.push(() => dev.endAsync());
    await dev.publishAsync('tele/quiet/SENSOR', JSON.stringify({ ENERGY: { Power: 5 } }));
    await eventually(() => hub.device('quiet')?.availability === 'online', 2000, 'online');
    const changes: string[] = [];
    hub.on('availability', (d: { availability: string }) => changes.push(d.availability));
    await eventually(
      () => hub.device('quiet')?.availability === 'offline',
      2000,
      'offline by silence',
    );
    expect(hub.device('quiet')?.availabilityReason).toMatch(/^silent for \d+ s$/);
    const res = await hub.setPower('quiet', 1, 'on').catch((e: Error) => e);
    expect((res as Error).message).toMatch(/^The SmartPlug is unreachable \(silent for/);
    await dev.publishAsync('tele/quiet/SENSOR', JSON.stringify({ ENERGY: { Power: 6 } }));
    await eventually(() => hub.device('quiet')?.availability === 'online', 2000, 'online again');
    expect(changes).toEqual(['offline', 'online']);
  });

  it('asks a device that comes online for its state and readings', async () => {
    const { hub, url } = await setup(60_000);
    const plug = new TasmotaPlug({
      mqttUrl: url,
      topic: 'fresh',
      telePeriodS: 3600,
      loadWatts: 33,
      powerOn: true,
    });
    const commands: string[] = [];
    plug.on('command', (c: { topic: string; payload: string }) =>
      commands.push(`${c.topic} ${c.payload}`.trim()),
    );
    await plug.start();
    cleanup.push(() => plug.stop());
    await eventually(() => commands.includes('cmnd/fresh/STATUS 10'), 3000, 'Status 10 poll');
    expect(commands).toContain('cmnd/fresh/STATE');
    // The poll answers give the hub power before the first TelePeriod.
    await eventually(
      () => hub.device('fresh')?.readings.power?.value === 33,
      3000,
      'power from the poll',
    );
    expect(hub.device('fresh')?.relays).toEqual([{ relay: 1, state: 'on' }]);
  });
});

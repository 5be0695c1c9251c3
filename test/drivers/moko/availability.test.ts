import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MokoDriver } from '../../../src/drivers/moko/driver.js';
import { eventually } from '../../helpers/hub.js';
import { BASE, ID } from './helpers.js';
import { startHubCore } from '../../helpers/hub-core.js';

/** The hub with the Moko driver, a controlled clock and the default 62 s silence limit. */
describe('Moko availability: switch_state is the heartbeat', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const clock = { now: Date.UTC(2026, 10, 22, 9, 0, 0) };
    const core = await startHubCore({
      drivers: [new MokoDriver()],
      silenceMs: { moko: 62_000 },
      heartbeat: ['moko'],
      silenceCheckMs: 20,
      now: () => clock.now,
    });
    cleanup.push(() => core.stop());
    const { hub } = core;
    const plug = await mqtt.connectAsync(core.url);
    cleanup.push(() => plug.endAsync());
    const heartbeat = async () => {
      const before = hub.device(ID)?.lastSeen;
      await plug.publishAsync(`${BASE}device/switch_state`, '{"switch_state":"on"}', { qos: 1 });
      await eventually(() => hub.device(ID)?.lastSeen !== before && hub.device(ID)?.lastSeen);
    };
    const electricity = async () => {
      const n = hub.counters.readings;
      await plug.publishAsync(
        `${BASE}device/electricity_information`,
        '{"voltage":2300,"current":100,"power":23}',
        {
          qos: 1,
        },
      );
      await eventually(() => hub.counters.readings >= n + 3);
    };
    return { hub, clock, heartbeat, electricity };
  }

  const settle = () => new Promise((r) => setTimeout(r, 100));

  it('a plug heard once is offline after 62 s of silence, not before', async () => {
    const { hub, clock, heartbeat } = await setup();
    await heartbeat();
    expect(hub.device(ID)?.availability).toBe('online');
    clock.now += 62_000;
    await settle();
    expect(hub.device(ID)?.availability).toBe('online');
    clock.now += 1000;
    await eventually(() => hub.device(ID)?.availability === 'offline', 2000, 'offline');
    expect(hub.device(ID)?.availabilityReason).toBe('silent for 63 s');
  });

  it('a metering plug stays online on its electricity; when everything stops, offline after 62 s', async () => {
    const { hub, clock, heartbeat, electricity } = await setup();
    await heartbeat();
    for (let s = 0; s < 70; s++) {
      clock.now += 1000;
      await electricity();
    }
    await settle();
    expect(hub.device(ID)?.availability).toBe('online');
    clock.now += 62_000;
    await settle();
    expect(hub.device(ID)?.availability).toBe('online');
    clock.now += 1000;
    await eventually(() => hub.device(ID)?.availability === 'offline', 2000, 'offline');
  });

  it('a plug without metering, beating every 30 s, is offline after 62 s, not 3 beats', async () => {
    const { hub, clock, heartbeat } = await setup();
    for (let beat = 0; beat < 4; beat++) {
      await heartbeat();
      clock.now += 30_000;
    }
    await heartbeat();
    clock.now += 62_000;
    await settle();
    expect(hub.device(ID)?.availability).toBe('online');
    clock.now += 1000;
    await eventually(() => hub.device(ID)?.availability === 'offline', 2000, 'offline at 63 s');
  });

  it('comes back online with its next heartbeat', async () => {
    const { hub, clock, heartbeat } = await setup();
    await heartbeat();
    clock.now += 63_000;
    await eventually(() => hub.device(ID)?.availability === 'offline', 2000, 'offline');
    await heartbeat();
    expect(hub.device(ID)?.availability).toBe('online');
  });
});

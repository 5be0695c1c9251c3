import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Mqtt2goDriver } from '../../../src/drivers/mqtt2go/driver.js';
import { Hub } from '../../../src/hub/hub.js';
import { ExternalBus } from '../../../src/mqtt/external-bus.js';
import { Mqtt2goSocket } from '../../../src/sim/mqtt2go/socket.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import { eventually } from '../../helpers/hub.js';
import { tempDir } from '../../helpers/tmp.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);
const PERIOD_MS = 10_000;

/**
 * MQTT2GO has no heartbeat and no LWT: a socket is unavailable after three
 * of its own observed report periods of silence. Hub and socket share one
 * clock the test moves, so "three periods" is exact, not a race.
 */
describe('MQTT2GO availability by report periods', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('online while reporting, unavailable only after 3 silent periods', async () => {
    const clock = { now: T0 };
    const log = pino({ level: 'silent' });
    const broker = await startTestBroker();
    cleanup.push(() => broker.close());
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const bus = new ExternalBus({
      url: broker.url,
      will: { topic: 'wb/status', payload: 'offline' },
      log,
    });
    await bus.start();
    cleanup.push(() => bus.stop());
    expect(await bus.waitConnected(3000)).toBe(true);
    const store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100 });
    cleanup.push(() => store.close());
    const hub = new Hub({
      bus,
      store,
      drivers: [new Mqtt2goDriver({ clock: () => clock.now })],
      log,
      commandTimeoutMs: 500,
      silenceMs: {},
      silencePeriods: { mqtt2go: 3 },
      silenceCheckMs: 10,
      baseTopic: 'wb',
      now: () => clock.now,
    });
    await hub.start();
    cleanup.push(() => hub.stop());

    const s = new Mqtt2goSocket({
      mqttUrl: broker.url,
      version: '2.1',
      home: 'BRQ',
      gateway: 'BUT',
      devId: 'quiet',
      intervalMs: PERIOD_MS,
      clock: () => clock.now,
    });
    cleanup.push(() => s.stop());
    await s.start();
    const dev = () => hub.device('quiet');
    // Heard, online, and the poll's about answer is in: nothing more is on the way.
    await eventually(() => dev()?.info.relayCount === 1, 5000, 'about answer');
    await eventually(() => hub.counters.stateReports === 2, 5000, 'state at connect and on poll');
    expect(dev()?.availability).toBe('online');

    for (const n of [1, 2]) {
      clock.now = T0 + n * PERIOD_MS;
      s.tick();
      const at = new Date(clock.now).toISOString();
      await eventually(() => dev()?.lastSeen === at, 5000, `report ${n}`);
    }
    s.kill(); // power pulled: no goodbye of any kind
    const lastSeen = clock.now;

    clock.now = lastSeen + 3 * PERIOD_MS - 1000;
    await new Promise((r) => setTimeout(r, 100)); // many silence checks
    expect(dev()?.availability).toBe('online');

    clock.now = lastSeen + 3 * PERIOD_MS + 1000;
    await eventually(() => dev()?.availability === 'offline', 5000, 'offline');
    expect(dev()?.availabilityReason).toBe('silent for 31 s');
  });
});

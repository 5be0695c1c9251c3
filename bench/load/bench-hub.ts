import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createDrivers } from '../../src/drivers/index.js';
import { Hub } from '../../src/hub/hub.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { GuardLimits } from '../../src/mqtt/broker-guard.js';

/** The hub's ingest path as `wattbridge start` builds it, minus HTTP. */
export async function startBenchHub(limits: GuardLimits, withHub = true) {
  const log = pino({ level: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'wattbridge-bench-hub-'));
  const broker = new EmbeddedBroker({ host: '127.0.0.1', port: 0, limits, log });
  await broker.start();
  const store = new SqliteStore({ dataDir: dir, flushIntervalMs: 250, batchSize: 2000 });
  let received = 0;
  let hub: Hub | undefined;
  if (withHub) {
    hub = new Hub({
      bus: broker,
      store,
      drivers: createDrivers(),
      log,
      commandTimeoutMs: 5000,
      silenceMs: {},
      baseTopic: 'wattbridge',
    });
    await hub.start();
  } else {
    // Baseline: the broker's own in-process delivery to a subscriber that only counts.
    broker.onMessage(() => received++);
    await broker.subscribe(['tele/+/SENSOR']);
  }
  return {
    url: `mqtt://127.0.0.1:${broker.port}`,
    broker,
    hub,
    store,
    received: () => (hub ? hub.counters.messages : received),
    async stop() {
      await hub?.stop();
      await broker.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const UNLIMITED: GuardLimits = {
  maxPublishRate: 1e9,
  maxQueued: 1e9,
  maxClientBufferBytes: 64 * 1024 * 1024,
  slowClientTimeoutMs: 60_000,
};

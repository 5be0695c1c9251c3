import pino from 'pino';
import { Hub, type HubOptions } from '../../src/hub/hub.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from './tmp.js';

/**
 * The hub core alone (no HTTP, no IoToad): an embedded broker on an ephemeral
 * port, a fresh SQLite folder and a Hub with the given drivers and options.
 * Everything it starts is stopped by the returned function, in reverse order.
 */
export async function startHubCore(
  opts: Pick<HubOptions, 'drivers' | 'silenceMs'> & Partial<HubOptions>,
): Promise<{ hub: Hub; url: string; stop(): Promise<void> }> {
  const log = pino({ level: 'silent' });
  const dir = tempDir();
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    log,
    limits: {
      maxPublishRate: 1000,
      maxQueued: 1000,
      maxClientBufferBytes: 1 << 20,
      slowClientTimeoutMs: 1000,
    },
  });
  await broker.start();
  const store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100 });
  const hub = new Hub({
    bus: broker,
    store,
    log,
    commandTimeoutMs: 500,
    baseTopic: 'wattbridge',
    ...opts,
  });
  await hub.start();
  return {
    hub,
    url: `mqtt://127.0.0.1:${broker.port}`,
    async stop() {
      await hub.stop();
      store.close();
      await broker.stop();
      dir.remove();
    },
  };
}

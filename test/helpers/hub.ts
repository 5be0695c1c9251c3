import pino from 'pino';
import { startApp, type App } from '../../src/app.js';
import type { HubConfig } from '../../src/config/config.js';
import { resolveConfig } from '../../src/config/load.js';
import { tempDir } from './tmp.js';

/**
 * A whole hub on ephemeral ports with a fresh SQLite folder: the embedded
 * broker unless `mqttUrl` is given. Flags use the CLI's names.
 */
export async function startTestHub(
  flags: Record<string, string | boolean> = {},
): Promise<{ app: App; cfg: HubConfig; baseUrl: string; stop(): Promise<void> }> {
  const dir = tempDir('wattbridge-hub-');
  const res = resolveConfig({
    env: {},
    flags: {
      'mqtt-port': '0',
      'http-port': '0',
      'data-dir': dir.path,
      'log-level': 'silent',
      'command-timeout': '1500',
      'store-flush-interval-ms': '50',
      ...flags,
    },
  });
  if (!res.ok) throw new Error(res.problems.join('\n'));
  const app = await startApp(
    res.config,
    pino({ level: process.env.WATTBRIDGE_TEST_LOG ?? 'silent' }),
  );
  return {
    app,
    cfg: res.config,
    baseUrl: `http://127.0.0.1:${app.http.port}`,
    async stop() {
      await app.stop();
      dir.remove();
    },
  };
}

/** Poll until `check` returns a truthy value or throw after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { TasmotaDriver } from '../../src/drivers/tasmota/driver.js';
import { Hub } from '../../src/hub/hub.js';
import { ExternalBus } from '../../src/mqtt/external-bus.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startTestBroker, type TestBroker } from '../helpers/aedes-broker.js';
import { eventually } from '../helpers/hub.js';
import { tempDir } from '../helpers/tmp.js';

/** The hub against an external broker that restarts, retained leftovers and a locked database. */
describe('hub resilience', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function broker(port = 0): Promise<TestBroker> {
    const b = await startTestBroker(port);
    cleanup.push(() => b.close());
    return b;
  }

  async function hubOn(url: string, opts: { dir?: string; silenceMs?: number } = {}) {
    const log = pino({ level: 'silent' });
    const dir = opts.dir ?? tempDir().path;
    const bus = new ExternalBus({
      url,
      log,
      minBackoffMs: 50,
      maxBackoffMs: 200,
      will: { topic: 'wb/status', payload: 'offline' },
    });
    await bus.start();
    await bus.waitConnected(2000);
    cleanup.push(() => bus.stop());
    const store = new SqliteStore({ dataDir: dir, flushIntervalMs: 0, batchSize: 1 });
    cleanup.push(() => store.close());
    const hub = new Hub({
      bus,
      store,
      drivers: [new TasmotaDriver()],
      log,
      commandTimeoutMs: 500,
      silenceMs: { tasmota: opts.silenceMs ?? 60_000 },
      silenceCheckMs: 25,
      baseTopic: 'wb',
    });
    await hub.start();
    cleanup.push(() => hub.stop());
    return { hub, bus, store, dir };
  }

  async function watch(url: string, topic: string): Promise<string[]> {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 50 });
    cleanup.push(() => c.endAsync(true));
    const seen: string[] = [];
    c.on('message', (_t, p) => seen.push(p.toString()));
    c.on('connect', () => void c.subscribeAsync(topic));
    await c.subscribeAsync(topic);
    return seen;
  }

  it('says online again after the broker comes back, and forgets device state while it is gone', async () => {
    const first = await broker();
    const { hub } = await hubOn(first.url);
    const dev = await mqtt.connectAsync(first.url);
    await dev.publishAsync('tele/lamp/LWT', 'Online');
    await eventually(() => hub.device('lamp')?.availability === 'online', 2000, 'lamp online');
    await dev.endAsync(true);

    await first.close();
    await eventually(() => hub.device('lamp')?.availability === 'unknown', 3000, 'lamp unknown');
    expect(hub.device('lamp')?.availabilityReason).toBe('the hub lost its MQTT broker');

    const second = await broker(first.port);
    const status = await watch(second.url, 'wb/status');
    await eventually(() => status.includes('online'), 5000, 'online status after reconnect');
  });

  it('does not take retained telemetry as a sign of life', async () => {
    const b = await broker();
    const old = await mqtt.connectAsync(b.url);
    await old.publishAsync('tele/gone/STATE', '{"POWER":"ON"}', { retain: true });
    await old.publishAsync('tele/gone/LWT', 'Offline', { retain: true });
    await old.endAsync();
    const { hub } = await hubOn(b.url);
    await eventually(
      () => hub.device('gone')?.availability === 'offline',
      2000,
      'offline from the LWT',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(hub.device('gone')?.availability).toBe('offline');
    expect(hub.device('gone')?.relays).toEqual([{ relay: 1, state: 'on' }]);
    const err = await hub.setPower('gone', 1, 'off').catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^The SmartPlug is unreachable \(device says offline/);
  });

  it('marks devices known from before a restart offline when they stay silent', async () => {
    const b = await broker();
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const first = await hubOn(b.url, { dir: dir.path });
    const dev = await mqtt.connectAsync(b.url);
    await dev.publishAsync('tele/quiet/SENSOR', '{"ENERGY":{"Power":3}}');
    await dev.endAsync();
    await eventually(() => first.hub.device('quiet'), 2000, 'device known');
    await first.hub.stop();
    first.store.close();

    const second = await hubOn(b.url, { dir: dir.path, silenceMs: 200 });
    expect(second.hub.device('quiet')?.availability).toBe('unknown');
    await eventually(() => second.hub.device('quiet')?.availability === 'offline', 3000, 'offline');
    expect(second.hub.device('quiet')?.availabilityReason).toBe(
      'not heard from since the hub started',
    );
  });

  it('keeps running when the database is locked, and stores again once it is free', async () => {
    const b = await broker();
    const { hub, store } = await hubOn(b.url);
    const locker = new Database(store.path);
    locker.exec('BEGIN EXCLUSIVE');
    const dev = await mqtt.connectAsync(b.url);
    cleanup.push(() => dev.endAsync());
    await dev.publishAsync('tele/newdev/SENSOR', '{"ENERGY":{"Power":5}}');
    await eventually(() => hub.counters.storeErrors > 0, 5000, 'a counted store error');
    expect(hub.device('newdev')?.readings.power?.value).toBe(5);
    locker.exec('ROLLBACK');
    locker.close();
    await dev.publishAsync('tele/newdev/SENSOR', '{"ENERGY":{"Power":7}}');
    await eventually(
      () => {
        store.flush();
        return store
          .range('newdev', 'power', 0, Number.MAX_SAFE_INTEGER)
          .some((p) => p.value === 7);
      },
      5000,
      'the reading after the lock stored',
    );
  });
});

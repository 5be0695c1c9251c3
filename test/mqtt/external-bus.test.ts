import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { ExternalBus, redactUrl } from '../../src/mqtt/external-bus.js';
import { startTestBroker, type TestBroker } from '../helpers/aedes-broker.js';
import { eventually } from '../helpers/hub.js';

describe('ExternalBus (a real broker that goes away and comes back)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  function bus(url: string, extra: Partial<ConstructorParameters<typeof ExternalBus>[0]> = {}) {
    const b = new ExternalBus({
      url,
      log: pino({ level: 'silent' }),
      minBackoffMs: 50,
      maxBackoffMs: 200,
      ...extra,
    });
    cleanup.push(() => b.stop());
    return b;
  }

  async function broker(port = 0): Promise<TestBroker> {
    const b = await startTestBroker(port);
    cleanup.push(() => b.close());
    return b;
  }

  it('reconnects, resubscribes and reports its connection state', async () => {
    const first = await broker();
    const b = bus(first.url);
    const states: boolean[] = [];
    b.on('state', (s: { connected: boolean }) => states.push(s.connected));
    const got: string[] = [];
    b.onMessage((t, p) => got.push(`${t}=${p.toString()}`));
    await b.start();
    expect(await b.waitConnected(2000)).toBe(true);
    await b.subscribe(['tele/+/SENSOR']);

    await first.close();
    await eventually(() => !b.state.connected, 3000, 'disconnected state');
    // Commands asked for now fail at once, with the reason, instead of queueing.
    const err = await b.publish('cmnd/x/POWER', 'ON').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('disconnected');
    expect((err as HubError).message).toMatch(
      /Not connected to the MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+.*Nothing was sent/,
    );

    const second = await broker(first.port);
    expect(await b.waitConnected(5000)).toBe(true);
    expect(b.state.reconnects).toBeGreaterThan(0);
    const pub = await mqtt.connectAsync(second.url);
    await eventually(
      async () => {
        await pub.publishAsync('tele/kitchen/SENSOR', '{"n":1}');
        return got.includes('tele/kitchen/SENSOR={"n":1}');
      },
      3000,
      'message after resubscribe',
    );
    await pub.endAsync();
    expect(states).toEqual([true, false, true]);
  });

  it('keeps trying a broker that is not there yet, with growing waits', async () => {
    const probe = await broker();
    const port = probe.port;
    await probe.close();
    const b = bus(`mqtt://127.0.0.1:${port}`);
    await b.start();
    // Watch the wait before each attempt: it doubles from 50 ms to the 200 ms cap.
    const waits: number[] = [];
    await eventually(
      () => {
        const w = b.state.retryInMs;
        if (w !== undefined && w !== waits[waits.length - 1]) waits.push(w);
        return waits.length >= 3 && waits[waits.length - 1] === 200 && b.state.reconnects >= 4;
      },
      5000,
      'waits to grow to the cap',
    );
    expect(waits.slice(0, 3)).toEqual([50, 100, 200]);
    expect(b.state.connected).toBe(false);
    await broker(port);
    expect(await b.waitConnected(3000)).toBe(true);
  });

  it('publishes its retained will when it vanishes', async () => {
    const br = await broker();
    const watcher = await mqtt.connectAsync(br.url);
    cleanup.push(() => watcher.endAsync());
    const seen: string[] = [];
    watcher.on('message', (_t, p) => seen.push(p.toString()));
    await watcher.subscribeAsync('wb/status');
    const b = bus(br.url, { will: { topic: 'wb/status', payload: 'offline' } });
    await b.start();
    await b.waitConnected(2000);
    // An unclean loss: destroy the hub's socket under it (the watcher stays).
    const clients = (
      br.broker as unknown as { clients: Record<string, { conn: { destroy(): void } }> }
    ).clients;
    const hubId = Object.keys(clients).find((id) => id.startsWith('wattbridge-'));
    expect(hubId).toBeDefined();
    clients[hubId!]!.conn.destroy();
    await eventually(() => seen.includes('offline'), 3000, 'will message');
  });

  it('never shows a password', () => {
    expect(redactUrl('mqtts://hub:s3cret@broker:8883')).toBe('mqtts://hub:***@broker:8883');
  });
});

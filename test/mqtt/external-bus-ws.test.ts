import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import pino from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { ExternalBus } from '../../src/mqtt/external-bus.js';
import { eventually } from '../helpers/hub.js';

/**
 * MQTT over WebSocket with credentials in the URL: a real aedes behind a real
 * WebSocket server that checks user and password.
 */
describe('ExternalBus over ws:// with user and password', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function wsBroker(user: string, pass: string) {
    const broker = await Aedes.createBroker({
      authenticate: (
        _c: unknown,
        u: string | undefined,
        p: Buffer | undefined,
        done: (e: Error | null, ok: boolean) => void,
      ) => done(null, u === user && p?.toString() === pass),
    } as never);
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (socket) => broker.handle(createWebSocketStream(socket) as never));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => broker.close(() => r(undefined))));
    cleanup.push(() => new Promise((r) => http.close(() => r(undefined))));
    cleanup.push(() => wss.clients.forEach((c) => c.terminate()));
    return `127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  it('connects with credentials from the URL, subscribes and publishes', async () => {
    const host = await wsBroker('hub', 's3cret');
    const bus = new ExternalBus({ url: `ws://hub:s3cret@${host}`, log: pino({ level: 'silent' }) });
    cleanup.push(() => bus.stop());
    await bus.start();
    expect(await bus.waitConnected(3000)).toBe(true);
    expect(bus.state.endpoint).toBe(`ws://hub:***@${host}`);
    const got: string[] = [];
    bus.onMessage((t) => got.push(t));
    await bus.subscribe(['tele/+/STATE']);
    const device = await mqtt.connectAsync(`ws://${host}`, { username: 'hub', password: 's3cret' });
    cleanup.push(() => device.endAsync());
    const seen: string[] = [];
    device.on('message', (_t, p) => seen.push(p.toString()));
    await device.subscribeAsync('cmnd/ws_plug/POWER');
    await device.publishAsync('tele/ws_plug/STATE', '{}');
    await eventually(() => got.includes('tele/ws_plug/STATE'), 3000, 'message over ws');
    await bus.publish('cmnd/ws_plug/POWER', 'ON');
    await eventually(() => seen.includes('ON'), 3000, 'command over ws');
  });

  it('reports refused credentials and keeps the flags ahead of the URL', async () => {
    const host = await wsBroker('hub', 'right');
    const wrong = new ExternalBus({
      url: `ws://hub:wrong@${host}`,
      log: pino({ level: 'silent' }),
      minBackoffMs: 50,
    });
    cleanup.push(() => wrong.stop());
    await wrong.start();
    expect(await wrong.waitConnected(500)).toBe(false);
    await eventually(() => wrong.state.lastError, 2000, 'an error');
    expect(wrong.state.lastError).toMatch(/Not authorized|Bad username or password/i);
    const fixed = new ExternalBus({
      url: `ws://hub:wrong@${host}`,
      password: 'right',
      log: pino({ level: 'silent' }),
    });
    cleanup.push(() => fixed.stop());
    await fixed.start();
    expect(await fixed.waitConnected(3000)).toBe(true);
  });
});

import type { Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { MqttOutput } from '../../../src/dsmr/io/index.js';
import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import {
  captureLog,
  deferCleanup,
  expectedMessage,
  telegramOf as telegram,
  waitFor,
} from './helpers.js';

/** smartmeter2mqtt's own sample: currentDelivery and several counters are 0. */
const KAIFA = 'smartmeter2mqtt-kaifa-dsmr42.txt';

interface Seen {
  payload: string;
  retain: boolean;
}

/** A subscriber to `<prefix>/#` that keeps the last message per topic. */
async function subscriber(url: string, prefix: string) {
  const client: MqttClient = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const seen = new Map<string, Seen>();
  client.on('message', (topic, payload, packet) =>
    seen.set(topic, { payload: payload.toString(), retain: packet.retain }),
  );
  await client.subscribeAsync(`${prefix}/#`);
  return { client, seen };
}

describe('MQTT output', () => {
  const defer = deferCleanup();

  async function broker(port = 0): Promise<TestBroker> {
    const b = await startTestBroker(port);
    defer(() => b.close());
    return b;
  }

  async function output(url: string, extra: Partial<ConstructorParameters<typeof MqttOutput>[0]>) {
    const out = new MqttOutput({
      url,
      log: captureLog().log,
      minBackoffMs: 20,
      maxBackoffMs: 100,
      ...extra,
    });
    await out.start();
    defer(() => out.close());
    return out;
  }

  it('publishes connected=2, the energy JSON and distinct fields (zeros too), all retained', async () => {
    const b = await broker();
    const out = await output(b.url, { prefix: 'meter', distinct: true });
    await out.waitConnected(10_000);
    const live = await subscriber(b.url, 'meter');
    defer(() => live.client.endAsync());
    out.write(telegram(KAIFA, 1_700_000_000_000));
    await waitFor(() => live.seen.has('meter/status/powerSn'), 'the last distinct field');

    // A subscriber arriving later gets all of it from the broker's retained store.
    const late = await subscriber(b.url, 'meter');
    defer(() => late.client.endAsync());
    await waitFor(() => late.seen.size >= 10, 'the retained messages');
    const get = (topic: string) => late.seen.get(`meter/${topic}`);
    expect(get('connected')).toEqual({ payload: '2', retain: true });
    expect(get('status/energy')?.retain).toBe(true);
    expect(JSON.parse(get('status/energy')!.payload)).toEqual(expectedMessage(KAIFA));
    const distinct = (field: string) => JSON.parse(get(`status/${field}`)!.payload) as unknown;
    expect(distinct('currentDelivery')).toEqual({ ts: 1_700_000_000_000, val: 0 });
    expect(distinct('totalT1Use')).toEqual({ ts: 1_700_000_000_000, val: 2000.123 });
    expect(distinct('currentTarrif')).toEqual({ ts: 1_700_000_000_000, val: 1 });
    expect(distinct('powerSn')).toEqual({
      ts: 1_700_000_000_000,
      val: expectedMessage(KAIFA).powerSn,
    });
    expect(get('status/currentDelivery')?.retain).toBe(true);
    expect(out.counters).toEqual({ published: 1, dropped: 0 });
  });

  it('publishes only the distinct fields asked for, and none without --mqtt-distinct', async () => {
    const b = await broker();
    const picked = await output(b.url, {
      prefix: 'a',
      distinct: true,
      distinctFields: ['currentUsage', 'calculatedUsage'],
    });
    const plain = await output(b.url, { prefix: 'b' });
    await picked.waitConnected(10_000);
    await plain.waitConnected(10_000);
    const sub = await subscriber(b.url, '+');
    defer(() => sub.client.endAsync());
    picked.write(telegram(KAIFA, 5));
    plain.write(telegram(KAIFA, 5));
    await waitFor(
      () => sub.seen.has('a/status/calculatedUsage') && sub.seen.has('b/status/energy'),
      'both outputs',
    );
    const topics = [...sub.seen.keys()].sort();
    expect(topics).toEqual([
      'a/connected',
      'a/status/calculatedUsage',
      'a/status/currentUsage',
      'a/status/energy',
      'b/connected',
      'b/status/energy',
    ]);
    expect(JSON.parse(sub.seen.get('a/status/calculatedUsage')!.payload)).toEqual({
      ts: 5,
      val: 329,
    });
  });

  it('drops and counts telegrams while the broker is away, then carries on', async () => {
    const b = await broker();
    const port = b.port;
    await b.close(); // the broker is down when the output starts
    const out = await output(`mqtt://127.0.0.1:${port}`, { prefix: 'p', startWaitMs: 0 });
    for (let i = 0; i < 3; i++) out.write(telegram(KAIFA, i));
    expect(out.counters).toEqual({ published: 0, dropped: 3 });

    const back = await broker(port);
    expect(await out.waitConnected(10_000)).toBe(true);
    const sub = await subscriber(back.url, 'p');
    defer(() => sub.client.endAsync());
    out.write(telegram(KAIFA, 42));
    await waitFor(() => sub.seen.has('p/status/energy'), 'the energy topic');
    expect(out.counters).toEqual({ published: 1, dropped: 3 });
  });

  it('leaves connected=0 behind: by will when the connection dies, on purpose when closed', async () => {
    const b = await broker();
    const first: Client[] = [];
    b.broker.on('client', (c) => first.push(c));
    const out = await output(b.url, { prefix: 'w' });
    await out.waitConnected(10_000);
    const sub = await subscriber(b.url, 'w');
    defer(() => sub.client.endAsync());
    await waitFor(() => sub.seen.get('w/connected')?.payload === '2', 'connected=2');

    // The broker cuts the output's connection without a DISCONNECT: the will fires.
    first[0]!.close();
    await waitFor(() => sub.seen.get('w/connected')?.payload === '0', 'the will');
    // ...and the output, back by itself, says 2 again.
    await waitFor(() => sub.seen.get('w/connected')?.payload === '2', 'connected=2 again');

    await out.close();
    await waitFor(() => sub.seen.get('w/connected')?.payload === '0', 'connected=0 on close');
  });
});

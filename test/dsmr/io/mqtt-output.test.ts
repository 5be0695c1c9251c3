import type { Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DsmrDecoder } from '../../../src/dsmr/index.js';
import { MqttOutput, p1Telegram, type P1Telegram } from '../../../src/dsmr/io/index.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
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
      'a/status/gasUsage',
      'a/status/usage',
      'b/connected',
      'b/status/energy',
      'b/status/gasUsage',
      'b/status/usage',
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

  it('publishes usage and gasUsage on change (not retained), last_reset, and Home Assistant discovery once', async () => {
    const b = await broker();
    const out = await output(b.url, {
      prefix: 'm',
      lastReset: '1970-01-01T00:00:00+00:00',
      discoveryPrefix: 'ha',
    });
    await out.waitConnected(10_000);
    const client = await mqtt.connectAsync(b.url, { reconnectPeriod: 0 });
    defer(() => client.endAsync());
    const got: { topic: string; payload: Record<string, unknown> }[] = [];
    client.on('message', (topic, payload) => {
      if (topic !== 'm/connected') got.push({ topic, payload: JSON.parse(payload.toString()) });
    });
    await client.subscribeAsync(['m/#', 'ha/#']);
    // Live deliveries carry no retain flag; what the output sent does.
    const retained = new Map<string, boolean>();
    b.broker.on('publish', (packet, sender) => {
      if (sender !== null) retained.set(packet.topic, packet.retain);
    });

    // One simulated DSMR 5 meter: the gas meter reports every 5 minutes.
    const start = Date.parse('2026-01-10T08:00:00Z');
    const meter = new MeterModel({ version: '5', seed: 3, startMs: start });
    const decoder = new DsmrDecoder();
    const at = (ms: number): P1Telegram => {
      const [r] = decoder.push(meter.telegramAt(ms));
      if (!r?.ok) throw new Error('simulator telegram rejected');
      return p1Telegram(r.telegram, r.raw, ms);
    };
    const telegrams = [at(start), at(start + 1000), at(start + 600_000)];
    // One at a time, as a meter sends them (a second or more apart).
    for (const [i, t] of telegrams.entries()) {
      out.write(t);
      await waitFor(
        () => got.filter((g) => g.topic === 'm/status/energy').length === i + 1,
        `energy ${i + 1}`,
      );
    }
    await waitFor(() => got.filter((g) => g.topic === 'm/status/gasUsage').length >= 2, 'gas');

    const energy = got.find((g) => g.topic === 'm/status/energy')!;
    expect(retained.get('m/status/energy')).toBe(true);
    expect(energy.payload).toEqual({
      ...telegrams[0]!.message,
      last_reset: '1970-01-01T00:00:00+00:00',
    });

    const usages = got.filter((g) => g.topic === 'm/status/usage').map((g) => g.payload);
    const watts = telegrams.map((t) => t.message.calculatedUsage as number);
    expect(retained.get('m/status/usage')).toBe(false);
    expect(usages[0]).toMatchObject({ previousUsage: null, relative: 0, val: watts[0], tc: start });
    const second = usages.find((u) => u.tc === start + 600_000);
    expect(second).toMatchObject({
      previousUsage: watts[1],
      relative: watts[2]! - watts[1]!,
      val: watts[2],
    });

    const gas = got.filter((g) => g.topic === 'm/status/gasUsage');
    const totals = telegrams.map((t) => t.message.gas!);
    expect(retained.get('m/status/gasUsage')).toBe(false);
    expect(gas[0]!.payload).toMatchObject({ previousUsage: null, relative: 0, val: 0 });
    const used = Math.round((totals[2]!.totalUse! - totals[0]!.totalUse!) * 1000) / 1000;
    const hours = (Date.parse(totals[2]!.ts!) - Date.parse(totals[0]!.ts!)) / 3_600_000;
    expect(gas[1]!.payload).toMatchObject({
      relative: used,
      val: Math.round((used / hours) * 1000) / 1000,
    });

    const discovery = got.filter((g) => g.topic.startsWith('ha/'));
    expect(discovery.map((g) => g.topic).sort()).toEqual(
      [
        'current-tarrif',
        'gas',
        'power-exported',
        'power-imported',
        'power-usage',
        't1-delivered',
        't1-used',
        't2-delivered',
        't2-used',
      ].map((id) => `ha/sensor/m/${id}/config`),
    );
    expect(discovery.every((g) => retained.get(g.topic))).toBe(true);
    const config = (id: string) => discovery.find((g) => g.topic === `ha/sensor/m/${id}/config`)!;
    expect(config('power-usage').payload).toMatchObject({
      unit_of_measurement: 'W',
      device_class: 'power',
      state_topic: 'm/status/energy',
      availability_topic: 'm/connected',
      payload_available: '2',
    });
    expect(config('t1-used').payload).toMatchObject({
      unit_of_measurement: 'kWh',
      state_class: 'total_increasing',
    });
    expect(config('power-exported').payload.value_template).toContain('totalT1Delivered');
    expect(config('gas').payload).toMatchObject({ device_class: 'gas', unit_of_measurement: 'm³' });
  });
});

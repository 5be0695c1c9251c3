import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../helpers/embedded-broker.js';
import { eventually } from '../helpers/hub.js';

/**
 * What a TCP subscriber (Home Assistant, a dashboard, IoToad's apps) gets
 * from the embedded broker when a device publishes retained and plain
 * messages back to back, as a Tasmota plug does on connect (retained
 * `LWT Online`, then its first telemetry).
 */
describe('embedded broker delivery to TCP subscribers', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function broker(): Promise<string> {
    const b = await startEmbeddedBroker();
    cleanup.push(() => b.stop());
    return `mqtt://127.0.0.1:${b.port}`;
  }

  async function client(url: string): Promise<mqtt.MqttClient> {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    cleanup.push(() => c.endAsync(true));
    return c;
  }

  it('delivers a retained publish live even when a plain one follows in the same read', async () => {
    const url = await broker();
    const sub = await client(url);
    const got: string[] = [];
    sub.on('message', (topic, payload) => got.push(`${topic} ${payload.toString()}`));
    await sub.subscribeAsync('tele/#');
    const plug = await client(url);
    // Not awaited one by one: the publishes leave in one write, as a device's do.
    const sent = [
      plug.publishAsync('tele/p1/LWT', 'Online', { retain: true }),
      plug.publishAsync('tele/p1/INFO1', '{"Module":"Sonoff"}'),
      plug.publishAsync('tele/p1/STATE', '{"POWER":"ON"}', { retain: true }),
      plug.publishAsync('tele/p1/STATE', '{"POWER":"OFF"}', { retain: true }),
      plug.publishAsync('tele/p1/SENSOR', '{"ENERGY":{"Power":5}}'),
    ];
    await Promise.all(sent);
    const want = [
      'tele/p1/LWT Online',
      'tele/p1/INFO1 {"Module":"Sonoff"}',
      'tele/p1/STATE {"POWER":"ON"}',
      'tele/p1/STATE {"POWER":"OFF"}',
      'tele/p1/SENSOR {"ENERGY":{"Power":5}}',
    ];
    await eventually(() => got.length >= want.length, 3000, 'every publish delivered');
    expect([...got].sort()).toEqual([...want].sort());
    // Per topic, in the order sent.
    expect(got.filter((m) => m.startsWith('tele/p1/STATE'))).toEqual(want.slice(2, 4));
    // And the retained values are kept for a later subscriber.
    const late = await client(url);
    const retained: string[] = [];
    late.on('message', (topic, payload) => retained.push(`${topic} ${payload.toString()}`));
    await late.subscribeAsync('tele/p1/+');
    await eventually(() => retained.length >= 2, 3000, 'the retained messages');
    expect(retained.sort()).toEqual(['tele/p1/LWT Online', 'tele/p1/STATE {"POWER":"OFF"}']);
  });

  it('sends one copy to a subscriber whose filters overlap', async () => {
    const url = await broker();
    const sub = await client(url);
    const got: string[] = [];
    sub.on('message', (topic) => got.push(topic));
    await sub.subscribeAsync(['tele/#', 'tele/+/LWT', 'tele/p2/LWT']);
    const plug = await client(url);
    await plug.publishAsync('tele/p2/LWT', 'Online', { retain: true });
    await plug.publishAsync('tele/p2/SENSOR', '{}');
    await eventually(() => got.includes('tele/p2/SENSOR'), 3000, 'the telemetry');
    // Anything extra would have arrived with or before the later publish.
    await plug.publishAsync('tele/p2/STATE', '{}');
    await eventually(() => got.includes('tele/p2/STATE'), 3000, 'the state');
    // Each once; a retained one may come after a later plain one (it is stored first).
    expect([...got].sort()).toEqual(['tele/p2/LWT', 'tele/p2/SENSOR', 'tele/p2/STATE']);
  });
});

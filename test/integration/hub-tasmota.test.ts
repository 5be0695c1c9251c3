import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TasmotaPlug } from '../../src/sim/tasmota/plug.js';
import { eventually, startTestHub } from '../helpers/hub.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * The whole path: simulated plugs -> broker -> hub -> SQLite and REST, run
 * against the embedded broker and, when WATTBRIDGE_TEST_MQTT_URL is set,
 * against an external Mosquitto.
 */
const externalUrl = process.env.WATTBRIDGE_TEST_MQTT_URL;
const brokers: { name: string; flags: () => Record<string, string> }[] = [
  { name: 'embedded broker', flags: () => ({}) },
];
if (externalUrl)
  brokers.push({ name: 'external Mosquitto', flags: () => ({ 'mqtt-url': externalUrl }) });
else
  console.log(
    'WATTBRIDGE_TEST_MQTT_URL is not set: skipping the Mosquitto run of the hub scenario',
  );

describe.each(brokers)('hub with Tasmota plugs via $name', ({ flags }) => {
  let hub: TestHub;
  let url: string;
  const plugs: TasmotaPlug[] = [];
  // Unique topics per run, so a shared external broker cannot mix runs.
  const run = Math.random().toString(36).slice(2, 7);
  let now = Date.UTC(2026, 10, 22, 12, 0, 0);
  const clock = () => now;

  beforeAll(async () => {
    hub = await startTestHub(flags());
    url = flags()['mqtt-url'] ?? hub.app.mqttUrl;
  });
  afterAll(async () => {
    await Promise.all(plugs.map((p) => p.stop().catch(() => {})));
    await hub.stop();
  });
  afterEach(async () => {
    const done = plugs.splice(0);
    await Promise.all(done.map((p) => p.stop().catch(() => {})));
    // Leave a shared broker as we found it: clear what the plugs retained.
    const c = await mqtt.connectAsync(url);
    for (const t of done.flatMap((p) => p.retainedTopics()))
      await c.publishAsync(t, '', { retain: true });
    await c.endAsync();
  });

  async function plug(
    name: string,
    opts: Partial<ConstructorParameters<typeof TasmotaPlug>[0]> = {},
  ) {
    const p = new TasmotaPlug({
      mqttUrl: url,
      topic: `${name}_${run}`,
      clock,
      telePeriodS: 300,
      ...opts,
    });
    plugs.push(p);
    await p.start();
    await eventually(
      () => hub.app.hub.device(p.topic)?.availability === 'online',
      5000,
      `${p.topic} online`,
    );
    return p;
  }

  async function api(path: string, init?: RequestInit) {
    const res = await fetch(`${hub.baseUrl}${path}`, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const post = (path: string, body: unknown) =>
    api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('discovers plugs with identity and switches a relay through REST', async () => {
    const p = await plug('desk', { loadWatts: 75 });
    const dev = await eventually(
      () => {
        const d = hub.app.hub.device(p.topic);
        return d?.info.mac ? d : undefined;
      },
      5000,
      'identity from discovery/status',
    );
    expect(dev?.protocol).toBe('tasmota');
    expect(dev?.info.mac?.replace(/:/g, '').toUpperCase()).toBe(
      p.mac.replace(/:/g, '').toUpperCase(),
    );

    const on = await post(`/api/devices/${p.topic}/power`, { relay: 1, state: 'on' });
    expect(on).toEqual({ status: 200, body: { id: p.topic, relay: 1, state: 'on' } });
    expect(p.relayState(1)).toBe(true);

    const toggled = await post(`/api/devices/${p.topic}/power`, { relay: 1, state: 'toggle' });
    expect(toggled.body.state).toBe('off');
    expect(p.relayState(1)).toBe(false);

    const got = await api(`/api/devices/${p.topic}`);
    expect(got.status).toBe(200);
    expect(got.body.relays).toEqual([{ relay: 1, state: 'off' }]);
    expect(got.body.availability).toBe('online');
  });

  it('stores the energy the plug integrated', async () => {
    const p = await plug('heater', { loadWatts: 1500 });
    await post(`/api/devices/${p.topic}/power`, { state: 'on' });
    // Two simulated hours at 1500 W, reported by TelePeriod.
    for (let i = 0; i < 120; i++) {
      now += 60_000;
      p.tick(now);
    }
    const client = await mqtt.connectAsync(url);
    await client.publishAsync(`cmnd/${p.topic}/TelePeriod`, '');
    await client.endAsync();
    const integratedWh = p.energy().totalKWh * 1000;
    expect(integratedWh).toBeGreaterThan(2900);
    await eventually(
      () => {
        hub.app.store.flush();
        const rows = hub.app.store.range(p.topic, 'energy_total', 0, Number.MAX_SAFE_INTEGER);
        const last = rows[rows.length - 1];
        return last && Math.abs(last.value - integratedWh) <= 1;
      },
      5000,
      'stored energy_total to match the simulator',
    );
    const power = hub.app.hub.device(p.topic)?.readings.power;
    expect(power?.value).toBe(1500);
  });

  it('marks a dead plug unavailable and fails its command with the unreachable error', async () => {
    const p = await plug('dead');
    p.kill();
    await eventually(
      () => hub.app.hub.device(p.topic)?.availability === 'offline',
      5000,
      'offline after LWT',
    );
    const t0 = Date.now();
    const res = await post(`/api/devices/${p.topic}/power`, { state: 'on' });
    expect(res.status).toBe(504);
    expect(res.body.error).toMatch(/^The SmartPlug is unreachable/);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('fails a command the plug never confirms after the command timeout', async () => {
    const p = await plug('mute');
    p.setFaults({ neverReply: true });
    const t0 = Date.now();
    const res = await post(`/api/devices/${p.topic}/power`, { state: 'on' });
    const took = Date.now() - t0;
    expect(res).toEqual({
      status: 504,
      body: { error: 'The SmartPlug is unreachable', code: 'unreachable' },
    });
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(4000);
  });

  it('counts garbage on every subscribed topic and loses nothing beside it', async () => {
    const p = await plug('noisy', { loadWatts: 40 });
    const topic = p.topic;
    // The hub polls a plug that comes online; its answer must not land among ours.
    await eventually(() => hub.app.hub.device(topic)?.readings.power, 5000, 'the poll answered');
    const before = hub.app.hub.counters.decodeErrors;
    const client = await mqtt.connectAsync(url);
    const junk = [
      [`tele/${topic}/SENSOR`, '{"ENERGY":{"Power":'],
      [`tele/${topic}/STATE`, 'not json'],
      [`stat/${topic}/RESULT`, '\u0000\u0001\u0002'],
      [`tele/${topic}/SENSOR`, '[1,2,3]'],
      [`tasmota/discovery/AABBCC${run}/config`, '{"t":'],
      [`tele/${topic}/LWT`, 'Maybe'],
      [`stat/${topic}/POWER`, 'SIDEWAYS'],
      [`tele/${topic}/INFO1`, '{"Info1":'],
      [`stat/${topic}/STATUS10`, '"StatusSNS"'],
    ] as const;
    for (let i = 0; i < 27; i++) {
      const [t, m] = junk[i % junk.length]!;
      await client.publishAsync(t, m);
      await client.publishAsync(
        `tele/${topic}/SENSOR`,
        JSON.stringify({
          // With its offset (SetOption52): a zone-less Time is local and stamped on receipt.
          Time: `2026-11-22T12:00:${String(i).padStart(2, '0')}+00:00`,
          ENERGY: { Total: 1 + i / 1000, Power: 100 + i },
        }),
      );
    }
    await client.endAsync();
    await eventually(
      () => hub.app.hub.device(topic)?.readings.power?.value === 126,
      5000,
      'last good reading',
    );
    const rejected = hub.app.hub.counters.decodeErrors - before;
    // On a shared broker other clients' junk may add to the count; ours is exact.
    if (flags()['mqtt-url']) expect(rejected).toBeGreaterThanOrEqual(27);
    else expect(rejected).toBe(27);
    expect(hub.app.hub.device(topic)?.availability).toBe('online');
    hub.app.store.flush();
    const t0 = Date.UTC(2026, 10, 22, 12);
    const powers = hub.app.store.range(topic, 'power', t0, t0 + 60_000);
    expect(powers.map((r) => r.value)).toEqual(Array.from({ length: 27 }, (_, i) => 100 + i));
    const health = await api('/api/health');
    expect((health.body.counters as { decodeErrors: number }).decodeErrors).toBe(
      hub.app.hub.counters.decodeErrors,
    );
  });

  it('answers bad requests with specific errors', async () => {
    const p = await plug('strict');
    expect((await post(`/api/devices/${p.topic}/power`, { state: 'maybe' })).status).toBe(400);
    const badRelay = await post(`/api/devices/${p.topic}/power`, { relay: 0, state: 'on' });
    expect(badRelay.status).toBe(400);
    expect(badRelay.body.error).toMatch(/relay/);
    expect((await post('/api/devices/nope/power', { state: 'on' })).status).toBe(404);
    const res = await fetch(`${hub.baseUrl}/api/devices/${p.topic}/power`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"state":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/JSON/);
  });
});

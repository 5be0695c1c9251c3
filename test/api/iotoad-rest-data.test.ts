import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TasmotaPlug } from '../../src/sim/tasmota/plug.js';
import { eventually, startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tmp.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

async function json(res: Response): Promise<{ status: number; body: unknown }> {
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('IoToad REST façade, data/ output and device ids', () => {
  let hub: TestHub;
  let client: MqttClient;
  const plugs: TasmotaPlug[] = [];
  const seen: { topic: string; payload: string }[] = [];

  beforeAll(async () => {
    hub = await startTestHub({
      'iotoad-response-timeout-ms': '300',
      devices: 'pinned_plug=sp_p.r0.c0',
    });
    client = await mqtt.connectAsync(hub.app.mqttUrl);
    client.on('message', (topic, payload) => seen.push({ topic, payload: payload.toString() }));
    await client.subscribeAsync(['data/#', 'query/sp_ranking/#']);
  });
  afterAll(async () => {
    await client.endAsync();
    await hub.stop();
  });
  afterEach(async () => {
    await Promise.all(plugs.splice(0).map((p) => p.stop().catch(() => {})));
  });

  async function plug(topic: string, loadWatts = 60): Promise<TasmotaPlug> {
    const p = new TasmotaPlug({
      mqttUrl: hub.app.mqttUrl,
      topic,
      telePeriodS: 0,
      loadWatts,
      powerOn: true,
    });
    plugs.push(p);
    await p.start();
    return p;
  }

  const put = (path: string, body: unknown) =>
    fetch(`${hub.baseUrl}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(json);
  const patch = (id: string, body: unknown) =>
    fetch(`${hub.baseUrl}/api/devices/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(json);

  it("publishes power and status as IoToad's collector does, and does not mistake them for a SenML device", async () => {
    await plug('sp_w.r0.c3', 42);
    const msg = await eventually(
      () =>
        seen.find(
          (m) =>
            m.topic === 'data/sp_data/influx_data/sp' && m.payload.includes('sp_w.r0.c3/power'),
        ),
      5000,
      'data/sp_data message',
    );
    const body = JSON.parse(msg.payload) as { data: { t: number; v: number }[] };
    const t = body.data[0]!.t;
    expect(msg.payload).toBe(
      `{"data":[{"bn":"sp_w.r0.c3/power","bu":"W","t":${t},"v":42},{"bn":"sp_w.r0.c3/status","bu":"S","t":${t},"v":1}]}`,
    );
    expect(Math.abs(t * 1000 - Date.now())).toBeLessThan(60_000);
    expect(hub.app.hub.devices().filter((d) => d.protocol === 'senml')).toEqual([]);
  });

  it('stores SenML from other collectors as senml devices, and rejects bad records alone', async () => {
    const before = hub.app.hub.counters.rejectedFields;
    await client.publishAsync(
      'data/othercollector/influx_data/sp',
      JSON.stringify({
        data: [
          { bn: 'sp_g.r2.c2/power', bu: 'W', t: 1795000000, v: 12.5 },
          { bn: 'sp_g.r2.c2/status', bu: 'S', t: 1795000000, v: 1 },
          { bn: 'broken', v: 'x' },
          { bn: 'lab_meter/', n: 'voltage', u: 'V', t: 1795000001, v: 229.5 },
        ],
      }),
    );
    const dev = await eventually(() => hub.app.hub.device('sp_g.r2.c2'), 5000, 'senml device');
    expect(dev.protocol).toBe('senml');
    expect(dev.readings.power?.value).toBe(12.5);
    expect(dev.relays).toEqual([{ relay: 1, state: 'on' }]);
    expect(dev.grid).toEqual({ type: 'g', row: 2, column: 2 });
    await eventually(() => hub.app.hub.device('lab_meter')?.readings.voltage?.value === 229.5);
    expect(hub.app.hub.counters.rejectedFields).toBe(before + 1);
    hub.app.store.flush();
    expect(hub.app.store.range('sp_g.r2.c2', 'power', 0, 2e12)).toEqual([
      { ts: 1795000000000, value: 12.5 },
    ]);
  });

  it('serves PUT /api/in and GET /api/out from the same code as MQTT', async () => {
    const a = await plug('sp_w.r3.c0');
    const b = await plug('sp_w.r3.c1');
    await eventually(() => hub.app.hub.device('sp_w.r3.c1')?.availability === 'online');
    const r = await put('/api/in/sp_command/', {
      subtopics: ['sp_w.r3.c0', 'w.r3.c1'],
      payload: '{"status": 0}',
    });
    expect(r).toEqual({
      status: 200,
      body: {
        'sp_command/sp_w.r3.c0': { data: { status: 'OFF' } },
        'sp_command/w.r3.c1': { data: { status: 'OFF' } },
      },
    });
    expect([a.relayState(1), b.relayState(1)]).toEqual([false, false]);
    const row = await put('/api/in/sp_command/row/3', { payload: { status: 'ON' } });
    expect(row).toEqual({
      status: 200,
      body: {
        'sp_command/row/3': { data: { successful: ['sp_w.r3.c0', 'sp_w.r3.c1'] }, error: {} },
      },
    });
    const q = await fetch(
      `${hub.baseUrl}/api/out/influx_query/sp/status?operation=count&id=sp_w.r3.c0`,
    ).then(json);
    expect(q.status).toBe(200);
    expect((q.body as unknown[])[0]).toEqual({ bn: 'status' });
    const bad = await fetch(`${hub.baseUrl}/api/out/influx_query/sp/power?operation=nope`).then(
      json,
    );
    expect(bad.status).toBe(500);
    expect((bad.body as { error: string }).error).toMatch(
      /^Error parsing query: Invalid operation 'nope'/,
    );
  });

  it("answers invalid bodies and silent modules with IoToad's 500, and relays modules that answer", async () => {
    expect(await put('/api/in/sp_command/x', { status: 1 })).toEqual({
      status: 500,
      body: { error: 'Invalid request body: "payload" is required' },
    });
    expect((await put('/api/in/sp_command/x', { payload: 1, other: 2 })).status).toBe(500);
    const silent = await fetch(`${hub.baseUrl}/api/out/nobody/here?x=1`).then(json);
    expect(silent).toEqual({ status: 500, body: { error: 'No hook responded the request' } });
    const timedOut = await put('/api/in/other_agent/a', { payload: { x: 1 } });
    expect(timedOut).toEqual({ status: 500, body: { 'other_agent/a': null } });
    // A ranking hook of its own answers over MQTT.
    const hook = await mqtt.connectAsync(hub.app.mqttUrl);
    hook.on('message', (_t, payload) => {
      const req = JSON.parse(payload.toString()) as { data: { id: string }; 'response-id': string };
      void hook.publishAsync(
        req['response-id'],
        JSON.stringify({ data: { position: 2, amount: 9, id: req.data.id } }),
      );
    });
    await hook.subscribeAsync('query/sp_ranking/#');
    const ranked = await fetch(`${hub.baseUrl}/api/out/sp_ranking/sp?id=sp_w.r0.c0`).then(json);
    await hook.endAsync();
    expect(ranked).toEqual({
      status: 200,
      body: { data: { position: 2, amount: 9, id: 'sp_w.r0.c0' } },
    });
  });

  it('renames a device with its history, refuses taken and configured ids, and keeps names across restarts', async () => {
    await plug('tasmota_ABCDEF');
    await plug('pinned_plug');
    await eventually(() => hub.app.hub.device('sp_p.r0.c0'), 5000, 'configured id');
    await eventually(() => hub.app.hub.device('tasmota_ABCDEF')?.readings.power, 5000, 'a reading');
    const renamed = await patch('tasmota_ABCDEF', { id: 'sp_w.r4.c4' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: 'sp_w.r4.c4',
      nativeId: 'tasmota_ABCDEF',
      grid: { type: 'w', row: 4, column: 4 },
    });
    hub.app.store.flush();
    expect(hub.app.store.range('sp_w.r4.c4', 'power', 0, 4e12).length).toBeGreaterThan(0);
    expect((await patch('sp_w.r4.c4', { id: 'sp_p.r0.c0' })).status).toBe(409);
    expect((await patch('sp_p.r0.c0', { id: 'elsewhere' })).body).toMatchObject({
      code: 'conflict',
    });
    expect((await patch('sp_w.r4.c4', { id: 'has/slash' })).status).toBe(400);
    expect((await patch('nobody', { id: 'x' })).status).toBe(404);
    expect((await patch('sp_w.r4.c4', { name: 'x' })).status).toBe(400);
  });
});

describe('device names across a restart', () => {
  it('keeps a REST rename, and applies a changed devices: entry at start', async () => {
    const dir = tempDir('wattbridge-names-');
    try {
      let hub = await startTestHub({ 'data-dir': dir.path });
      const p = new TasmotaPlug({ mqttUrl: hub.app.mqttUrl, topic: 'kettle', telePeriodS: 0 });
      await p.start();
      await eventually(() => hub.app.hub.device('kettle'));
      hub.app.hub.renameDevice('kettle', 'sp_g.r1.c1');
      await p.stop();
      await hub.stop();
      hub = await startTestHub({ 'data-dir': dir.path });
      expect(hub.app.hub.device('sp_g.r1.c1')?.nativeId).toBe('kettle');
      await hub.stop();
      hub = await startTestHub({ 'data-dir': dir.path, devices: 'tasmota:kettle=sp_g.r1.c2' });
      expect(hub.app.hub.device('sp_g.r1.c2')?.nativeId).toBe('kettle');
      expect(hub.app.hub.device('sp_g.r1.c1')).toBeUndefined();
      await hub.stop();
    } finally {
      dir.remove();
    }
  });
});

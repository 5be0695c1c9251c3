import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TasmotaPlug } from '../../src/sim/tasmota/plug.js';
import { eventually, startTestHub } from '../helpers/hub.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * The IoToad command API on the wire: a real broker, simulated Tasmota plugs
 * named with IoToad grid ids, and a client that publishes what IoToad's own
 * modules publish and reads the exact reply bytes.
 */
describe('IoToad command/sp_command', () => {
  let hub: TestHub;
  let client: MqttClient;
  const plugs: TasmotaPlug[] = [];
  const replies = new Map<string, string[]>();
  let seq = 0;

  beforeAll(async () => {
    hub = await startTestHub({ 'command-timeout': '1000' });
    client = await mqtt.connectAsync(hub.app.mqttUrl);
    client.on('message', (topic, payload) => {
      const list = replies.get(topic) ?? [];
      list.push(payload.toString());
      replies.set(topic, list);
    });
    await client.subscribeAsync('responses/#');
  });
  afterAll(async () => {
    await client.endAsync();
    await hub.stop();
  });
  afterEach(async () => {
    await Promise.all(plugs.splice(0).map((p) => p.stop().catch(() => {})));
  });

  async function plug(topic: string): Promise<TasmotaPlug> {
    const p = new TasmotaPlug({ mqttUrl: hub.app.mqttUrl, topic, telePeriodS: 0 });
    plugs.push(p);
    await p.start();
    await eventually(() => hub.app.hub.device(topic)?.availability === 'online', 5000, topic);
    return p;
  }

  async function dead(topic: string): Promise<void> {
    const p = await plug(topic);
    await p.stop();
    await eventually(() => hub.app.hub.device(topic)?.availability === 'offline', 5000);
  }

  /** Publish a request and wait for the one reply on its own reply topic. */
  async function request(topic: string, body: Record<string, unknown>): Promise<string> {
    const replyTopic = `responses/api/test${++seq}`;
    await client.publishAsync(topic, JSON.stringify({ ...body, 'response-id': replyTopic }));
    const got = await eventually(() => replies.get(replyTopic), 5000, `reply on ${replyTopic}`);
    return got[0]!;
  }

  it('answers the specification example byte for byte (response_topic, data object, status OFF)', async () => {
    const live = await plug('w.r1.c0');
    await request('command/sp_command/w.r1.c0', { data: { status: 'ON' } });
    await client.publishAsync(
      'command/sp_command/w.r1.c0',
      JSON.stringify({
        response_topic: 'responses/api/42694cca24614db48ad12f8f89be642b',
        data: { status: 'OFF' },
      }),
    );
    const reply = await eventually(() =>
      replies.get('responses/api/42694cca24614db48ad12f8f89be642b'),
    );
    expect(reply).toEqual(['{"data":{"status":"OFF"}}']);
    expect(live.relayState(1)).toBe(false);
  });

  it("answers an unreachable plug with IoToad's own error, byte for byte", async () => {
    await dead('w.r3.c0');
    expect(await request('command/sp_command/w.r3.c0', { data: { status: 'OFF' } })).toBe(
      '{"error":"The SmartPlug is unreachable"}',
    );
  });

  it('takes what the real modules send: response-id, data as a JSON string, sp_ ids, 1/0', async () => {
    const p = await plug('sp_w.r4.c1');
    expect(await request('command/sp_command/sp_w.r4.c1', { data: '{"status": 1}' })).toBe(
      '{"data":{"status":"ON"}}',
    );
    expect(p.relayState(1)).toBe(true);
    // Addressed without the prefix, as the older documentation does.
    expect(await request('command/sp_command/w.r4.c1', { data: '{"status": "0"}' })).toBe(
      '{"data":{"status":"OFF"}}',
    );
    for (const [status, want] of [
      [true, 'ON'],
      [false, 'OFF'],
      ['on', 'ON'],
      ['OFF', 'OFF'],
      [1, 'ON'],
      ['TOGGLE', 'OFF'],
      ['toggle', 'ON'],
    ] as const) {
      expect(await request('command/sp_command/w.r4.c1', { data: { status } })).toBe(
        `{"data":{"status":"${want}"}}`,
      );
      expect(p.relayState(1)).toBe(want === 'ON');
    }
  });

  it('switches a row and a column, and names each plug that failed', async () => {
    const a = await plug('sp_w.r2.c0');
    const b = await plug('sp_w.r2.c1');
    const c = await plug('sp_w.r5.c1');
    await dead('sp_w.r2.c4');
    const row = JSON.parse(await request('command/sp_command/row/2', { data: { status: 'ON' } }));
    expect(row).toEqual({
      data: { successful: ['sp_w.r2.c0', 'sp_w.r2.c1'] },
      error: { 'sp_w.r2.c4': 'The SmartPlug is unreachable' },
    });
    expect([a.relayState(1), b.relayState(1), c.relayState(1)]).toEqual([true, true, false]);
    const column = JSON.parse(
      await request('command/sp_command/column/1', { data: '{"status": 1}' }),
    );
    expect(column.data.successful).toEqual(
      ['sp_w.r2.c1', 'sp_w.r4.c1', 'sp_w.r5.c1'].filter(
        (id) => hub.app.hub.device(id)?.availability === 'online',
      ),
    );
    expect(c.relayState(1)).toBe(true);
    // Outside the grid (5 columns per row by default) is an error, not silence.
    expect(
      JSON.parse(await request('command/sp_command/column/9', { data: { status: 1 } })),
    ).toEqual({
      error: 'column must be a number from 0 to 4, got "9"',
    });
  });

  it('expands subtopics in the payload, and runs a command that has no reply topic', async () => {
    const a = await plug('sp_w.r6.c0');
    const b = await plug('sp_w.r6.c1');
    const reply = JSON.parse(
      await request('command/sp_command', {
        subtopics: ['sp_w.r6.c0', 'sp_w.r6.c1'],
        data: { status: 'ON' },
      }),
    );
    expect(reply).toEqual({ data: { successful: ['sp_w.r6.c0', 'sp_w.r6.c1'] }, error: {} });
    await client.publishAsync(
      'command/sp_command/sp_w.r6.c0',
      JSON.stringify({ data: { status: 0 } }),
    );
    await eventually(() => a.relayState(1) === false, 5000, 'switched without a reply topic');
    expect(b.relayState(1)).toBe(true);
  });

  it('answers every bad request with what is wrong, and keeps answering after a burst of them', async () => {
    await plug('sp_w.r7.c0');
    const cases: [string, Record<string, unknown>, string][] = [
      ['command/sp_command/sp_w.r7.c0', { data: { status: 'MAYBE' } }, 'status must be one of'],
      [
        'command/sp_command/sp_w.r7.c0',
        { data: {} },
        'data must have "status", "countdown" or "timer"',
      ],
      ['command/sp_command/sp_w.r7.c0', { data: '{"status": ' }, 'data is a string but not JSON'],
      ['command/sp_command/sp_w.r7.c0', { data: [1] }, 'data must be an object'],
      [
        'command/sp_command/sp_w.r7.c0',
        { data: { status: 1, relay: 0 } },
        'relay must be a whole number',
      ],
      [
        'command/sp_command/sp_w.r7.c0',
        { data: { countdown: -5 } },
        'countdown seconds must be a whole number',
      ],
      [
        'command/sp_command/sp_w.r7.c0',
        { data: { timer: { time: '25:00', status: 'ON' } } },
        'timer time must be hh:mm:ss',
      ],
      ['command/sp_command/nobody', { data: { status: 1 } }, 'No SmartPlug with id "nobody"'],
      ['command/sp_command/row/x', { data: { status: 1 } }, 'row must be a number'],
      ['command/sp_command', { data: { status: 1 } }, 'No target'],
      [
        'command/sp_command/sp_w.r7.c0',
        { data: { status: 1 }, subtopics: 'x' },
        'subtopics must be an array',
      ],
    ];
    for (const [topic, body, want] of cases) {
      const reply = JSON.parse(await request(topic, body)) as { error: string };
      expect(Object.keys(reply)).toEqual(['error']);
      expect(reply.error).toContain(want);
    }
    // Not JSON at all: the reply topic cannot be read, so nothing can answer.
    const burst = [];
    for (let i = 0; i < 1000; i++)
      burst.push(
        client.publishAsync(
          'command/sp_command/sp_w.r7.c0',
          i % 2
            ? '{"response-id": "responses/api/burst", "data": {"status": "nope"}}'
            : '{{{ not json',
        ),
      );
    await Promise.all(burst);
    expect(await request('command/sp_command/sp_w.r7.c0', { data: { status: 'ON' } })).toBe(
      '{"data":{"status":"ON"}}',
    );
    await eventually(
      () => (replies.get('responses/api/burst')?.length ?? 0) === 500,
      5000,
      '500 error replies',
    );
    expect(new Set(replies.get('responses/api/burst'))).toEqual(
      new Set([
        '{"error":"status must be one of 1, 0, \\"1\\", \\"0\\", \\"ON\\", \\"OFF\\", \\"on\\", \\"off\\", \\"TOGGLE\\", true or false, got \\"nope\\""}',
      ]),
    );
  });

  it("counts down with the plug's own PulseTime to off, and with the hub to on", async () => {
    const p = await plug('sp_w.r8.c0');
    const off = JSON.parse(
      await request('command/sp_command/sp_w.r8.c0', { data: { countdown: 1 } }),
    );
    expect(off.data.countdown).toMatchObject({ seconds: 1, status: 'OFF', by: 'device' });
    expect(p.relayState(1)).toBe(true); // PulseTime: on now, off when it runs out
    const on = JSON.parse(
      await request('command/sp_command/sp_w.r8.c0', {
        data: { countdown: { seconds: 1, status: 'ON' } },
      }),
    );
    expect(on.data.countdown).toMatchObject({ seconds: 1, status: 'ON', by: 'hub' });
    await request('command/sp_command/sp_w.r8.c0', { data: { status: 'OFF' } });
    // Switching by hand cancelled the hub's countdown: still off after it would have run out.
    const again = JSON.parse(
      await request('command/sp_command/sp_w.r8.c0', {
        data: { countdown: { seconds: 1, status: 'ON' } },
      }),
    );
    expect(again.data.countdown.by).toBe('hub');
    await eventually(
      () => p.relayState(1) === true,
      4000,
      'the hub countdown switched the plug on',
    );
    expect(hub.app.hub.device('sp_w.r8.c0')?.countdowns).toEqual([]);
  });

  it('sets a daily timer on the plug (Tasmota Timers)', async () => {
    const p = await plug('sp_w.r9.c0');
    const reply = JSON.parse(
      await request('command/sp_command/sp_w.r9.c0', {
        data: { timer: { time: '07:30', status: 'ON', slot: 2 } },
      }),
    );
    expect(reply).toEqual({
      data: { timer: { slot: 2, time: '07:30:00', status: 'ON', enabled: true, by: 'device' } },
    });
    await eventually(() => p.timer(2).arm, 3000, 'Timer2 armed on the plug');
    expect(p.timer(2)).toMatchObject({
      time: 7 * 60 + 30,
      action: 1,
      device: 0,
      repeat: true,
      timersOn: true,
    });
  });
});

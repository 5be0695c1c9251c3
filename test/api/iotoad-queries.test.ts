import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestHub } from '../helpers/hub.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;
type Rec = { bn?: string; n?: string; t: number; u?: string; v: number };
type Pt = { id: string; ts: number; v: number };

/**
 * influx_query against readings known exactly: they arrive as SenML from a
 * "collector" on data/…/influx_data/sp (the real ingest path), and every
 * operation's answer is checked against a brute-force computation here.
 */
describe('IoToad query/influx_query', () => {
  let hub: TestHub;
  let client: MqttClient;
  const replies = new Map<string, string>();
  let seq = 0;
  // 2026-11-20T00:00:00Z plus odd offsets, so ranges cut minutes and hours.
  const T0 = Date.UTC(2026, 10, 20);
  const points: Pt[] = [];
  const ids = ['sp_w.r1.c0', 'sp_w.r1.c1', 'sp_g.r0.c0'];

  beforeAll(async () => {
    hub = await startTestHub();
    client = await mqtt.connectAsync(hub.app.mqttUrl);
    client.on('message', (topic, payload) => replies.set(topic, payload.toString()));
    await client.subscribeAsync('responses/#');
    // Seeded values with repeats (for MODE and DISTINCT), every ~17 s for 3 hours.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const [k, id] of ids.entries()) {
      for (
        let ts = T0 + 1000 * (3 + k);
        ts < T0 + 3 * 3_600_000;
        ts += 17_000 + Math.floor(rand() * 3) * 1000
      )
        points.push({ id, ts, v: Math.round(rand() * 40) + (k === 2 ? 1000 : 0) });
    }
    // Shuffled chunks: arrival order must not matter.
    const chunks: Pt[][] = [];
    for (let i = 0; i < points.length; i += 50) chunks.push(points.slice(i, i + 50));
    chunks.reverse();
    for (const c of chunks)
      await client.publishAsync(
        'data/testcollector/influx_data/sp',
        JSON.stringify({
          data: c.map((p) => ({ bn: `${p.id}/power`, bu: 'W', t: p.ts / 1000, v: p.v })),
        }),
      );
    await eventually(
      async () => {
        const r = await query('power', { operation: 'count' });
        return Array.isArray(r) && r[1]?.v === points.length;
      },
      10_000,
      'every point stored',
    );
  });
  afterAll(async () => {
    await client.endAsync();
    await hub.stop();
  });

  async function query(
    measurement: string,
    data: Record<string, unknown>,
  ): Promise<Rec[] | { error: string }> {
    const replyTopic = `responses/api/q${++seq}`;
    await client.publishAsync(
      `query/influx_query/sp/${measurement}`,
      JSON.stringify({ 'response-id': replyTopic, data }),
    );
    return JSON.parse(await eventually(() => replies.get(replyTopic), 5000, replyTopic));
  }

  const from = T0 + 5 * 60_000 + 13_500; // mid-minute
  const to = T0 + 2 * 3_600_000 + 41 * 60_000 + 7_250;
  const inRange = (p: Pt) => p.ts >= from && p.ts <= to;
  const wPoints = () => points.filter((p) => p.id.startsWith('sp_w.') && inRange(p));
  const vals = () => wPoints().map((p) => p.v);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const sorted = () => [...vals()].sort((a, b) => a - b);
  const integralWs = (ps: Pt[]) => {
    let total = 0;
    for (const id of new Set(ps.map((p) => p.id))) {
      const s = ps.filter((p) => p.id === id).sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < s.length; i++)
        total += ((s[i]!.v + s[i - 1]!.v) / 2) * ((s[i]!.ts - s[i - 1]!.ts) / 1000);
    }
    return total;
  };
  const ns = (ms: number) => ms * 1e6;
  const range = { type: 'w', from: from / 1000, to: to / 1000 };

  async function one(operation: string, extra: Record<string, unknown> = {}): Promise<Rec> {
    const r = await query('power', { ...range, operation, ...extra });
    expect(Array.isArray(r), JSON.stringify(r)).toBe(true);
    const recs = r as Rec[];
    expect(recs[0]).toEqual({ bn: 'power' });
    expect(recs).toHaveLength(2);
    return recs[1]!;
  }

  it("answers the aggregates exactly, at the query's lower bound", async () => {
    const v = vals();
    const mean = sum(v) / v.length;
    const median =
      v.length % 2
        ? sorted()[(v.length - 1) / 2]!
        : (sorted()[v.length / 2 - 1]! + sorted()[v.length / 2]!) / 2;
    const counts = new Map<number, number>();
    for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
    const top = Math.max(...counts.values());
    const mode = Math.min(...[...counts].filter(([, c]) => c === top).map(([x]) => x));
    const expected: [string, number][] = [
      ['COUNT', v.length],
      ['SUM', sum(v)],
      ['MEAN', mean],
      ['MEDIAN', median],
      ['MODE', mode],
      ['SPREAD', Math.max(...v) - Math.min(...v)],
      ['STDDEV', Math.sqrt(sum(v.map((x) => (x - mean) ** 2)) / (v.length - 1))],
      ['INTEGRAL', integralWs(wPoints())],
    ];
    for (const [op, want] of expected) {
      const rec = await one(op.toLowerCase());
      expect(rec.t, op).toBe(ns(from));
      expect(rec.v, op).toBeCloseTo(want, 6);
    }
    expect((await one('integral', { unit: '1h' })).v).toBeCloseTo(integralWs(wPoints()) / 3600, 6);
  });

  it("answers the specification's consumption query example (response_topic, sum, type, fractional from)", async () => {
    const replyTopic = 'responses/api/809bd939baa44f1f87fdd1099ea05a62';
    await client.publishAsync(
      'query/influx_query/sp/power',
      JSON.stringify({
        response_topic: replyTopic,
        data: { operation: 'sum', type: 'w', from: 1585217932.2041745 },
      }),
    );
    const reply = await eventually(() => replies.get(replyTopic), 5000, replyTopic);
    const total = sum(points.filter((p) => p.id.startsWith('sp_w.')).map((p) => p.v));
    expect(reply).toBe(
      JSON.stringify([{ bn: 'power' }, { t: 1585217932.2041745 * 1000 * 1e6, v: total }]),
    );
  });

  it('answers the selectors with the time of the point they chose', async () => {
    const ps = wPoints().sort((a, b) => a.ts - b.ts || a.id.localeCompare(b.id));
    const first = ps[0]!;
    const last = ps[ps.length - 1]!;
    expect(await one('FIRST')).toEqual({ t: ns(first.ts), v: first.v });
    expect(await one('Last')).toEqual({ t: ns(last.ts), v: last.v });
    const max = Math.max(...vals());
    const min = Math.min(...vals());
    expect((await one('max')).v).toBe(max);
    expect(ps.some((p) => ns(p.ts) === 0)).toBe(false);
    const maxRec = await one('max');
    expect(ps.find((p) => ns(p.ts) === maxRec.t)?.v).toBe(max);
    expect((await one('min')).v).toBe(min);
    const pct = await one('percentile', { n: 90 });
    expect(pct.v).toBe(sorted()[Math.floor((vals().length * 90) / 100 + 0.5) - 1]);
  });

  it('answers TOP, BOTTOM, SAMPLE and DISTINCT with several records', async () => {
    const r = (await query('power', { ...range, operation: 'top', n: '3' })) as Rec[];
    expect(
      r
        .slice(1)
        .map((x) => x.v)
        .sort((a, b) => b - a),
    ).toEqual(sorted().slice(-3).reverse());
    const b = (await query('power', { ...range, operation: 'BOTTOM', n: 4 })) as Rec[];
    expect(
      b
        .slice(1)
        .map((x) => x.v)
        .sort((a, b) => a - b),
    ).toEqual(sorted().slice(0, 4));
    const s = (await query('power', { ...range, operation: 'sample', n: 5 })) as Rec[];
    expect(s).toHaveLength(6);
    for (const rec of s.slice(1))
      expect(wPoints().some((p) => ns(p.ts) === rec.t && p.v === rec.v)).toBe(true);
    const d = (await query('power', { ...range, operation: 'distinct' })) as Rec[];
    expect(new Set(d.slice(1).map((x) => x.v))).toEqual(new Set(vals()));
    expect(d.length - 1).toBe(new Set(vals()).size);
  });

  it('returns raw points as IoToad does: n, t in nanoseconds, u, v', async () => {
    const r = (await query('power', {
      id: 'w.r1.c1',
      from: `${from / 1000}`,
      to: new Date(to).toISOString(),
    })) as Rec[];
    const want = points
      .filter((p) => p.id === 'sp_w.r1.c1' && inRange(p))
      .sort((a, b) => a.ts - b.ts);
    expect(r[0]).toEqual({ bn: 'power' });
    expect(r.slice(1)).toEqual(
      want.map((p) => ({ n: '/sp_w.r1.c1', t: ns(p.ts), u: 'W', v: p.v })),
    );
    expect(JSON.stringify(r[1])).toBe(
      `{"n":"/sp_w.r1.c1","t":${ns(want[0]!.ts)},"u":"W","v":${want[0]!.v}}`,
    );
  });

  it('selects by row and column, and groups by interval and by device', async () => {
    const row = await query('power', { operation: 'count', row: 1 });
    expect((row as Rec[])[1]!.v).toBe(points.filter((p) => p.id.includes('.r1.')).length);
    const col = await query('power', { operation: 'sum', column: 0, type: 'g' });
    expect((col as Rec[])[1]!.v).toBe(
      sum(points.filter((p) => p.id === 'sp_g.r0.c0').map((p) => p.v)),
    );
    const hourly = (await query('power', {
      operation: 'sum',
      interval: '1h',
      group: 'id',
      type: 'w',
    })) as Rec[];
    const want: Rec[] = [];
    for (const id of ['sp_w.r1.c0', 'sp_w.r1.c1'])
      for (let h = 0; h < 3; h++) {
        const inHour = points.filter(
          (p) => p.id === id && p.ts >= T0 + h * 3_600_000 && p.ts < T0 + (h + 1) * 3_600_000,
        );
        want.push({ n: `/${id}`, t: ns(T0 + h * 3_600_000), v: sum(inHour.map((p) => p.v)) });
      }
    const key = (r: Rec) => `${r.n} ${r.t}`;
    expect(hourly.slice(1).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      want.sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it('derives energy in Wh from the power integral, and from counters when a device has them', async () => {
    const e = (await query('energy', { ...range })) as Rec[];
    expect(e[0]).toEqual({ bn: 'energy' });
    expect(e[1]!.v).toBeCloseTo(integralWs(wPoints()) / 3600, 6);
    // A metering device: its counter (with a restart from 0) wins over its power.
    const meter = 'sp_p.r9.c9';
    const counter = [100, 110, 125, 3, 10];
    await client.publishAsync(
      'data/testcollector/influx_data/sp',
      JSON.stringify({
        data: counter.flatMap((v, i) => [
          { bn: `${meter}/energy_total`, bu: 'Wh', t: (T0 + i * 60_000) / 1000, v },
          { bn: `${meter}/power`, bu: 'W', t: (T0 + i * 60_000) / 1000, v: 99999 },
        ]),
      }),
    );
    await eventually(() => hub.app.hub.device(meter), 5000, 'meter');
    const m = await eventually(
      async () => {
        const r = (await query('energy', { id: meter })) as Rec[];
        return r[1]?.v === 10 + 15 + 3 + 7 ? r : undefined;
      },
      5000,
      'energy from the counter',
    );
    expect(m[1]!.u).toBe('Wh');
  });

  it('names each bad parameter in its own words', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['power', { operation: 'avg' }, "Invalid operation 'avg'"],
      ['power', { type: 'x' }, "Invalid type 'x'"],
      ['power', { id: 'a b' }, "Invalid ID 'a b'"],
      ['power', { row: '-1' }, "Invalid row '-1'"],
      ['power', { column: 'c' }, "Invalid column 'c'"],
      ['power', { id: 'sp_w.r1.c1', row: 1 }, 'Specified both a row and an identifier'],
      ['power', { from: 'yesterday' }, "Invalid FROM date 'yesterday'"],
      ['power', { to: '2026-13-01' }, "Invalid TO date '2026-13-01'"],
      [
        'power',
        { from: 1795333080000 },
        'Invalid FROM date 1795333080000: as epoch seconds that is after the year 5000; epoch milliseconds? give seconds',
      ],
      ['power', { from: 200, to: 100 }, 'FROM date is after TO date'],
      ['power', { interval: '5 minutes' }, "Invalid interval '5 minutes'"],
      ['power', { group: 'type' }, "Invalid group 'type'"],
      ['power', { operation: 'top' }, 'TOP needs n'],
      ['power', { operation: 'percentile', n: 101 }, 'PERCENTILE needs n, a percentage'],
      ['power', { n: 3 }, 'n applies only to'],
      ['power', { unit: '1h' }, 'unit applies only to INTEGRAL'],
      ['power', { operatoin: 'sum' }, "Unknown parameter 'operatoin'"],
      ['energy', { operation: 'max' }, 'its only operation is SUM'],
      ['watts', {}, "Invalid measurement 'watts'"],
      ['constructor', {}, "Invalid measurement 'constructor'"],
    ];
    for (const [m, data, want] of cases) {
      const r = (await query(m, data)) as { error: string };
      expect(r.error, JSON.stringify(data)).toMatch(/^Error parsing query: /);
      expect(r.error).toContain(want);
    }
    const two = (await query('power', { type: 'q', operation: 'x' })) as { error: string };
    expect(two.error).toContain("Invalid operation 'x'");
    expect(two.error).toContain("Invalid type 'q'");
  });

  it('keeps answering after 1000 malformed queries', async () => {
    const burst = [];
    for (let i = 0; i < 1000; i++)
      burst.push(
        client.publishAsync(
          'query/influx_query/sp/power',
          i % 3 === 0
            ? 'garbage'
            : JSON.stringify({
                'response-id': 'responses/api/qburst',
                data: { from: 'x', operation: i },
              }),
        ),
      );
    await Promise.all(burst);
    const r = (await query('power', { operation: 'count', id: 'sp_g.r0.c0' })) as Rec[];
    expect(r[1]!.v).toBe(points.filter((p) => p.id === 'sp_g.r0.c0').length);
  });
});

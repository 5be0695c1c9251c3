import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, ReadingsResult } from '../../../src/api/http/schemas.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { ApiClient } from '../../helpers/http-api.js';
import { eventually } from '../../helpers/hub.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

type Result = ReturnType<typeof ReadingsResult.parse>;

const A = 'sp_w.r2.c0';
const B = 'sp_w.r2.c1';
/** Watts each simulated plug draws, always on. */
const LOAD = { [A]: 100, [B]: 40, moko: 50 };

/**
 * /api/readings and /api/devices/:id/readings through the real server, over
 * what simulated plugs with fixed loads reported: two Tasmota plugs in row 2
 * of the grid (polled by the hub) and a Moko plug metering every second.
 */
describe('HTTP API: readings', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let mokoId: string;
  let startedAt: number;

  const read = async (path: string): Promise<Result> => {
    const r = await api.get(path);
    expect(r.status, `${path}: ${r.text}`).toBe(200);
    return ReadingsResult.parse(r.body);
  };
  const raw = async (id: string, metric = 'power') =>
    (await read(`/api/devices/${id}/readings?metric=${metric}`)).series[0] ?? { t: [], v: [] };

  beforeAll(async () => {
    startedAt = Date.now();
    hub = await startApiHub();
    ({ api, peers } = hub);
    await peers.tasmota(A, { loadWatts: LOAD[A], powerOn: true });
    await peers.tasmota(B, { loadWatts: LOAD[B], powerOn: true });
    mokoId = (await peers.moko('readmoko', { loadWatts: LOAD.moko, powerOn: true })).id;
    // Three reports from each Tasmota plug (each poll is answered with one).
    for (const id of [A, B])
      for (let n = 2; n <= 3; n++) {
        await hub.app.hub.command(id, { kind: 'poll' });
        await eventually(async () => (await raw(id)).t.length >= n, 5000, `${id} report ${n}`);
      }
    await eventually(async () => (await raw(mokoId)).t.length >= 3, 5000, 'three Moko reports');
  });
  afterAll(() => hub.stop());

  it("answers one device's raw points as columns, with the values the plugs reported", async () => {
    const r = await read(`/api/devices/${A}/readings?metric=power`);
    expect(r).toMatchObject({
      metric: 'power',
      unit: 'W',
      operation: null,
      interval: null,
      from: null,
      to: null,
    });
    expect(r.series).toHaveLength(1);
    const [s] = r.series;
    expect(s!.id).toBe(A);
    expect(s!.t.length).toBeGreaterThanOrEqual(3);
    expect(s!.v).toEqual(s!.t.map(() => LOAD[A]));
    expect([...s!.t].sort((x, y) => x - y)).toEqual(s!.t);
    for (const t of s!.t) expect(t).toBeGreaterThanOrEqual(startedAt);
    for (const t of s!.t) expect(t).toBeLessThanOrEqual(Date.now());
    // The same through /api/readings, by id with or without sp_.
    expect(await read(`/api/readings?metric=power&id=${A}`)).toEqual(r);
    expect((await read(`/api/readings?id=w.r2.c0`)).series).toEqual(r.series);

    const volts = await read(`/api/devices/${A}/readings?metric=voltage`);
    expect(volts.unit).toBe('V');
    expect(new Set(volts.series[0]!.v)).toEqual(new Set([230]));
    const amps = await read(`/api/devices/${A}/readings?metric=current`);
    expect(amps.unit).toBe('A');
    // 100 W at 230 V and power factor 0.96, as the plug reports it (3 decimals).
    expect(new Set(amps.series[0]!.v)).toEqual(new Set([0.453]));
    const moko = await raw(mokoId);
    expect(new Set(moko.v)).toEqual(new Set([LOAD.moko]));
  });

  it('selects devices by grid type and row, one raw series per device', async () => {
    const r = await read('/api/readings?metric=power&type=w&row=2');
    expect(r.series.map((s) => s.id).sort()).toEqual([A, B]);
    for (const s of r.series) expect(new Set(s.v)).toEqual(new Set([LOAD[s.id as typeof A]]));
    const all = await read('/api/readings?metric=power');
    expect(all.series.map((s) => s.id).sort()).toEqual([mokoId, A, B].sort());
    expect((await read('/api/readings?type=w&column=1')).series.map((s) => s.id)).toEqual([B]);
    expect((await read('/api/readings?type=g')).series).toEqual([]);
  });

  it('aggregates per interval, per device with group=id or pooled without', async () => {
    const perDevice = await read(
      '/api/readings?metric=power&type=w&operation=mean&interval=1m&group=id',
    );
    expect(perDevice).toMatchObject({ operation: 'MEAN', interval: '1m' });
    expect(perDevice.series.map((s) => s.id).sort()).toEqual([A, B]);
    for (const s of perDevice.series) {
      expect(new Set(s.v)).toEqual(new Set([LOAD[s.id as typeof A]]));
      for (const t of s.t) expect(t % 60_000).toBe(0);
    }
    const pooled = await read('/api/readings?metric=power&type=w&operation=max');
    expect(pooled.series).toEqual([{ id: null, t: expect.any(Array), v: [LOAD[A]] }]);
    // Any case is the same operation.
    for (const op of ['MAX', 'Max'])
      expect((await read(`/api/readings?metric=power&type=w&operation=${op}`)).series).toEqual(
        pooled.series,
      );
    const rawA = await raw(A);
    const rawB = await raw(B);
    const counts = await read('/api/readings?type=w&operation=count&group=id');
    expect(Object.fromEntries(counts.series.map((s) => [s.id, s.v[0]]))).toEqual({
      [A]: rawA.v.length,
      [B]: rawB.v.length,
    });
    // A count has no unit; an integral is the metric's unit times its time unit.
    expect(counts.unit).toBe('');
    for (const [unit, shown] of [
      ['', 'W·s'],
      ['&unit=1h', 'W·h'],
      ['&unit=90s', 'W·90s'],
    ])
      expect((await read(`/api/readings?type=w&operation=integral${unit}`)).unit).toBe(shown);
    const sum = await read('/api/readings?type=w&operation=sum');
    expect(sum.series[0]!.v[0]).toBe(LOAD[A] * rawA.v.length + LOAD[B] * rawB.v.length);
    const device = await read(`/api/devices/${B}/readings?operation=min&interval=1h`);
    // One bucket per hour the readings fall in: two when the run crosses an hour.
    const hours = [...new Set(rawB.t.map((t) => Math.floor(t / 3.6e6) * 3.6e6))];
    expect(device.series).toEqual([{ id: null, t: hours, v: hours.map(() => LOAD[B]) }]);
  });

  it('takes from/to relative (-5m), as RFC 3339 and as epoch seconds', async () => {
    const { t } = await raw(A);
    const before = Date.now();
    const relative = await read(`/api/devices/${A}/readings?from=-5m`);
    const after = Date.now();
    expect(relative.from).toBeGreaterThanOrEqual(before - 300_000);
    expect(relative.from).toBeLessThanOrEqual(after - 300_000);
    expect(relative.series[0]!.t).toEqual(t);

    const mid = t[1]!;
    const rfc = await read(`/api/devices/${A}/readings?from=${new Date(mid).toISOString()}`);
    expect(rfc.from).toBe(mid);
    expect(rfc.series[0]!.t).toEqual(t.filter((x) => x >= mid));
    const offset = '2020-01-01T01:00:00+01:00';
    expect((await read(`/api/readings?from=${encodeURIComponent(offset)}`)).from).toBe(
      Date.parse('2020-01-01T00:00:00Z'),
    );

    const seconds = Math.floor(mid / 1000);
    const epoch = await read(`/api/devices/${A}/readings?from=${seconds}&to=${seconds + 3600}`);
    expect(epoch.from).toBe(seconds * 1000);
    expect(epoch.to).toBe((seconds + 3600) * 1000);
    expect(epoch.series[0]!.t).toEqual(t.filter((x) => x >= seconds * 1000));
    const earlier = Math.floor(t[0]! / 1000) - 10;
    expect((await read(`/api/devices/${A}/readings?to=${earlier}`)).series).toEqual([]);
    const mean = await read(`/api/devices/${A}/readings?from=-1h&to=-1s&operation=mean`);
    expect(mean.series[0]!.v).toEqual([LOAD[A]]);
  });

  it('answers energy in Wh: from the power integral of a plug without a counter, from the counter of one with', async () => {
    const moko = await raw(mokoId);
    const energy = await read(
      `/api/devices/${mokoId}/readings?metric=energy&to=${moko.t.at(-1)! / 1000}`,
    );
    expect(energy).toMatchObject({ metric: 'energy', unit: 'Wh' });
    const span = moko.t.at(-1)! - moko.t[0]!;
    expect(energy.series[0]!.v[0]).toBeCloseTo((LOAD.moko * span) / 3.6e6, 9);

    // Tasmota plugs count energy themselves: their energy is the rise of energy_total.
    const grouped = await read('/api/readings?metric=energy&type=w&group=id');
    for (const id of [A, B]) {
      const counter = await raw(id, 'energy_total');
      const rise = counter.v.at(-1)! - counter.v[0]!;
      expect(grouped.series.find((s) => s.id === id)!.v).toEqual([rise]);
    }
    const buckets = await read(`/api/devices/${mokoId}/readings?metric=energy&interval=1m`);
    const total = await read(`/api/devices/${mokoId}/readings?metric=energy`);
    expect(buckets.series[0]!.v.reduce((a, b) => a + b, 0)).toBeCloseTo(total.series[0]!.v[0]!, 9);
    const onlySum = await api.get('/api/readings?metric=energy&operation=max');
    expect(onlySum.status).toBe(400);
    expect(onlySum.body.error).toMatch(/only operation is SUM/);
  });

  it('answers a bad metric, operation or interval with 400 naming each', async () => {
    const bad = async (query: string, ...names: string[]) => {
      const r = await api.get(`/api/readings?${query}`);
      expect(r.status, query).toBe(400);
      const body = ErrorBody.parse(r.body);
      expect(body.code).toBe('bad_request');
      for (const n of names) expect(body.error, query).toContain(n);
      return body;
    };
    await bad('metric=bogus', "Invalid measurement 'bogus'");
    await bad('operation=avg', "Invalid operation 'avg'");
    await bad('interval=5x&operation=mean', "Invalid interval '5x'");
    await bad('interval=500ms&operation=mean', "Invalid interval '500ms'");
    const three = await bad(
      'metric=bogus&operation=avg&interval=soon',
      "Invalid measurement 'bogus'",
      "Invalid operation 'avg'",
      "Invalid interval 'soon'",
    );
    // One problem per bad parameter, as the schema-checked parameters get.
    expect(three.problems).toHaveLength(3);
    await bad('from=yesterday', "Invalid FROM date 'yesterday'");
    await bad('to=1795333080000', 'epoch milliseconds? give seconds');
    await bad('from=-1h&to=-2h', 'FROM date is after TO date');
    await bad('n=5', 'Parameter n applies only');
    await bad('operation=top', 'Invalid n');
    await bad('id=a%20b', "Invalid ID 'a b'");
    await bad('row=x', "Invalid row 'x'");
    expect((await bad('group=device', 'query.group')).problems).toHaveLength(1);
    const unknown = await bad('colour=red', 'colour');
    expect(unknown.problems).toEqual(['query: Unrecognized key: "colour"']);
    // The device route has no group (it is one device) and knows its device.
    const r = await api.get(`/api/devices/${A}/readings?group=id`);
    expect(r.status).toBe(400);
    expect((await api.get(`/api/devices/${A}/readings?operation=avg`)).body.error).toContain(
      "Invalid operation 'avg'",
    );
    const nope = await api.get('/api/devices/nope/readings');
    expect(nope.status).toBe(404);
    expect(ErrorBody.parse(nope.body).code).toBe('not_found');
  });
});

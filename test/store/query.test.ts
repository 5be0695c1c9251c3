import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counterRise,
  energyWh,
  OPERATIONS,
  QueryError,
  runQuery,
} from '../../src/store/query/index.js';
import type { Operation, QuerySpec, ResultPoint } from '../../src/store/query/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type {
  RollupLevel,
  SeriesKey,
  Store,
  SummaryFields,
  SummaryLevel,
} from '../../src/store/store.js';
import { prng } from '../dsmr/fixtures.js';
import { tempDir } from '../helpers/tmp.js';
import { keptCopies, referenceCounterEnergy, referenceQuery, type RawPoint } from './reference.js';

const SEC = 1000;
const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/**
 * Three power plugs over about four hours, with exactly known points: a
 * regular one, one with a 40-minute gap, one at irregular times; points on
 * minute and hour edges; written in shuffled order in several flushes
 * (out-of-order batches) with duplicates whose later value replaces the earlier.
 */
function fleet(): RawPoint[] {
  const rand = prng(42);
  const pts: RawPoint[] = [];
  const add = (deviceId: string, ts: number) =>
    pts.push({ deviceId, metric: 'power', ts, value: Math.floor(rand() * 1600) / 4 });
  for (let t = T0 - 30 * MIN; t < T0 + 3 * HOUR + 17 * MIN; t += 7 * SEC) add('a', t);
  for (let t = T0 - 10 * MIN; t < T0 + 3 * HOUR; t += 13 * SEC)
    if (t < T0 + 50 * MIN || t > T0 + 90 * MIN) add('b', t);
  for (let i = 0; i < 900; i++) add('c', T0 - 20 * MIN + Math.floor(rand() * 4 * HOUR));
  for (const t of [T0, T0 + HOUR, T0 + 2 * HOUR - 1, T0 + 5 * MIN, T0 + 5 * MIN - 1]) add('c', t);
  // Some values repeat on purpose, so MODE, DISTINCT and ties in TOP/BOTTOM/MIN/MAX matter.
  for (let i = 0; i < pts.length; i += 5) pts[i]!.value = 100;
  return pts;
}

const SERIES = ['a', 'b', 'c'].map((deviceId) => ({ deviceId, metric: 'power' }));

const RANGES: { name: string; from?: number; to?: number }[] = [
  { name: 'unbounded' },
  {
    name: 'mid-minute to mid-hour',
    from: T0 + 17 * MIN + 23_500,
    to: T0 + 2 * HOUR + 41 * MIN + 7 * SEC,
  },
  { name: 'whole hours, inclusive end', from: T0, to: T0 + 2 * HOUR - 1 },
  { name: 'inside one minute', from: T0 + 3 * MIN + 5 * SEC, to: T0 + 3 * MIN + 50 * SEC },
  { name: 'from only, mid-hour', from: T0 + 2 * HOUR + 30 * MIN + 1 },
  { name: 'to only, on an hour edge', to: T0 + HOUR },
];

const INTERVALS: (number | undefined)[] = [undefined, HOUR, 15 * MIN, 90 * SEC, 24 * HOUR];

/** Values match within floating-point noise (rollups add in another order). */
function expectSameResults(got: ResultPoint[], want: ResultPoint[], what: string) {
  expect(
    got.map((r) => ({ ...r, value: 0 })),
    what,
  ).toEqual(want.map((r) => ({ ...r, value: 0 })));
  got.forEach((r, i) => {
    const w = want[i]!.value;
    expect(Math.abs(r.value - w), `${what} #${i}: ${r.value} vs ${w}`).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(w)),
    );
  });
}

describe('query engine over a real SQLite store', () => {
  const dir = tempDir();
  let store: SqliteStore;
  let stored: RawPoint[];

  beforeAll(() => {
    store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100_000 });
    const rand = prng(9);
    const appended = fleet();
    // Duplicates with other values, appended after their originals: the later value wins.
    const dupes = appended
      .filter((_, i) => i % 11 === 0)
      .map((p) => ({ ...p, value: p.value + 1 }));
    const order = appended.map((p) => ({ p, k: rand() }));
    order.sort((x, y) => x.k - y.k);
    const shuffled = order.map((o) => o.p);
    const writes = [...shuffled, ...dupes];
    writes.forEach((p, i) => {
      store.append(p.deviceId, p.metric, p.ts, p.value);
      if (i % 997 === 0) store.flush();
    });
    store.flush();
    stored = keptCopies(writes);
  });
  afterAll(() => {
    store.close();
    dir.remove();
  });

  const ops = OPERATIONS.filter((o) => o !== 'SAMPLE');
  const nFor: Partial<Record<Operation, number[]>> = {
    TOP: [1, 3, 40],
    BOTTOM: [2],
    PERCENTILE: [0, 1, 50, 90, 99.9, 100],
  };

  for (const op of ops) {
    it(`${op}: pooled, grouped by device and per interval equal a brute-force computation`, () => {
      for (const range of RANGES)
        for (const intervalMs of INTERVALS)
          for (const groupById of [false, true])
            for (const n of nFor[op] ?? [undefined]) {
              const spec: QuerySpec = {
                series: SERIES,
                from: range.from,
                to: range.to,
                operation: op,
                n,
                intervalMs,
                groupById,
              };
              const what = `${op} n=${n} ${range.name} interval=${intervalMs} grouped=${groupById}`;
              const want = referenceQuery(stored, spec);
              expectSameResults(runQuery(store, spec), want, what);
              // Unbounded ranges always hold points; low percentiles of small buckets rightly do not.
              if (!range.to && !(op === 'PERCENTILE' && n! < 50))
                expect(want.length, what).toBeGreaterThan(0);
            }
    });
  }

  it('raw points: all selected series merged by time then device, or per device', () => {
    for (const range of RANGES)
      for (const groupById of [false, true]) {
        const spec = { series: SERIES, from: range.from, to: range.to, groupById };
        expect(runQuery(store, spec)).toEqual(referenceQuery(stored, spec));
      }
  });

  it('INTEGRAL in another unit, and per-interval integrals add up to the whole range', () => {
    const base = { series: SERIES, from: T0 + 7 * MIN + 1, to: T0 + 3 * HOUR - 5 };
    const hours = { ...base, operation: 'INTEGRAL' as const, integralUnitMs: HOUR };
    expectSameResults(runQuery(store, hours), referenceQuery(stored, hours), 'W·h');
    const whole = runQuery(store, hours)[0]!.value;
    for (const intervalMs of [HOUR, 15 * MIN, 90 * SEC]) {
      const parts = runQuery(store, { ...hours, intervalMs });
      const total = parts.reduce((s, r) => s + r.value, 0);
      expect(Math.abs(total - whole)).toBeLessThan(1e-6 * whole);
    }
  });

  it('SAMPLE: n distinct stored points in time order, all of them when fewer', () => {
    const spec: QuerySpec = { series: SERIES, operation: 'SAMPLE', n: 25, from: T0, to: T0 + HOUR };
    const raw = runQuery(store, { series: SERIES, from: T0, to: T0 + HOUR });
    const got = runQuery(store, spec, { random: prng(1) });
    expect(got).toHaveLength(25);
    const keys = new Set(raw.map((p) => `${p.ts}/${p.value}`));
    for (const p of got) expect(keys.has(`${p.ts}/${p.value}`)).toBe(true);
    expect(got.map((p) => p.ts)).toEqual([...got.map((p) => p.ts)].sort((a, b) => a - b));
    expect(runQuery(store, spec, { random: prng(2) })).not.toEqual(got);
    const few = runQuery(store, { ...spec, to: T0 + 20 * SEC, groupById: true });
    expect(few).toEqual(
      runQuery(store, { series: SERIES, from: T0, to: T0 + 20 * SEC, groupById: true }),
    );
    const perHour = runQuery(store, { ...spec, from: T0, to: T0 + 3 * HOUR - 1, intervalMs: HOUR });
    expect(perHour).toHaveLength(75);
  });

  it('TOP and BOTTOM with n beyond the count return every point, in time order', () => {
    const few = { series: SERIES, from: T0 + 3 * MIN, to: T0 + 4 * MIN };
    const raw = runQuery(store, few).map(({ ts, value }) => ({ ts, value }));
    expect(raw.length).toBeGreaterThan(5);
    expect(runQuery(store, { ...few, operation: 'TOP', n: 100_000 })).toEqual(raw);
    expect(runQuery(store, { ...few, operation: 'BOTTOM', n: raw.length })).toEqual(raw);
  });

  it('no points, an empty range or an unknown series give no rows', () => {
    for (const op of [...OPERATIONS, undefined]) {
      const n = op === 'PERCENTILE' ? 50 : 3;
      expect(
        runQuery(store, { series: SERIES, from: T0 - 2 * HOUR, to: T0 - HOUR, operation: op, n }),
      ).toEqual([]);
      expect(runQuery(store, { series: SERIES, from: T0 + 10, to: T0, operation: op, n })).toEqual(
        [],
      );
      expect(
        runQuery(store, { series: [{ deviceId: 'zz', metric: 'power' }], operation: op, n }),
      ).toEqual([]);
    }
  });

  it('STDDEV of a single point is no row; INTEGRAL of a single point is 0', () => {
    const one = { series: [{ deviceId: 'c', metric: 'power' }], from: T0, to: T0 };
    expect(runQuery(store, { ...one, operation: 'COUNT' })).toEqual([{ ts: T0, value: 1 }]);
    expect(runQuery(store, { ...one, operation: 'STDDEV' })).toEqual([]);
    expect(runQuery(store, { ...one, operation: 'INTEGRAL' })).toEqual([{ ts: T0, value: 0 }]);
  });

  it('rejects what it cannot run, naming the field', () => {
    const bad: [Partial<QuerySpec>, RegExp][] = [
      [{ operation: 'TOP' }, /TOP needs n/],
      [{ operation: 'SAMPLE', n: 1.5 }, /SAMPLE needs n/],
      [{ operation: 'BOTTOM', n: 0 }, /BOTTOM needs n/],
      [{ operation: 'PERCENTILE', n: 101 }, /PERCENTILE needs n between 0 and 100/],
      [{ operation: 'SUM', intervalMs: 0 }, /intervalMs must be a positive/],
      [{ intervalMs: HOUR }, /intervalMs needs an operation/],
      [{ operation: 'INTEGRAL', integralUnitMs: -1 }, /integralUnitMs must be/],
      [{ operation: 'SUM', from: NaN }, /from must be a time/],
      [{ operation: 'NOPE' as Operation }, /unknown operation NOPE/],
    ];
    for (const [spec, message] of bad) {
      expect(() => runQuery(store, { series: SERIES, ...spec })).toThrow(QueryError);
      expect(() => runQuery(store, { series: SERIES, ...spec })).toThrow(message);
    }
  });

  it('answers rollup operations from rollups: raw points only at the ragged edges', () => {
    // The real store, watched: how many raw points each query folds, and at which levels.
    const rawByLevel = { raw: 0, minute: 0, hour: 0 };
    const watched: Store = Object.assign(Object.create(store) as Store, {
      range: (d: string, m: string, f: number, t: number) => {
        const pts = store.range(d, m, f, t);
        rawByLevel.raw += pts.length;
        return pts;
      },
      rollups: (d: string, m: string, level: RollupLevel, f: number, t: number) => {
        const rows = store.rollups(d, m, level, f, t);
        rawByLevel[level] += rows.reduce((n, r) => n + r.count, 0);
        return rows;
      },
      summaries: (
        refs: SeriesKey[],
        level: SummaryLevel,
        f: number,
        t: number,
        fields: SummaryFields,
      ) => {
        const parts = store.summaries(refs, level, f, t, fields);
        for (const p of parts) rawByLevel[level] += p?.count ?? 0;
        return parts;
      },
    });
    for (const intervalMs of [undefined, HOUR, 15 * MIN]) {
      rawByLevel.raw = rawByLevel.minute = rawByLevel.hour = 0;
      const spec: QuerySpec = {
        series: SERIES,
        from: T0 + 30 * SEC,
        to: T0 + 3 * HOUR - 30 * SEC,
        operation: 'MEAN',
        intervalMs,
      };
      expectSameResults(runQuery(watched, spec), referenceQuery(stored, spec), 'MEAN');
      const total = rawByLevel.raw + rawByLevel.minute + rawByLevel.hour;
      expect(total).toBe(
        referenceQuery(stored, { ...spec, operation: 'COUNT', intervalMs: undefined })[0]!.value,
      );
      // 30 s at each end of three series: a few dozen points out of thousands.
      expect(rawByLevel.raw).toBeGreaterThan(0);
      expect(rawByLevel.raw).toBeLessThan(total / 20);
      // Hour T0+1h..T0+2h is whole; with 15-minute buckets hours would straddle, so minutes serve.
      if (intervalMs === 15 * MIN) expect(rawByLevel.hour).toBe(0);
      else expect(rawByLevel.hour).toBeGreaterThan(total / 5);
      expect(rawByLevel.minute + rawByLevel.hour).toBeGreaterThan(total * 0.9);
    }
  });
});

describe('ties', () => {
  it('MIN and MAX report the earliest of equal extremes, within and across minutes and hours', () => {
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100_000 });
    // The extremes recur in later seconds, minutes and hours; written newest first.
    const pts: [number, number][] = [
      [T0 - HOUR + 30 * SEC, 5],
      [T0 + 10 * SEC, 1],
      [T0 + 20 * SEC, 9],
      [T0 + 30 * SEC, 1],
      [T0 + 5 * MIN, 9],
      [T0 + HOUR + 1, 1],
      [T0 + 2 * HOUR + 7 * MIN, 9],
      [T0 + 3 * HOUR + 10 * SEC, 4],
    ];
    for (const [t, v] of [...pts].reverse()) store.append('t', 'power', t, v);
    store.flush();
    const series = [{ deviceId: 't', metric: 'power' }];
    for (const [from, to] of [
      [undefined, undefined],
      [T0 - HOUR, T0 + 4 * HOUR],
      [T0 + 15 * SEC, T0 + 3 * HOUR],
    ]) {
      const firstMin = pts.find(([t, v]) => v === 1 && t >= (from ?? 0))!;
      const firstMax = pts.find(([t, v]) => v === 9 && t >= (from ?? 0))!;
      expect(runQuery(store, { series, from, to, operation: 'MIN' })).toEqual([
        { ts: firstMin[0], value: 1 },
      ]);
      expect(runQuery(store, { series, from, to, operation: 'MAX' })).toEqual([
        { ts: firstMax[0], value: 9 },
      ]);
    }
    store.close();
    dir.remove();
  });
});

describe('energyWh', () => {
  const dir = tempDir();
  let store: SqliteStore;
  beforeAll(() => {
    store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100_000 });
    // m1: a counter that restarts (reboot) at 12.5 min; power too, which must be ignored.
    const counter: [number, number][] = [
      [0, 1000],
      [5 * MIN, 1010],
      [10 * MIN, 1030],
      [12.5 * MIN, 2], // restarted from 0: 2 Wh new
      [20 * MIN, 7],
      [70 * MIN, 27],
    ];
    for (const [t, v] of counter) store.append('m1', 'energy_total', T0 + t, v);
    for (let t = 0; t <= 70 * MIN; t += MIN) store.append('m1', 'power', T0 + t, 999);
    // p2: power only, 600 W for 30 min then 1200 W for 30 min, one point a minute.
    for (let t = 0; t <= 60 * MIN; t += MIN)
      store.append('p2', 'power', T0 + t, t <= 30 * MIN ? 600 : 1200);
    store.flush();
  });
  afterAll(() => {
    store.close();
    dir.remove();
  });

  it('sums counter increases (a decrease counts the new value) and integrates power otherwise', () => {
    const m1 = 10 + 20 + 2 + 5 + 20;
    // Trapezoids of 1 minute: 30 at 600 W, one from 600 to 1200, 29 at 1200 W.
    const p2 = (30 * 600 + 900 + 29 * 1200) / 60;
    expect(energyWh(store, { devices: ['m1', 'p2'], from: T0 })).toEqual([
      { ts: T0, value: m1 + p2 },
    ]);
    expect(energyWh(store, { devices: ['p2', 'm1'], groupById: true })).toEqual([
      { deviceId: 'm1', ts: 0, value: m1 },
      { deviceId: 'p2', ts: 0, value: p2 },
    ]);
    // From the counter only when it has points in range; otherwise the power integral.
    const late = { devices: ['m1'], from: T0 + 21 * MIN, to: T0 + 69 * MIN };
    expect(energyWh(store, late)).toEqual([{ ts: T0 + 21 * MIN, value: (48 * 999) / 60 }]);
    expect(energyWh(store, { devices: ['nobody'] })).toEqual([]);
  });

  it('counts a small step back as a glitch, not a restart that would add the whole register', () => {
    // A P1 register of ~2 MWh that reads 1 Wh lower once (rounding), then rises again.
    const meter: [number, number][] = [
      [0, 2_000_000],
      [MIN, 2_000_010],
      [2 * MIN, 2_000_009],
      [3 * MIN, 2_000_030],
    ];
    for (const [t, v] of meter) store.append('glitchy', 'energy_import', T0 + t, v);
    store.flush();
    expect(energyWh(store, { devices: ['glitchy'], from: T0 })).toEqual([
      { ts: T0, value: 10 + 0 + 21 },
    ]);
    // Export and gas totals on the meter page count by the same rule.
    expect(
      counterRise(store, 'glitchy', [['energy_export'], ['energy_import']], T0, T0 + HOUR),
    ).toBe(31);
    expect(counterRise(store, 'glitchy', [['energy_import']], T0 + MIN, T0 + 2 * MIN)).toBe(0);
    expect(counterRise(store, 'glitchy', [['energy_export']], T0, T0 + HOUR)).toBeUndefined();
  });

  it('per interval: increases split at bucket edges, buckets add up to the whole', () => {
    const perHalfHour = energyWh(store, { devices: ['m1'], intervalMs: 30 * MIN });
    // 0-30 min: 10 + 20 + 2 + 5, and 10 of the 50 minutes of the 20→70 min increase (20 Wh);
    // the rest goes to the bucket of the later reading (none to the empty bucket between).
    expect(perHalfHour.map((r) => r.ts)).toEqual([T0, T0 + 60 * MIN]);
    expect(perHalfHour[0]!.value).toBeCloseTo(37 + 4, 9);
    expect(perHalfHour[1]!.value).toBeCloseTo(16, 9);
    const perHour = energyWh(store, { devices: ['p2'], intervalMs: HOUR, groupById: true });
    expect(perHour).toEqual([
      { deviceId: 'p2', ts: T0, value: (30 * 600 + 900 + 29 * 1200) / 60 },
      { deviceId: 'p2', ts: T0 + HOUR, value: 0 }, // the reading at 60 min alone
    ]);
    const p2Quarter = energyWh(store, { devices: ['p2'], intervalMs: 15 * MIN });
    // 600 W to 30 min, then the 600→1200 W minute, then 1200 W; the point at 60 min alone.
    expect(p2Quarter).toEqual(
      [150, 150, 15 + 13 * 20 + 20, 300, 0].map((value, i) => ({ ts: T0 + i * 15 * MIN, value })),
    );
    const sum = p2Quarter.reduce((s, r) => s + r.value, 0);
    expect(sum).toBeCloseTo(perHour[0]!.value, 9);
    expect(energyWh(store, { devices: ['p2'], from: T0 + 60 * MIN })).toEqual([
      { ts: T0 + 60 * MIN, value: 0 },
    ]);
  });
});

/**
 * Energy from counters read through the rollups' rise must equal a brute
 * force over the readings, for every range and interval the engine plans
 * differently: a P1 meter's two tariff registers (one rising at a time)
 * and a plug's energy_total that restarts and glitches, over three days of
 * irregular readings written out of order.
 */
describe('energyWh from counters through the rollups', () => {
  const dir = tempDir();
  let store: SqliteStore;
  const stored: RawPoint[] = [];
  const METER = ['energy_import_t1', 'energy_import_t2'].map((metric) => ({
    deviceId: 'p1',
    metric,
  }));
  const PLUG = [{ deviceId: 'plug', metric: 'energy_total' }];

  beforeAll(() => {
    store = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 100_000 });
    const rand = prng(5);
    const registers = [1_500_000, 2_100_000];
    let plug = 40_000;
    for (let t = T0 - 3 * HOUR; t < T0 + 69 * HOUR; t += 10 * SEC + Math.floor(rand() * 50 * SEC)) {
      // Tariff 2 by day (07:00-23:00), as a Dutch meter switches.
      const hourOfDay = new Date(t).getUTCHours();
      const tariff = hourOfDay >= 7 && hourOfDay < 23 ? 1 : 0;
      registers[tariff]! += Math.floor(rand() * 20);
      for (const i of [0, 1])
        stored.push({ deviceId: 'p1', metric: METER[i]!.metric, ts: t, value: registers[i]! });
      const r = rand();
      // Now and then a reboot (back to a few Wh) or a reading one Wh lower.
      plug =
        r < 0.001 ? Math.floor(rand() * 5) : r < 0.01 ? plug - 1 : plug + Math.floor(rand() * 8);
      stored.push({ deviceId: 'plug', metric: 'energy_total', ts: t + 3, value: plug });
    }
    const shuffled = [...stored].sort(() => rand() - 0.5);
    for (let i = 0; i < shuffled.length; i++) {
      const p = shuffled[i]!;
      store.append(p.deviceId, p.metric, p.ts, p.value);
      if (i % 5000 === 4999) store.flush();
    }
    store.flush();
  });
  afterAll(() => {
    store.close();
    dir.remove();
  });

  const ranges = [
    ...RANGES,
    {
      name: 'two days, mid-hour to mid-hour',
      from: T0 + 5 * HOUR + 7 * MIN + 1,
      to: T0 + 53 * HOUR + 12 * SEC,
    },
  ];
  for (const [name, series] of [
    ['P1 tariff registers', METER],
    ['plug counter', PLUG],
  ] as const)
    for (const range of ranges)
      for (const intervalMs of INTERVALS)
        it(`${name}, ${range.name}, interval ${intervalMs ?? 'none'}`, () => {
          const deviceId = series[0]!.deviceId;
          const got = energyWh(store, {
            devices: [deviceId],
            from: range.from,
            to: range.to,
            intervalMs,
          });
          const want = referenceCounterEnergy(stored, {
            series: [...series],
            ...range,
            intervalMs,
          });
          expect(want.length).toBeGreaterThan(0);
          expectSameResults(got, want, `${name} ${range.name}`);
        });
});

/**
 * Brute-force answers computed straight from raw points, written without
 * looking at src/store/query/: the tests compare the store's rollups and the
 * query engine against these.
 */
import type { Partial } from '../../src/store/query/partial.js';

export interface RawPoint {
  deviceId: string;
  metric: string;
  ts: number;
  value: number;
}

/** The fields a rollup row holds; the values here are computed independently. */
export type Summary = Partial;

/** What the store keeps of appended points: the last value of each (series, ts), where it first came. */
export function keptCopies(appended: RawPoint[]): RawPoint[] {
  const last = new Map<string, RawPoint>();
  for (const p of appended) last.set(`${p.deviceId}\u0000${p.metric}\u0000${p.ts}`, p);
  const seen = new Set<string>();
  return appended.flatMap((p) => {
    const key = `${p.deviceId}\u0000${p.metric}\u0000${p.ts}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [last.get(key)!];
  });
}

/** Summary of points of ONE series, in any order. */
export function summarize(points: { ts: number; value: number }[]): Summary {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const values = sorted.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  let integral = 0;
  // A counter's rise: increases count, a fall to under half is a restart
  // (the new value is all new), a smaller fall counts nothing.
  let rise = 0;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    integral += ((b.ts - a.ts) * (a.value + b.value)) / 2;
    if (b.value >= a.value) rise += b.value - a.value;
    else if (b.value * 2 < a.value) rise += b.value;
  }
  return {
    count: sorted.length,
    sum: values.reduce((s, v) => s + v, 0),
    sumSq: values.reduce((s, v) => s + v * v, 0),
    min,
    minTs: sorted.find((p) => p.value === min)!.ts,
    max,
    maxTs: sorted.find((p) => p.value === max)!.ts,
    firstTs: sorted[0]!.ts,
    first: sorted[0]!.value,
    lastTs: sorted[sorted.length - 1]!.ts,
    last: sorted[sorted.length - 1]!.value,
    integral,
    rise,
  };
}

/** Rollup rows of one series at a bucket width, recomputed from its points. */
export function rollupsOf(
  points: { ts: number; value: number }[],
  width: number,
): (Summary & { bucket: number })[] {
  const buckets = new Map<number, { ts: number; value: number }[]>();
  for (const p of points) {
    const b = Math.floor(p.ts / width) * width;
    buckets.set(b, [...(buckets.get(b) ?? []), p]);
  }
  return [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((bucket) => ({ bucket, ...summarize(buckets.get(bucket)!) }));
}

export interface RefSpec {
  series: { deviceId: string; metric: string }[];
  from?: number;
  to?: number;
  operation?: string;
  n?: number;
  intervalMs?: number;
  groupById?: boolean;
  integralUnitMs?: number;
}

export interface RefResult {
  deviceId?: string;
  ts: number;
  value: number;
}

const byTimeThenDevice = (a: RawPoint, b: RawPoint) =>
  a.ts - b.ts || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0);

/** Trapezoid areas of one series' points, per result bucket, split at bucket edges by interpolation. */
function areas(points: RawPoint[], bucketOf: (ts: number) => number, iv?: number) {
  const out = new Map<number, number>();
  for (const p of points) out.set(bucketOf(p.ts), 0);
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    const bp = bucketOf(p.ts);
    const bq = bucketOf(q.ts);
    if (bp === bq || iv === undefined) {
      out.set(bq, out.get(bq)! + ((q.ts - p.ts) * (p.value + q.value)) / 2);
      continue;
    }
    const edge = bp + iv;
    const v = p.value + ((q.value - p.value) * (edge - p.ts)) / (q.ts - p.ts);
    out.set(bp, out.get(bp)! + ((edge - p.ts) * (p.value + v)) / 2);
    out.set(bq, out.get(bq)! + ((q.ts - edge) * (v + q.value)) / 2);
  }
  return out;
}

/**
 * The answer to a query by brute force over the stored points: select,
 * split into groups and buckets, compute each operation the obvious way.
 * SAMPLE is random and checked separately.
 */
export function referenceQuery(stored: RawPoint[], spec: RefSpec): RefResult[] {
  const wanted = new Set(spec.series.map((s) => `${s.deviceId}/${s.metric}`));
  const from = spec.from ?? -Infinity;
  const to = spec.to ?? Infinity;
  const selected = stored
    .filter((p) => wanted.has(`${p.deviceId}/${p.metric}`) && p.ts >= from && p.ts <= to)
    .sort(byTimeThenDevice);
  if (!spec.operation) {
    const raw = spec.groupById
      ? [...selected].sort((a, b) =>
          a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0,
        )
      : selected;
    return raw.map((p) => ({ deviceId: p.deviceId, ts: p.ts, value: p.value }));
  }
  const iv = spec.intervalMs;
  const bucketOf = (ts: number) => (iv ? Math.floor(ts / iv) * iv : (spec.from ?? 0));
  const groupKeys = [...new Set(selected.map((p) => (spec.groupById ? p.deviceId : '')))].sort();
  const out: RefResult[] = [];
  for (const key of groupKeys) {
    const inGroup = selected.filter((p) => !spec.groupById || p.deviceId === key);
    const buckets = [...new Set(inGroup.map((p) => bucketOf(p.ts)))].sort((a, b) => a - b);
    // Integral: per series over the whole selection, then summed per bucket.
    const integral = new Map<number, number>();
    if (spec.operation === 'INTEGRAL') {
      for (const s of new Set(inGroup.map((p) => `${p.deviceId}/${p.metric}`))) {
        const pts = inGroup.filter((p) => `${p.deviceId}/${p.metric}` === s);
        for (const [b, a] of areas(pts, bucketOf, iv)) integral.set(b, (integral.get(b) ?? 0) + a);
      }
    }
    for (const b of buckets) {
      const pts = inGroup.filter((p) => bucketOf(p.ts) === b);
      const rows = computeOne(spec, pts, b, integral.get(b) ?? 0);
      for (const r of rows) out.push(spec.groupById ? { deviceId: key, ...r } : r);
    }
  }
  return out;
}

function computeOne(
  spec: RefSpec,
  pts: RawPoint[],
  bucket: number,
  integral: number,
): { ts: number; value: number }[] {
  const n = pts.length;
  const values = pts.map((p) => p.value);
  const sum = values.reduce((s, v) => s + v, 0);
  const at = (ts: number) => (spec.intervalMs ? bucket : ts);
  const one = (value: number) => [{ ts: bucket, value }];
  const sortedValues = [...values].sort((a, b) => a - b);
  switch (spec.operation) {
    case 'COUNT':
      return one(n);
    case 'SUM':
      return one(sum);
    case 'MEAN':
      return one(sum / n);
    case 'SPREAD':
      return one(Math.max(...values) - Math.min(...values));
    case 'STDDEV': {
      if (n < 2) return [];
      const m = sum / n;
      return one(Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1)));
    }
    case 'INTEGRAL':
      return one(integral / (spec.integralUnitMs ?? 1000));
    case 'MIN':
    case 'MAX': {
      const target = spec.operation === 'MIN' ? Math.min(...values) : Math.max(...values);
      const p = pts.find((q) => q.value === target)!; // pts are in time order
      return [{ ts: at(p.ts), value: p.value }];
    }
    case 'FIRST':
      return [{ ts: at(pts[0]!.ts), value: pts[0]!.value }];
    case 'LAST': {
      const lastTs = pts[n - 1]!.ts;
      const p = pts.find((q) => q.ts === lastTs)!; // among equal times, the first device
      return [{ ts: at(p.ts), value: p.value }];
    }
    case 'MEDIAN':
      return one(
        n % 2 ? sortedValues[(n - 1) / 2]! : (sortedValues[n / 2 - 1]! + sortedValues[n / 2]!) / 2,
      );
    case 'MODE': {
      let best = NaN;
      let bestCount = 0;
      for (const v of sortedValues) {
        const c = values.filter((x) => x === v).length;
        if (c > bestCount) [best, bestCount] = [v, c]; // ascending: the smallest wins ties
      }
      return one(best);
    }
    case 'DISTINCT':
      return [...new Set(sortedValues)].map((value) => ({ ts: bucket, value }));
    case 'PERCENTILE': {
      const i = Math.floor((n * spec.n!) / 100 + 0.5) - 1;
      if (i < 0 || i >= n) return [];
      const p = [...pts].sort((a, b) => a.value - b.value || byTimeThenDevice(a, b))[i]!;
      return [{ ts: at(p.ts), value: p.value }];
    }
    case 'TOP':
    case 'BOTTOM': {
      const left = [...pts];
      const chosen: RawPoint[] = [];
      while (chosen.length < spec.n! && left.length > 0) {
        let best = 0;
        for (let i = 1; i < left.length; i++) {
          const better =
            spec.operation === 'TOP'
              ? left[i]!.value > left[best]!.value
              : left[i]!.value < left[best]!.value;
          if (better) best = i; // strict: the earlier point keeps a tie
        }
        chosen.push(left.splice(best, 1)[0]!);
      }
      return chosen.sort(byTimeThenDevice).map((p) => ({ ts: p.ts, value: p.value }));
    }
    default:
      throw new Error(`reference has no ${spec.operation}`);
  }
}

/**
 * Wh a device counted by its counter series, by brute force: per series,
 * each step between consecutive readings in [from, to] (a rise as is, a fall
 * to under half a restart worth the new value, a smaller fall nothing), put
 * in the later reading's bucket, or with an interval split between the two
 * readings' buckets in proportion to time at the earlier bucket's end; then
 * summed over the series per bucket. Buckets are those holding a reading.
 */
export function referenceCounterEnergy(
  stored: RawPoint[],
  spec: {
    series: { deviceId: string; metric: string }[];
    from?: number;
    to?: number;
    intervalMs?: number;
  },
): { ts: number; value: number }[] {
  const from = spec.from ?? -Infinity;
  const to = spec.to ?? Infinity;
  const iv = spec.intervalMs;
  const bucketOf = (ts: number) => (iv ? Math.floor(ts / iv) * iv : (spec.from ?? 0));
  const out = new Map<number, number>();
  const put = (b: number, wh: number) => out.set(b, (out.get(b) ?? 0) + wh);
  for (const s of spec.series) {
    const pts = stored
      .filter(
        (p) => p.deviceId === s.deviceId && p.metric === s.metric && p.ts >= from && p.ts <= to,
      )
      .sort((a, b) => a.ts - b.ts);
    if (pts.length > 0) put(bucketOf(pts[0]!.ts), 0);
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i - 1]!;
      const q = pts[i]!;
      const step = q.value >= p.value ? q.value - p.value : q.value * 2 < p.value ? q.value : 0;
      const bp = bucketOf(p.ts);
      const bq = bucketOf(q.ts);
      if (bp === bq || iv === undefined) {
        put(bq, step);
        continue;
      }
      const early = (step * (bp + iv - p.ts)) / (q.ts - p.ts);
      put(bp, early);
      put(bq, step - early);
    }
  }
  return [...out.keys()].sort((a, b) => a - b).map((ts) => ({ ts, value: out.get(ts)! }));
}

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

/** What the store keeps of appended points: the first copy of each (series, ts). */
export function firstCopies(appended: RawPoint[]): RawPoint[] {
  const seen = new Set<string>();
  return appended.filter((p) => {
    const key = `${p.deviceId}\u0000${p.metric}\u0000${p.ts}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Summary of points of ONE series, in any order. */
export function summarize(points: { ts: number; value: number }[]): Summary {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const values = sorted.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  let integral = 0;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    integral += ((b.ts - a.ts) * (a.value + b.value)) / 2;
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

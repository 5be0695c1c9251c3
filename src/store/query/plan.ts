export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export type SegmentLevel = 'raw' | 'minute' | 'hour';

/** A half-open span [from, to) read from one level of the store. */
interface Segment {
  level: SegmentLevel;
  from: number;
  to: number;
}

function alignUp(t: number, step: number): number {
  return Math.ceil(t / step) * step;
}

function alignDown(t: number, step: number): number {
  return Math.floor(t / step) * step;
}

/** [from, to) as whole minutes in the middle and raw points at the ragged ends. */
function minutesAndRaw(from: number, to: number, useMinutes: boolean, out: Segment[]): void {
  if (!useMinutes) {
    out.push({ level: 'raw', from, to });
    return;
  }
  const m1 = alignUp(from, MINUTE_MS);
  const m2 = alignDown(to, MINUTE_MS);
  if (m1 >= m2) {
    out.push({ level: 'raw', from, to });
    return;
  }
  if (from < m1) out.push({ level: 'raw', from, to: m1 });
  out.push({ level: 'minute', from: m1, to: m2 });
  if (m2 < to) out.push({ level: 'raw', from: m2, to });
}

/**
 * Splits [from, to) into spans answered by hour rollups for the whole hours,
 * minute rollups for the whole minutes left at either end, and raw points
 * for the rest, in time order, without gaps or overlap. Rollup buckets are
 * aligned to the epoch, so a span is whole only when both ends are aligned.
 * `coarsest` caps the level: a query grouped by 15 minutes cannot use hours.
 */
export function planSegments(from: number, to: number, coarsest: SegmentLevel = 'hour'): Segment[] {
  const out: Segment[] = [];
  if (from >= to) return out;
  const useMinutes = coarsest !== 'raw';
  const h1 = alignUp(from, HOUR_MS);
  const h2 = alignDown(to, HOUR_MS);
  if (coarsest !== 'hour' || h1 >= h2) {
    minutesAndRaw(from, to, useMinutes, out);
    return out;
  }
  if (from < h1) minutesAndRaw(from, h1, true, out);
  out.push({ level: 'hour', from: h1, to: h2 });
  if (h2 < to) minutesAndRaw(h2, to, true, out);
  return out;
}

/**
 * The coarsest rollup whose buckets never straddle a bucket of intervalMs
 * (epoch-aligned): one that divides the interval. Without an interval the
 * whole range is one bucket, so hours serve.
 */
export function coarsestFor(intervalMs: number | undefined): SegmentLevel {
  if (intervalMs === undefined || intervalMs % HOUR_MS === 0) return 'hour';
  return intervalMs % MINUTE_MS === 0 ? 'minute' : 'raw';
}

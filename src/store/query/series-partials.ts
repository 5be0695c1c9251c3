import type { Store, SummaryFields } from '../store.js';
import { counterStep, mergeInTime, PartialFolder, trapezoid, type Partial } from './partial.js';
import { planSegments, type SegmentLevel } from './plan.js';
import type { SeriesRef } from './types.js';

/** The summary of one series over one result bucket. */
interface BucketPartial {
  /** The result bucket's key: its start with an interval, the query's lower bound without. */
  start: number;
  partial: Partial;
}

/**
 * One series over [from, to) as a partial per result bucket, in time order:
 * hour and minute rollups where whole buckets fit, raw points at the edges.
 * `bucketOf` maps a time to its result bucket; `coarsest` must be a level
 * whose buckets never straddle two result buckets (plan.ts coarsestFor).
 */
export function seriesPartials(
  store: Store,
  ref: SeriesRef,
  from: number,
  to: number,
  bucketOf: (ts: number) => number,
  coarsest: SegmentLevel,
  fields: SummaryFields,
): BucketPartial[] {
  const out: BucketPartial[] = [];
  const add = (start: number, p: Partial) => {
    const last = out[out.length - 1];
    if (last?.start === start) last.partial = mergeInTime(last.partial, p);
    else out.push({ start, partial: p });
  };
  for (const seg of planSegments(from, to, coarsest)) {
    const start = bucketOf(seg.from);
    if (start === bucketOf(seg.to - 1)) {
      // The whole span lands in one result bucket: let the store fold it.
      const [p] = store.summaries([ref], seg.level, seg.from, seg.to, fields);
      if (p) add(start, p);
      continue;
    }
    if (seg.level !== 'raw') {
      for (const r of store.rollups(ref.deviceId, ref.metric, seg.level, seg.from, seg.to))
        add(bucketOf(r.bucket), r);
      continue;
    }
    const folder = new PartialFolder();
    let at: number | undefined;
    for (const p of store.range(ref.deviceId, ref.metric, seg.from, seg.to)) {
      const b = bucketOf(p.ts);
      if (b !== at) {
        const done = folder.take();
        if (done) add(at!, done);
        at = b;
      }
      folder.add(p.ts, p.value);
    }
    const done = folder.take();
    if (done) add(at!, done);
  }
  return out;
}

/**
 * Without an interval: each series over [from, to) as one partial, the store
 * folding each segment of the plan for all the series in one go.
 */
export function wholeRangePartials(
  store: Store,
  refs: readonly SeriesRef[],
  from: number,
  to: number,
  fields: SummaryFields,
): (Partial | undefined)[] {
  const acc: (Partial | undefined)[] = refs.map(() => undefined);
  for (const seg of planSegments(from, to)) {
    store.summaries(refs, seg.level, seg.from, seg.to, fields).forEach((p, i) => {
      if (p) acc[i] = acc[i] ? mergeInTime(acc[i]!, p) : p;
    });
  }
  return acc;
}

/**
 * Integrals and rises per result bucket, with what lies between two buckets'
 * points split at the boundary. The area is cut where the value, linearly
 * interpolated, crosses the edge, as InfluxDB 1.x does with GROUP BY time;
 * the counter step is cut in proportion to time. Either way the buckets add
 * up to the whole range's figure: the earlier bucket gets the part up to its
 * end, the later one the rest.
 */
export function splitAtEdges(
  buckets: readonly BucketPartial[],
  intervalMs: number,
): { integral: number; rise: number }[] {
  const out = buckets.map((b) => ({ integral: b.partial.integral, rise: b.partial.rise }));
  for (let i = 1; i < buckets.length; i++) {
    const a = buckets[i - 1]!.partial;
    const b = buckets[i]!.partial;
    const edge = buckets[i - 1]!.start + intervalMs;
    const share = (edge - a.lastTs) / (b.firstTs - a.lastTs);
    const atEdge = a.last + (b.first - a.last) * share;
    out[i - 1]!.integral += trapezoid(a.lastTs, a.last, edge, atEdge);
    out[i]!.integral += trapezoid(edge, atEdge, b.firstTs, b.first);
    const step = counterStep(a.last, b.first);
    out[i - 1]!.rise += step * share;
    out[i]!.rise += step - step * share;
  }
  return out;
}

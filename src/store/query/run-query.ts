import type { Store, SummaryFields } from '../store.js';
import { mean, pool, stddev, type Partial } from './partial.js';
import { coarsestFor } from './plan.js';
import {
  distinct,
  extremes,
  median,
  mode,
  percentile,
  sample,
  type TaggedPoint,
} from './point-ops.js';
import { seriesPartials, splitAtEdges, wholeRangePartials } from './series-partials.js';
import {
  OPERATIONS,
  OPERATIONS_WITH_N,
  QueryError,
  type Operation,
  type QuerySpec,
  type ResultPoint,
  type SeriesRef,
} from './types.js';

/** The largest time a JavaScript Date can hold; the open end of a range. */
const MAX_TS = 8.64e15;

/** Operations answered from rollups; the others read every point. */
const FROM_ROLLUPS: ReadonlySet<Operation> = new Set<Operation>([
  'COUNT',
  'SUM',
  'MEAN',
  'MIN',
  'MAX',
  'SPREAD',
  'STDDEV',
  'FIRST',
  'LAST',
  'INTEGRAL',
]);

/** Operations that need only count, sum, sum of squares, min and max. */
const MOMENTS_SUFFICE: ReadonlySet<Operation> = new Set<Operation>([
  'COUNT',
  'SUM',
  'MEAN',
  'SPREAD',
  'STDDEV',
]);

export interface QueryOptions {
  /** SAMPLE's source of randomness (tests pass a seeded one); default Math.random. */
  random?: () => number;
}

/** The query's time frame, resolved once. */
export interface Frame {
  /** First ms included. */
  lo: number;
  /** First ms excluded. */
  hi: number;
  /** Result bucket of a time: its interval bucket's start, or the lower bound. */
  bucketOf: (ts: number) => number;
  /** True when results are per interval bucket. */
  bucketed: boolean;
}

function positive(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v > 0))
    throw new QueryError(`${name} must be a positive number of milliseconds, got ${v}`);
}

/** Checks what the types cannot and resolves the time frame. */
export function frameOf(spec: { from?: number; to?: number; intervalMs?: number }): Frame {
  for (const [name, v] of [
    ['from', spec.from],
    ['to', spec.to],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && Math.abs(v) <= MAX_TS))
      throw new QueryError(`${name} must be a time in epoch ms, got ${v}`);
  }
  positive('intervalMs', spec.intervalMs);
  const iv = spec.intervalMs;
  const base = spec.from ?? 0;
  return {
    lo: spec.from === undefined ? -MAX_TS : Math.ceil(spec.from),
    hi: spec.to === undefined ? MAX_TS + 1 : Math.floor(spec.to) + 1,
    bucketOf: iv === undefined ? () => base : (ts) => Math.floor(ts / iv) * iv,
    bucketed: iv !== undefined,
  };
}

function validate(spec: QuerySpec): void {
  const op = spec.operation;
  if (op !== undefined && !OPERATIONS.includes(op))
    throw new QueryError(`unknown operation ${String(op)}`);
  if (op === undefined && spec.intervalMs !== undefined)
    throw new QueryError('intervalMs needs an operation: raw points are not grouped by time');
  positive('integralUnitMs', spec.integralUnitMs);
  if (op === undefined || !OPERATIONS_WITH_N.includes(op)) return;
  const n = spec.n;
  if (op === 'PERCENTILE') {
    if (n === undefined || !Number.isFinite(n) || n < 0 || n > 100)
      throw new QueryError(`PERCENTILE needs n between 0 and 100, got ${n}`);
  } else if (n === undefined || !Number.isInteger(n) || n < 1) {
    throw new QueryError(`${op} needs n, a whole number of points of at least 1, got ${n}`);
  }
}

/** Each series once, ordered by device then metric: the order ties are broken in. */
function orderedSeries(series: readonly SeriesRef[]): SeriesRef[] {
  const seen = new Map<string, SeriesRef>();
  for (const s of series) seen.set(`${s.deviceId}\u0000${s.metric}`, s);
  return [...seen.values()].sort((a, b) =>
    a.deviceId === b.deviceId ? (a.metric < b.metric ? -1 : 1) : a.deviceId < b.deviceId ? -1 : 1,
  );
}

/** The part of [lo, hi) where the series has points, or undefined for none. */
function clampToData(
  store: Store,
  ref: SeriesRef,
  frame: Frame,
): { from: number; to: number } | undefined {
  const ext = store.extent(ref.deviceId, ref.metric);
  if (!ext) return undefined;
  const from = Math.max(frame.lo, ext.first);
  const to = Math.min(frame.hi, ext.last + 1);
  return from < to ? { from, to } : undefined;
}

/** Results keyed by group ('' when pooled) then bucket start, emitted in order. */
export type Grouped<T> = Map<string, Map<number, T>>;

export function emit<T>(
  groups: Grouped<T>,
  grouped: boolean,
  toPoints: (bucket: number, v: T) => { ts: number; value: number }[],
): ResultPoint[] {
  const out: ResultPoint[] = [];
  for (const key of [...groups.keys()].sort()) {
    const buckets = groups.get(key)!;
    for (const start of [...buckets.keys()].sort((a, b) => a - b)) {
      for (const p of toPoints(start, buckets.get(start)!))
        out.push(
          grouped ? { deviceId: key, ts: p.ts, value: p.value } : { ts: p.ts, value: p.value },
        );
    }
  }
  return out;
}

export function slot<T>(groups: Grouped<T>, key: string): Map<number, T> {
  let m = groups.get(key);
  if (!m) groups.set(key, (m = new Map()));
  return m;
}

/** An operation answered from a partial: value and time, or nothing. */
function fromPartial(
  op: Operation,
  p: Partial,
  start: number,
  frame: Frame,
  unitMs: number,
): { ts: number; value: number } | undefined {
  // Selectors report their point's time, except per interval (InfluxDB reports the bucket start).
  const at = (ts: number) => (frame.bucketed ? start : ts);
  switch (op) {
    case 'COUNT':
      return { ts: start, value: p.count };
    case 'SUM':
      return { ts: start, value: p.sum };
    case 'MEAN':
      return { ts: start, value: mean(p) };
    case 'SPREAD':
      return { ts: start, value: p.max - p.min };
    case 'STDDEV': {
      const sd = stddev(p);
      return sd === undefined ? undefined : { ts: start, value: sd };
    }
    case 'INTEGRAL':
      return { ts: start, value: p.integral / unitMs };
    case 'MIN':
      return { ts: at(p.minTs), value: p.min };
    case 'MAX':
      return { ts: at(p.maxTs), value: p.max };
    case 'FIRST':
      return { ts: at(p.firstTs), value: p.first };
    case 'LAST':
      return { ts: at(p.lastTs), value: p.last };
    default:
      throw new QueryError(`${op} is not answered from rollups`);
  }
}

/**
 * Per series: its partials per result bucket (integrals and rises split at
 * bucket edges), pooled per group in series order.
 */
export function pooledPartials(
  store: Store,
  refs: readonly SeriesRef[],
  frame: Frame,
  intervalMs: number | undefined,
  groupById: boolean,
  fields: SummaryFields = 'all',
): Grouped<Partial> {
  const groups: Grouped<Partial> = new Map();
  const ordered = orderedSeries(refs);
  const poolInto = (deviceId: string, start: number, p: Partial): void => {
    const target = slot(groups, groupById ? deviceId : '');
    const sofar = target.get(start);
    target.set(start, sofar ? pool(sofar, p) : p);
  };
  if (intervalMs === undefined) {
    const base = frame.bucketOf(frame.lo);
    wholeRangePartials(store, ordered, frame.lo, frame.hi, fields).forEach((p, i) => {
      if (p) poolInto(ordered[i]!.deviceId, base, p);
    });
    return groups;
  }
  const coarsest = coarsestFor(intervalMs);
  for (const ref of ordered) {
    const span = clampToData(store, ref, frame);
    if (!span) continue;
    const buckets = seriesPartials(
      store,
      ref,
      span.from,
      span.to,
      frame.bucketOf,
      coarsest,
      fields,
    );
    const split = splitAtEdges(buckets, intervalMs);
    buckets.forEach(({ start, partial }, i) =>
      poolInto(ref.deviceId, start, { ...partial, ...split[i]! }),
    );
  }
  return groups;
}

/** Every point of the series in the frame, tagged with its device, in (time, device) order. */
function taggedPoints(store: Store, refs: readonly SeriesRef[], frame: Frame): TaggedPoint[] {
  const all: TaggedPoint[] = [];
  for (const ref of orderedSeries(refs))
    for (const p of store.range(ref.deviceId, ref.metric, frame.lo, frame.hi))
      all.push({ deviceId: ref.deviceId, ts: p.ts, value: p.value });
  // Stable: equal (time, device) keep series order.
  return all.sort(
    (a, b) => a.ts - b.ts || (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0),
  );
}

function fromPoints(
  op: Operation,
  points: TaggedPoint[],
  start: number,
  frame: Frame,
  n: number,
  random: () => number,
): { ts: number; value: number }[] {
  const values = () => points.map((p) => p.value);
  const one = (v: number | undefined) => (v === undefined ? [] : [{ ts: start, value: v }]);
  switch (op) {
    case 'MEDIAN':
      return one(median(values()));
    case 'MODE':
      return one(mode(values()));
    case 'DISTINCT':
      return distinct(values()).map((value) => ({ ts: start, value }));
    case 'PERCENTILE': {
      const p = percentile(points, n);
      return p ? [{ ts: frame.bucketed ? start : p.ts, value: p.value }] : [];
    }
    case 'TOP':
    case 'BOTTOM':
      return extremes(points, n, op === 'TOP');
    case 'SAMPLE':
      return sample(points, n, random);
    default:
      throw new QueryError(`${op} is answered from rollups`);
  }
}

/**
 * Runs one query over the store (any Store: only its interface is used).
 * See QuerySpec; the semantics follow InfluxDB 1.x and are listed in
 * src/store/query/README.md.
 */
export function runQuery(store: Store, spec: QuerySpec, opts: QueryOptions = {}): ResultPoint[] {
  validate(spec);
  const frame = frameOf(spec);
  if (frame.lo >= frame.hi) return [];
  const op = spec.operation;
  const grouped = spec.groupById === true;
  if (op === undefined) {
    const points = taggedPoints(store, spec.series, frame);
    if (grouped)
      points.sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
    return points.map((p) => ({ deviceId: p.deviceId, ts: p.ts, value: p.value }));
  }
  if (FROM_ROLLUPS.has(op)) {
    const groups = pooledPartials(
      store,
      spec.series,
      frame,
      spec.intervalMs,
      grouped,
      MOMENTS_SUFFICE.has(op) ? 'moments' : 'all',
    );
    const unit = spec.integralUnitMs ?? 1000;
    return emit(groups, grouped, (start, p) => {
      const r = fromPartial(op, p, start, frame, unit);
      return r ? [r] : [];
    });
  }
  const groups: Grouped<TaggedPoint[]> = new Map();
  for (const p of taggedPoints(store, spec.series, frame)) {
    const target = slot(groups, grouped ? p.deviceId : '');
    const start = frame.bucketOf(p.ts);
    const list = target.get(start);
    if (list) list.push(p);
    else target.set(start, [p]);
  }
  const random = opts.random ?? Math.random;
  return emit(groups, grouped, (start, points) =>
    fromPoints(op, points, start, frame, spec.n ?? 0, random),
  );
}

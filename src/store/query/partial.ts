/**
 * A mergeable summary of the points of one series in a time span: enough to
 * answer COUNT, SUM, MEAN, MIN, MAX, SPREAD, STDDEV, FIRST, LAST and INTEGRAL
 * without the points. The store keeps one per series per minute and per hour;
 * the query engine merges them with raw points at the ragged edges of a range.
 * Pure: no I/O, inputs are never modified.
 */
export interface Partial {
  count: number;
  sum: number;
  /** Sum of value², for the standard deviation. */
  sumSq: number;
  min: number;
  /** Time of the earliest point holding min (InfluxDB reports the earliest on ties). */
  minTs: number;
  max: number;
  maxTs: number;
  firstTs: number;
  first: number;
  lastTs: number;
  last: number;
  /** Trapezoidal area between consecutive points inside the span, in value·ms. */
  integral: number;
  /**
   * What a counter counted between consecutive points inside the span: the
   * sum of counterStep() (energy from energy registers, gas from gas totals).
   */
  rise: number;
}

/**
 * What a counter counted from one reading to the next. A counter that fell
 * to under half its value restarted (a plug reset, a new meter): its new
 * value is all new. A smaller step back is a glitch (a rounding difference,
 * a repeated older value) and counts as nothing: taking it for a restart
 * would add the whole register. The SQL in sqlite-summary.ts says the same.
 */
export function counterStep(prev: number, cur: number): number {
  return cur >= prev ? cur - prev : cur < prev / 2 ? cur : 0;
}

function partialOfPoint(ts: number, value: number): Partial {
  return {
    count: 1,
    sum: value,
    sumSq: value * value,
    min: value,
    minTs: ts,
    max: value,
    maxTs: ts,
    firstTs: ts,
    first: value,
    lastTs: ts,
    last: value,
    integral: 0,
    rise: 0,
  };
}

/**
 * Folds points of one series, given one at a time in ascending time order,
 * into a partial. Used on the flush path and for the raw edges of a query.
 */
export class PartialFolder {
  private p: Partial | undefined;

  add(ts: number, value: number): void {
    const p = this.p;
    if (!p) {
      this.p = partialOfPoint(ts, value);
      return;
    }
    p.count++;
    p.sum += value;
    p.sumSq += value * value;
    if (value < p.min) {
      p.min = value;
      p.minTs = ts;
    }
    if (value > p.max) {
      p.max = value;
      p.maxTs = ts;
    }
    p.integral += trapezoid(p.lastTs, p.last, ts, value);
    p.rise += counterStep(p.last, value);
    p.lastTs = ts;
    p.last = value;
  }

  /** The partial so far (undefined before the first point); the folder starts afresh. */
  take(): Partial | undefined {
    const p = this.p;
    this.p = undefined;
    return p;
  }
}

/** Folds parallel arrays of points in ascending time order; undefined for none. */
export function foldPoints(ts: ArrayLike<number>, values: ArrayLike<number>): Partial | undefined {
  const f = new PartialFolder();
  for (let i = 0; i < ts.length; i++) f.add(ts[i]!, values[i]!);
  return f.take();
}

/** The trapezoid between two consecutive points, in value·ms. */
export function trapezoid(t1: number, v1: number, t2: number, v2: number): number {
  return ((t2 - t1) * (v1 + v2)) / 2;
}

/** a and b combined, taking each extreme and end from the side the flags name. */
function combine(
  a: Partial,
  b: Partial,
  take: { min: boolean; max: boolean; first: boolean; last: boolean },
  joined: { integral: number; rise: number },
): Partial {
  const lo = take.min ? b : a;
  const hi = take.max ? b : a;
  const start = take.first ? b : a;
  const end = take.last ? b : a;
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    sumSq: a.sumSq + b.sumSq,
    min: lo.min,
    minTs: lo.minTs,
    max: hi.max,
    maxTs: hi.maxTs,
    firstTs: start.firstTs,
    first: start.first,
    lastTs: end.lastTs,
    last: end.last,
    integral: joined.integral,
    rise: joined.rise,
  };
}

/**
 * Merges two partials of ONE series where `a` lies wholly before `b`
 * (a.lastTs < b.firstTs): the integral gains the trapezoid that joins a's
 * last point to b's first, and the rise the counter step between them, so
 * merging consecutive spans equals folding all their points at once.
 */
export function mergeInTime(a: Partial, b: Partial): Partial {
  return combine(
    a,
    b,
    { min: b.min < a.min, max: b.max > a.max, first: false, last: true },
    {
      integral: a.integral + trapezoid(a.lastTs, a.last, b.firstTs, b.first) + b.integral,
      rise: a.rise + counterStep(a.last, b.first) + b.rise,
    },
  );
}

/** Merges consecutive partials of one series given in time order; undefined for none. */
export function mergeAllInTime(parts: readonly Partial[]): Partial | undefined {
  let acc = parts[0];
  for (let i = 1; i < parts.length; i++) acc = mergeInTime(acc!, parts[i]!);
  return acc;
}

/**
 * Pools partials of DIFFERENT series over the same span (InfluxDB's view of
 * several series selected together): counts and sums add, extremes and
 * first/last are the pooled ones, integrals and rises add (each series' own;
 * nothing joins two series). Ties go to the earlier time, then to `a`.
 */
export function pool(a: Partial, b: Partial): Partial {
  return combine(
    a,
    b,
    {
      min: b.min < a.min || (b.min === a.min && b.minTs < a.minTs),
      max: b.max > a.max || (b.max === a.max && b.maxTs < a.maxTs),
      first: b.firstTs < a.firstTs,
      last: b.lastTs > a.lastTs,
    },
    { integral: a.integral + b.integral, rise: a.rise + b.rise },
  );
}

export function mean(p: Partial): number {
  return p.sum / p.count;
}

/**
 * Sample standard deviation (n − 1, as InfluxDB); undefined below two points.
 * From the sums, clamped at 0 against rounding for near-constant series.
 */
export function stddev(p: Partial): number | undefined {
  if (p.count < 2) return undefined;
  const variance = (p.sumSq - (p.sum * p.sum) / p.count) / (p.count - 1);
  return Math.sqrt(Math.max(0, variance));
}

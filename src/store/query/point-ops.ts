/**
 * The operations that need every point (no rollup can answer them), over the
 * points of one result bucket in (time, device) order. Pure; randomness is
 * passed in.
 */
export interface TaggedPoint {
  deviceId: string;
  ts: number;
  value: number;
}

function ascending(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = ascending(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The most frequent value; among equally frequent values, the smallest. */
export function mode(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best!)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Each value once, ascending. */
export function distinct(values: readonly number[]): number[] {
  return ascending([...new Set(values)]);
}

/**
 * Nearest-rank percentile as InfluxDB computes it: the point at index
 * floor(count · n / 100 + 0.5) − 1 of the points sorted by value (ties in
 * time order); none when that index falls outside (e.g. n = 0).
 */
export function percentile(points: readonly TaggedPoint[], n: number): TaggedPoint | undefined {
  const i = Math.floor((points.length * n) / 100 + 0.5) - 1;
  if (i < 0 || i >= points.length) return undefined;
  return [...points].sort((a, b) => a.value - b.value)[i];
}

/** The chosen points back in their input (time) order. */
function inInputOrder(points: readonly TaggedPoint[], chosen: number[]): TaggedPoint[] {
  return chosen.sort((a, b) => a - b).map((i) => points[i]!);
}

/**
 * The n largest (TOP) or smallest (BOTTOM) points, the earlier one winning a
 * tie, returned in time order as InfluxDB does.
 */
export function extremes(
  points: readonly TaggedPoint[],
  n: number,
  largest: boolean,
): TaggedPoint[] {
  const byValue = points
    .map((_, i) => i)
    .sort((a, b) =>
      largest ? points[b]!.value - points[a]!.value : points[a]!.value - points[b]!.value,
    );
  return inInputOrder(points, byValue.slice(0, n));
}

/** n points chosen uniformly at random (all when there are fewer), in time order. */
export function sample(
  points: readonly TaggedPoint[],
  n: number,
  random: () => number,
): TaggedPoint[] {
  const idx = points.map((_, i) => i);
  const k = Math.min(n, idx.length);
  // Partial Fisher-Yates: the first k slots end up a uniform sample.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return inInputOrder(points, idx.slice(0, k));
}

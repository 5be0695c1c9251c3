import type { SeriesKey } from '../store.js';
export const OPERATIONS = [
  'COUNT',
  'DISTINCT',
  'INTEGRAL',
  'MEAN',
  'MEDIAN',
  'MODE',
  'SPREAD',
  'STDDEV',
  'SUM',
  'BOTTOM',
  'FIRST',
  'LAST',
  'MAX',
  'MIN',
  'PERCENTILE',
  'SAMPLE',
  'TOP',
] as const;

export type Operation = (typeof OPERATIONS)[number];

/** Operations that need `n`: a count for TOP/BOTTOM/SAMPLE, 0-100 for PERCENTILE. */
export const OPERATIONS_WITH_N: readonly Operation[] = ['BOTTOM', 'PERCENTILE', 'SAMPLE', 'TOP'];

/** One (device, metric) series, as the store names it. */
export type SeriesRef = SeriesKey;

export interface QuerySpec {
  series: SeriesRef[];
  /** Epoch ms, inclusive; none = from the first point. */
  from?: number;
  /** Epoch ms, inclusive; none = to the last point. */
  to?: number;
  /** None: the raw points. */
  operation?: Operation;
  /** TOP/BOTTOM/SAMPLE: how many points (a positive integer); PERCENTILE: 0-100. */
  n?: number;
  /** One result per bucket of this width, aligned to the epoch (InfluxDB GROUP BY time). */
  intervalMs?: number;
  /** One result set per device instead of one pooled over all series. */
  groupById?: boolean;
  /** INTEGRAL's time unit in ms; default 1000 (W → W·s). */
  integralUnitMs?: number;
}

export interface ResultPoint {
  /** Set on raw points and on grouped results. */
  deviceId?: string;
  /** Epoch ms. */
  ts: number;
  value: number;
}

/** A query the engine cannot run as given; the message names the bad field. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

// TEMPORARY stand-in for the store's query engine (being built on branch `query`); replaced at merge.
import type { Store } from '../../store/store.js';

export type Operation =
  | 'COUNT'
  | 'DISTINCT'
  | 'INTEGRAL'
  | 'MEAN'
  | 'MEDIAN'
  | 'MODE'
  | 'SPREAD'
  | 'STDDEV'
  | 'SUM'
  | 'BOTTOM'
  | 'FIRST'
  | 'LAST'
  | 'MAX'
  | 'MIN'
  | 'PERCENTILE'
  | 'SAMPLE'
  | 'TOP';
export interface SeriesRef {
  deviceId: string;
  metric: string;
}
export interface QuerySpec {
  series: SeriesRef[];
  from?: number;
  to?: number;
  operation?: Operation;
  n?: number;
  intervalMs?: number;
  groupById?: boolean;
  integralUnitMs?: number;
}
export interface ResultPoint {
  deviceId?: string;
  ts: number;
  value: number;
}

type P = { deviceId: string; ts: number; value: number };

function load(store: Store, s: SeriesRef, from?: number, to?: number): P[] {
  return store
    .range(s.deviceId, s.metric, from ?? 0, (to ?? 8.64e15) + 1)
    .map((p) => ({ deviceId: s.deviceId, ...p }));
}

function agg(
  op: Operation,
  pts: P[],
  t0: number,
  n: number | undefined,
  unitMs: number,
  bySeries: P[][],
): ResultPoint[] {
  if (pts.length === 0) return [];
  const vals = pts.map((p) => p.value);
  const sorted = [...vals].sort((a, b) => a - b);
  const sum = vals.reduce((a, b) => a + b, 0);
  const one = (value: number): ResultPoint[] => [{ ts: t0, value }];
  switch (op) {
    case 'COUNT':
      return one(vals.length);
    case 'SUM':
      return one(sum);
    case 'MEAN':
      return one(sum / vals.length);
    case 'SPREAD':
      return one(sorted[sorted.length - 1]! - sorted[0]!);
    case 'STDDEV': {
      if (vals.length < 2) return [];
      const m = sum / vals.length;
      return one(Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (vals.length - 1)));
    }
    case 'MEDIAN': {
      const k = sorted.length;
      return one(k % 2 ? sorted[(k - 1) / 2]! : (sorted[k / 2 - 1]! + sorted[k / 2]!) / 2);
    }
    case 'INTEGRAL': {
      let total = 0;
      for (const s of bySeries)
        for (let i = 1; i < s.length; i++)
          total += ((s[i]!.value + s[i - 1]!.value) / 2) * (s[i]!.ts - s[i - 1]!.ts);
      return one(total / unitMs);
    }
    case 'FIRST':
      return [pts.reduce((a, b) => (b.ts < a.ts ? b : a))].map((p) => ({
        ts: p.ts,
        value: p.value,
      }));
    case 'LAST':
      return [pts.reduce((a, b) => (b.ts >= a.ts ? b : a))].map((p) => ({
        ts: p.ts,
        value: p.value,
      }));
    case 'MAX':
      return [pts.reduce((a, b) => (b.value > a.value ? b : a))].map((p) => ({
        ts: p.ts,
        value: p.value,
      }));
    case 'MIN':
      return [pts.reduce((a, b) => (b.value < a.value ? b : a))].map((p) => ({
        ts: p.ts,
        value: p.value,
      }));
    default:
      return one(NaN);
  }
}

export function runQuery(store: Store, spec: QuerySpec): ResultPoint[] {
  const per = spec.series.map((s) => load(store, s, spec.from, spec.to));
  const all = per.flat().sort((a, b) => a.ts - b.ts || a.deviceId.localeCompare(b.deviceId));
  if (!spec.operation) return all;
  const t0 = spec.from ?? 0;
  return agg(spec.operation, all, t0, spec.n, spec.integralUnitMs ?? 1000, per);
}

export function energyWh(
  store: Store,
  spec: { devices: string[]; from?: number; to?: number; intervalMs?: number; groupById?: boolean },
): ResultPoint[] {
  let total = 0;
  for (const d of spec.devices) {
    const p = load(store, { deviceId: d, metric: 'power' }, spec.from, spec.to);
    for (let i = 1; i < p.length; i++)
      total += ((p[i]!.value + p[i - 1]!.value) / 2) * (p[i]!.ts - p[i - 1]!.ts);
  }
  return [{ ts: spec.from ?? 0, value: total / 3_600_000 }];
}

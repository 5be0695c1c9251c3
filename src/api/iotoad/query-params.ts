import { GRID_TYPES, type GridType } from '../../core/device-id.js';
import { baseMetric, METRIC_UNITS, unitOf } from '../../core/metrics.js';
import { OPERATIONS, OPERATIONS_WITH_N, type Operation } from '../../store/query/index.js';

/** The measurements `query/influx_query/<db>/<measurement>` answers, with their metric and unit. */
const MEASUREMENTS = {
  power: { metric: 'power', unit: 'W' },
  status: { metric: 'status', unit: 'S' },
  voltage: { metric: 'voltage', unit: 'V' },
  current: { metric: 'current', unit: 'A' },
  energy: { metric: 'energy', unit: 'Wh' },
} as const;
/**
 * IoToad's measurements, and beyond them any canonical metric the hub stores
 * (`gas_total`, `power_import`, `voltage_l2`), so meters are queryable too.
 */
export type Measurement = keyof typeof MEASUREMENTS | string;

function measurementOf(name: string): { metric: string; unit: string } | undefined {
  if (Object.hasOwn(MEASUREMENTS, name)) return MEASUREMENTS[name as keyof typeof MEASUREMENTS];
  if (Object.hasOwn(METRIC_UNITS, baseMetric(name))) return { metric: name, unit: unitOf(name) };
  return undefined;
}

const PARAMS = [
  'operation',
  'id',
  'type',
  'row',
  'column',
  'from',
  'to',
  'interval',
  'group',
  'n',
  'unit',
];

export interface QueryRequest {
  measurement: Measurement;
  /** The stored metric the measurement reads, and its unit. */
  metric: string;
  unit: string;
  operation?: Operation;
  n?: number;
  id?: string;
  type?: GridType;
  row?: number;
  column?: number;
  from?: number;
  to?: number;
  intervalMs?: number;
  groupById: boolean;
  integralUnitMs?: number;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const DURATION_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `30s`, `15m`, `1h`, `7d` … in ms; undefined for anything else. */
export function duration(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DURATION.exec(v.trim());
  return m ? Number(m[1]) * DURATION_MS[m[2]!]! : undefined;
}

/**
 * Epoch seconds from here on (the year 5000) are a time given in milliseconds
 * by mistake, not a query anyone means: refused rather than answered empty.
 */
const MAX_EPOCH_MS = 95_617_584_000_000;

/** Epoch seconds (number or numeric string, fractions allowed) or an RFC 3339 time -> epoch ms. */
function time(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v * 1000 : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s))
    return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

function nonNegativeInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

const show = (v: unknown): string =>
  v === undefined ? '(missing)' : typeof v === 'string' ? `'${v}'` : JSON.stringify(v);

/**
 * Check every parameter of an influx_query request and name each bad one, in
 * IoToad's words where IoToad has them ("Invalid operation 'x'…").
 */
export function parseQuery(
  measurement: string,
  data: unknown,
): { ok: true; query: QueryRequest } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (data === undefined || data === null) data = {};
  if (typeof data !== 'object' || Array.isArray(data))
    return {
      ok: false,
      problems: [`data must be an object of query parameters, got ${JSON.stringify(data)}`],
    };
  const p = data as Record<string, unknown>;
  const q: QueryRequest = { measurement: 'power', metric: 'power', unit: 'W', groupById: false };
  const resolved = measurementOf(measurement);
  if (!resolved)
    problems.push(
      `Invalid measurement ${show(measurement)}, must be one of ${Object.keys(MEASUREMENTS).join(', ')} or a stored metric (${Object.keys(METRIC_UNITS).join(', ')})`,
    );
  else Object.assign(q, { measurement }, resolved);
  for (const k of Object.keys(p)) {
    if (!PARAMS.includes(k))
      problems.push(`Unknown parameter ${show(k)}; known: ${PARAMS.join(', ')}`);
  }
  if (p.operation !== undefined) {
    const op = typeof p.operation === 'string' ? p.operation.trim().toUpperCase() : '';
    if ((OPERATIONS as readonly string[]).includes(op)) q.operation = op as Operation;
    else
      problems.push(
        `Invalid operation ${show(p.operation)}, must be one of ${OPERATIONS.join(', ')}`,
      );
  }
  if (q.operation && OPERATIONS_WITH_N.includes(q.operation)) {
    const n = typeof p.n === 'string' && p.n.trim() !== '' ? Number(p.n) : p.n;
    const ok =
      typeof n === 'number' &&
      (q.operation === 'PERCENTILE'
        ? n >= 0 && n <= 100
        : Number.isInteger(n) && n >= 1 && n <= 100_000);
    if (ok) q.n = n;
    else
      problems.push(
        q.operation === 'PERCENTILE'
          ? `Invalid n ${show(p.n)}: PERCENTILE needs n, a percentage from 0 to 100`
          : `Invalid n ${show(p.n)}: ${q.operation} needs n, a whole number of points from 1 to 100000`,
      );
  } else if (p.n !== undefined) {
    problems.push(`Parameter n applies only to BOTTOM, PERCENTILE, SAMPLE and TOP`);
  }
  if (p.id !== undefined) {
    if (typeof p.id === 'string' && /^[\w.:-]+$/.test(p.id)) q.id = p.id;
    else problems.push(`Invalid ID ${show(p.id)}`);
  }
  if (p.type !== undefined) {
    if ((GRID_TYPES as readonly unknown[]).includes(p.type)) q.type = p.type as GridType;
    else problems.push(`Invalid type ${show(p.type)}, must be one of ${GRID_TYPES.join(', ')}`);
  }
  for (const axis of ['row', 'column'] as const) {
    if (p[axis] === undefined) continue;
    const n = nonNegativeInt(p[axis]);
    if (n === undefined)
      problems.push(`Invalid ${axis} ${show(p[axis])}, must be a whole number from 0`);
    else q[axis] = n;
    if (p.id !== undefined)
      problems.push(`Specified both a ${axis} and an identifier; use one of them`);
  }
  for (const edge of ['from', 'to'] as const) {
    if (p[edge] === undefined) continue;
    const ms = time(p[edge]);
    if (ms === undefined)
      problems.push(
        `Invalid ${edge.toUpperCase()} date ${show(p[edge])}: use epoch seconds or RFC 3339 (2026-11-22T10:00:00Z)`,
      );
    else if (Math.abs(ms) >= MAX_EPOCH_MS)
      problems.push(
        `Invalid ${edge.toUpperCase()} date ${show(p[edge])}: as epoch seconds that is after the year 5000; epoch milliseconds? give seconds`,
      );
    else q[edge] = ms;
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to)
    problems.push(`FROM date is after TO date`);
  if (p.interval !== undefined) {
    const ms = duration(p.interval);
    if (ms !== undefined && ms >= 1000) q.intervalMs = ms;
    else
      problems.push(
        `Invalid interval ${show(p.interval)}: a duration of at least 1s such as 1m, 1h, 1d`,
      );
  }
  if (p.group !== undefined) {
    if (p.group === 'id') q.groupById = true;
    else problems.push(`Invalid group ${show(p.group)}: only 'id' (one series per device)`);
  }
  if (p.unit !== undefined) {
    const ms = duration(p.unit);
    if (q.operation !== 'INTEGRAL') problems.push(`Parameter unit applies only to INTEGRAL`);
    else if (ms === undefined || ms <= 0)
      problems.push(`Invalid unit ${show(p.unit)}: a duration such as 1s, 1h`);
    else q.integralUnitMs = ms;
  }
  if (q.measurement === 'energy' && q.operation !== undefined && q.operation !== 'SUM')
    problems.push(
      `The energy measurement is consumption in Wh; its only operation is SUM, got ${q.operation}`,
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query: q };
}

import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import type { InfluxQuery } from '../iotoad/influx-query.js';
import { duration, parseQuery } from '../iotoad/query-params.js';
import type { ResultPoint } from '../../store/query/index.js';
import type { ApiRoutes } from './api-routes.js';
import { badRequest } from './errors.js';
import {
  DeviceReadingsQuery,
  ErrorBody,
  IdParams,
  ReadingsQuery,
  ReadingsResult,
} from './schemas.js';

type Result = z.output<typeof ReadingsResult>;

/** Each bad parameter the IoToad parser named, answered like a schema problem. */
class BadQuery extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

const answer = (reply: FastifyReply, f: () => Result): Result | FastifyReply => {
  try {
    return f();
  } catch (err) {
    if (err instanceof BadQuery) return badRequest(reply, err.problems);
    throw err;
  }
};

/** `-24h` is 24 hours before now, as epoch seconds; anything else goes to the IoToad parser as is. */
function absolute(t: string, now: number): string | number {
  const s = t.trim();
  const back = s.startsWith('-') ? duration(s.slice(1)) : undefined;
  return back === undefined ? t : (now - back) / 1000;
}

/** Points as one column pair per device (or one pooled series), in time order. */
function columns(points: readonly ResultPoint[]): Result['series'] {
  const byId = new Map<string | null, { t: number[]; v: number[] }>();
  for (const p of points) {
    const key = p.deviceId ?? null;
    let s = byId.get(key);
    if (!s) byId.set(key, (s = { t: [], v: [] }));
    s.t.push(p.ts);
    s.v.push(p.value);
  }
  return [...byId].map(([id, s]) => ({ id, ...s }));
}

/**
 * Readings and aggregates over HTTP with the IoToad query's semantics (the
 * same parser and engine as `query/influx_query`), answered as columns.
 */
const TIME_UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
  [1, 'ms'],
];

/**
 * The unit of the answer's values: the metric's, except that COUNT counts
 * (no unit) and INTEGRAL multiplies by time (W over hours is W·h).
 */
function resultUnit(unit: string, operation: string | undefined, integralUnitMs = 1000): string {
  if (operation === 'COUNT') return '';
  if (operation !== 'INTEGRAL') return unit;
  const [ms, name] = TIME_UNITS.find(([ms]) => integralUnitMs % ms === 0)!;
  return `${unit}·${integralUnitMs === ms ? '' : integralUnitMs / ms}${name}`;
}

export function readingRoutes(
  api: ApiRoutes,
  hub: Hub,
  query: InfluxQuery,
  now: () => number,
): void {
  const run = (params: Record<string, string | undefined>, id?: string): Result => {
    const { metric = 'power', ...rest } = params;
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) data[k] = v;
    if (id !== undefined) data.id = id;
    const at = now();
    for (const edge of ['from', 'to'] as const)
      if (data[edge] !== undefined) data[edge] = absolute(String(data[edge]), at);
    const parsed = parseQuery(metric, data);
    if (!parsed.ok) throw new BadQuery(parsed.problems);
    const q = parsed.query;
    let points: ResultPoint[];
    try {
      points = query.points(q);
    } catch (err) {
      throw new HubError('bad_request', (err as Error).message);
    }
    return {
      metric: q.measurement,
      unit: resultUnit(q.unit, q.operation, q.integralUnitMs),
      operation: q.operation ?? null,
      interval: params.interval ?? null,
      from: q.from ?? null,
      to: q.to ?? null,
      series: columns(points),
    };
  };
  const responses = {
    200: { description: 'The series', schema: ReadingsResult },
    400: { description: 'A bad parameter, each named', schema: ErrorBody },
  };

  api.add({
    method: 'GET',
    url: '/api/readings',
    tag: 'Readings',
    summary: 'Readings and aggregates of any devices',
    description:
      'The IoToad query semantics over HTTP: time range, operation, interval buckets, and `group=id` for one series per device. Devices by id, grid type, row or column (none: all).',
    query: ReadingsQuery,
    responses,
    handler: ({ query: q, reply }) => answer(reply, () => run(q)),
  });

  api.add({
    method: 'GET',
    url: '/api/devices/:id/readings',
    tag: 'Readings',
    summary: "One device's readings and aggregates",
    params: IdParams,
    query: DeviceReadingsQuery,
    responses: { ...responses, 404: { description: 'No such device', schema: ErrorBody } },
    handler: ({ params, query: q, reply }) => {
      if (!hub.device(params.id))
        throw new HubError('not_found', `No device with id "${params.id}"`);
      return answer(reply, () => run(q, params.id));
    },
  });
}

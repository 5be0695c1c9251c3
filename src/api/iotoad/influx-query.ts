import { idCandidates } from '../../core/device-id.js';
import type { Hub } from '../../hub/hub.js';
import type { Store } from '../../store/store.js';
import { energyWh, runQuery, type ResultPoint } from '../../store/query/index.js';
import { parseQuery, type QueryRequest } from './query-params.js';
import type { IotoadReply } from './sp-command.js';

/** SenML records as IoToad's influx_query emits them: `bn` first, `t` in nanoseconds. */
type SenmlRecord = { bn: string } | { n?: string; t: number; u?: string; v: number };

/** Raw results beyond this many points are refused: an interval or operation answers such questions. */
const MAX_RAW_POINTS = 200_000;

const ns = (ms: number): number => ms * 1e6;

/**
 * `query/influx_query/<db>/<measurement>`: one implementation for MQTT and
 * the REST façade. Answers a bare SenML array, or `{"error": "Error parsing
 * query: …"}` naming each bad parameter.
 */
export class InfluxQuery {
  constructor(
    private readonly hub: Hub,
    private readonly store: Store,
  ) {}

  run(measurement: string, data: unknown): SenmlRecord[] | IotoadReply {
    const parsed = parseQuery(measurement, data);
    if (!parsed.ok) return { error: `Error parsing query: ${parsed.problems.join('. ')}.` };
    const q = parsed.query;
    try {
      return this.answer(q);
    } catch (err) {
      return { error: `Error running query: ${(err as Error).message}` };
    }
  }

  /** The devices a query means: by id (with or without `sp_`), grid type, row and column. */
  private devices(q: QueryRequest): string[] {
    const wanted = q.id === undefined ? undefined : new Set(idCandidates(q.id));
    const listed = this.hub
      .devices()
      .filter((d) => !wanted || wanted.has(d.id))
      .filter((d) => q.type === undefined || d.grid?.type === q.type)
      .filter((d) => q.row === undefined || d.grid?.row === q.row)
      .filter((d) => q.column === undefined || d.grid?.column === q.column)
      .map((d) => d.id);
    if (!wanted || listed.length > 0) return listed;
    // A device removed with its history kept is no longer listed, but asked
    // for by id its readings still answer.
    return [...wanted].filter((id) => this.store.metrics(id).length > 0);
  }

  private answer(q: QueryRequest): SenmlRecord[] {
    const points = this.points(q);
    const head: SenmlRecord = { bn: q.measurement };
    // Raw points and energy carry their unit; other aggregates only t and v.
    const unit = q.measurement === 'energy' ? 'Wh' : q.operation ? undefined : q.unit;
    return [head, ...points.map((p) => record(p, unit))];
  }

  /**
   * The points a checked query asks for, in the measurement's unit: what
   * the SenML answer carries and the REST readings route sends as columns.
   * Throws (QueryError, or a too-large raw answer) with a message to show.
   */
  points(q: QueryRequest): ResultPoint[] {
    this.store.flush();
    const ids = this.devices(q);
    const { metric } = q;
    if (q.measurement === 'energy')
      return energyWh(this.store, {
        devices: ids,
        from: q.from,
        to: q.to,
        intervalMs: q.intervalMs,
        groupById: q.groupById,
      });
    const series = ids.flatMap((deviceId) => {
      const stored = this.store.metrics(deviceId);
      if (stored.includes(metric)) return [{ deviceId, metric }];
      // A P1 meter's power is what it draws from the grid.
      if (metric === 'power' && stored.includes('power_import'))
        return [{ deviceId, metric: 'power_import' }];
      return [];
    });
    if (!q.operation) {
      // Counted first (from rollups) so a huge raw answer is refused before it is read.
      const count = runQuery(this.store, { series, from: q.from, to: q.to, operation: 'COUNT' });
      const total = count.reduce((a, p) => a + p.value, 0);
      if (total > MAX_RAW_POINTS)
        throw new Error(
          `${total} points match; at most ${MAX_RAW_POINTS} are sent raw. Narrow from/to, or ask for an operation or an interval`,
        );
    }
    return runQuery(this.store, {
      series,
      from: q.from,
      to: q.to,
      operation: q.operation,
      n: q.n,
      intervalMs: q.intervalMs,
      groupById: q.groupById,
      integralUnitMs: q.integralUnitMs,
    });
  }
}

/** Raw points carry `n` and `u`; aggregates carry only t and v (and n when grouped by device). */
function record(p: ResultPoint, unit?: string): SenmlRecord {
  return {
    ...(p.deviceId !== undefined && { n: `/${p.deviceId}` }),
    t: ns(p.ts),
    ...(unit !== undefined && { u: unit }),
    v: p.value,
  };
}

import type Database from 'better-sqlite3';
import { foldPoints, mergeAllInTime, mergeInTime, type Partial } from './query/partial.js';
import { HOUR_MS, MINUTE_MS } from './query/plan.js';
import { ROLLUP_TABLES } from './sqlite-schema.js';
import type { RollupLevel, RollupRow } from './store.js';

const COLUMNS =
  'bucket, count, sum, sum_sq AS sumSq, min, min_ts AS minTs, max, max_ts AS maxTs, ' +
  'first_ts AS firstTs, first, last_ts AS lastTs, last, integral, rise';

interface LevelStatements {
  one: Database.Statement;
  latest: Database.Statement;
  range: Database.Statement;
  insert: Database.Statement;
  update: Database.Statement;
}

/** New points of one series in one minute, in arrival order. */
interface MinuteGroup {
  ts: number[];
  values: number[];
  /** A reading of this minute changed value in place: recompute it. */
  stale: boolean;
}

/** Sorts parallel arrays by time; arrivals are usually in order already. */
function sortedByTime(g: MinuteGroup): MinuteGroup {
  let sorted = true;
  for (let i = 1; i < g.ts.length && sorted; i++) sorted = g.ts[i - 1]! < g.ts[i]!;
  if (sorted) return g;
  const order = g.ts.map((_, i) => i).sort((a, b) => g.ts[a]! - g.ts[b]!);
  return {
    ts: order.map((i) => g.ts[i]!),
    values: order.map((i) => g.values[i]!),
    stale: g.stale,
  };
}

/**
 * Keeps rollup_minute and rollup_hour equal to a fold of the readings. The
 * store calls apply() inside its flush transaction with the rows that were
 * actually inserted, so a duplicate never counts twice. Points that arrive
 * after a bucket's last point merge into it; anything earlier recomputes the
 * bucket from the rows below it (readings for a minute, minutes for an hour),
 * so out-of-order arrivals stay exact.
 *
 * The newest bucket of each series is cached: live data lands in it, so the
 * common case reads nothing back. After a failed transaction the cache may
 * hold rolled-back rows, so the store calls forget().
 */
export class SqliteRollups {
  private readonly minute: LevelStatements;
  private readonly hour: LevelStatements;
  private readonly rawMinute: Database.Statement;
  private readonly newest = {
    minute: new Map<number, RollupRow>(),
    hour: new Map<number, RollupRow>(),
  };
  private readonly noneYet = { minute: new Set<number>(), hour: new Set<number>() };

  constructor(private readonly db: Database.Database) {
    this.minute = this.statements(ROLLUP_TABLES.minute);
    this.hour = this.statements(ROLLUP_TABLES.hour);
    this.rawMinute = db
      .prepare('SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts')
      .raw();
  }

  private statements(table: string): LevelStatements {
    return {
      one: this.db.prepare(`SELECT ${COLUMNS} FROM ${table} WHERE series = ? AND bucket = ?`),
      latest: this.db.prepare(
        `SELECT ${COLUMNS} FROM ${table} WHERE series = ? ORDER BY bucket DESC LIMIT 1`,
      ),
      range: this.db.prepare(
        `SELECT ${COLUMNS} FROM ${table} WHERE series = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      ),
      insert: this.db.prepare(
        `INSERT INTO ${table} (count, sum, sum_sq, min, min_ts, max, max_ts, first_ts, first,
           last_ts, last, integral, rise, series, bucket)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // An update in place is cheaper than INSERT OR REPLACE (delete + insert).
      update: this.db.prepare(
        `UPDATE ${table} SET count = ?, sum = ?, sum_sq = ?, min = ?, min_ts = ?, max = ?,
           max_ts = ?, first_ts = ?, first = ?, last_ts = ?, last = ?, integral = ?,
           rise = ?
         WHERE series = ? AND bucket = ?`,
      ),
    };
  }

  read(series: number, level: RollupLevel, from: number, to: number): RollupRow[] {
    return this[level].range.all(series, from, to) as RollupRow[];
  }

  forget(): void {
    for (const level of ['minute', 'hour'] as const) {
      this.newest[level].clear();
      this.noneYet[level].clear();
    }
  }

  /** The stored rollup of (series, bucket), or undefined when that bucket has no points yet. */
  private existing(level: RollupLevel, series: number, bucket: number): Partial | undefined {
    let newest = this.newest[level].get(series);
    if (!newest && !this.noneYet[level].has(series)) {
      newest = this[level].latest.get(series) as RollupRow | undefined;
      if (newest) this.newest[level].set(series, newest);
      else this.noneYet[level].add(series);
    }
    if (!newest || bucket > newest.bucket) return undefined;
    if (bucket === newest.bucket) return newest;
    return this[level].one.get(series, bucket) as RollupRow | undefined;
  }

  private write(
    level: RollupLevel,
    series: number,
    bucket: number,
    p: Partial,
    exists: boolean,
  ): void {
    this[level][exists ? 'update' : 'insert'].run(
      p.count,
      p.sum,
      p.sumSq,
      p.min,
      p.minTs,
      p.max,
      p.maxTs,
      p.firstTs,
      p.first,
      p.lastTs,
      p.last,
      p.integral,
      p.rise,
      series,
      bucket,
    );
    const newest = this.newest[level].get(series);
    if (!newest || bucket >= newest.bucket) {
      this.newest[level].set(series, { ...p, bucket });
      this.noneYet[level].delete(series);
    }
  }

  private recomputeMinute(series: number, bucket: number): Partial {
    const rows = this.rawMinute.all(series, bucket, bucket + MINUTE_MS) as [number, number][];
    return foldPoints(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
    )!;
  }

  private recomputeHour(series: number, bucket: number): Partial {
    return mergeAllInTime(this.read(series, 'minute', bucket, bucket + HOUR_MS))!;
  }

  /**
   * Fold the rows a flush inserted (parallel arrays, any order). `replaced` holds rows whose value a later
   * copy changed in place: their buckets are recomputed from the readings.
   */
  apply(
    series: ArrayLike<number>,
    ts: ArrayLike<number>,
    values: ArrayLike<number>,
    replaced: readonly { series: number; ts: number }[] = [],
  ): void {
    const bySeries = new Map<number, Map<number, MinuteGroup>>();
    const group = (s: number, t: number): MinuteGroup => {
      const bucket = Math.floor(t / MINUTE_MS) * MINUTE_MS;
      let minutes = bySeries.get(s);
      if (!minutes) bySeries.set(s, (minutes = new Map()));
      let g = minutes.get(bucket);
      if (!g) minutes.set(bucket, (g = { ts: [], values: [], stale: false }));
      return g;
    };
    for (let i = 0; i < series.length; i++) {
      const g = group(series[i]!, ts[i]!);
      g.ts.push(ts[i]!);
      g.values.push(values[i]!);
    }
    for (const r of replaced) group(r.series, r.ts).stale = true;
    for (const [s, minutes] of bySeries) this.applySeries(s, minutes);
  }

  private applySeries(series: number, minutes: Map<number, MinuteGroup>): void {
    // New points per hour, folded in time order across the hour's minutes;
    // undefined marks an hour that must be recomputed from its minutes.
    const hours = new Map<number, Partial | undefined>();
    for (const bucket of [...minutes.keys()].sort((a, b) => a - b)) {
      const g = sortedByTime(minutes.get(bucket)!);
      const fresh = foldPoints(g.ts, g.values);
      const old = this.existing('minute', series, bucket);
      const merged =
        !g.stale && fresh && !old
          ? fresh
          : !g.stale && fresh && old && fresh.firstTs > old.lastTs
            ? mergeInTime(old, fresh)
            : this.recomputeMinute(series, bucket);
      this.write('minute', series, bucket, merged, old !== undefined);
      const hour = Math.floor(bucket / HOUR_MS) * HOUR_MS;
      const sofar = hours.get(hour);
      hours.set(
        hour,
        g.stale || !fresh || (hours.has(hour) && sofar === undefined)
          ? undefined
          : sofar
            ? mergeInTime(sofar, fresh)
            : fresh,
      );
    }
    for (const [hour, fresh] of hours) {
      const old = this.existing('hour', series, hour);
      const merged =
        fresh && !old
          ? fresh
          : fresh && old && fresh.firstTs > old.lastTs
            ? mergeInTime(old, fresh)
            : this.recomputeHour(series, hour);
      this.write('hour', series, hour, merged, old !== undefined);
    }
  }
}

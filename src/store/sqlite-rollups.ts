import type Database from 'better-sqlite3';
import {
  foldPoints,
  mergeAllInTime,
  mergeInTime,
  PartialFolder,
  type Partial,
} from './query/partial.js';
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
  upsert: Database.Statement;
}

interface Newest {
  bucket: number;
  p: Partial;
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
 * The newest bucket of each series is kept in memory and written when the
 * series moves on to a later bucket, or when the store settles before a read
 * or on close. Live data lands in that bucket at every flush: writing it
 * each time cost two row writes per series per flush, about as much as the
 * readings themselves. A bucket not yet written is lost with the process
 * only as a rollup, never as readings: repair() recomputes it from them
 * (the store runs it on opening a file not closed cleanly, and after a
 * failed transaction, when forget() has dropped the cache).
 */
export class SqliteRollups {
  private readonly minute: LevelStatements;
  private readonly hour: LevelStatements;
  private readonly rawMinute: Database.Statement;
  private readonly rawSince: Database.Statement;
  /** Per series, its newest bucket: its start and rollup (kept apart: no copy per write). */
  private readonly newest = {
    minute: new Map<number, Newest>(),
    hour: new Map<number, Newest>(),
  };
  /** Series whose newest bucket in `newest` differs from its stored row. */
  private readonly unwritten = { minute: new Set<number>(), hour: new Set<number>() };
  private readonly noneYet = { minute: new Set<number>(), hour: new Set<number>() };

  constructor(private readonly db: Database.Database) {
    this.minute = this.statements(ROLLUP_TABLES.minute);
    this.hour = this.statements(ROLLUP_TABLES.hour);
    this.rawMinute = db
      .prepare('SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts')
      .raw();
    this.rawSince = db
      .prepare('SELECT ts, value FROM readings WHERE series = ? AND ts >= ? ORDER BY ts')
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
      // An update in place where the row exists: cheaper than INSERT OR REPLACE (delete + insert).
      upsert: this.db.prepare(
        `INSERT INTO ${table} (count, sum, sum_sq, min, min_ts, max, max_ts, first_ts, first,
           last_ts, last, integral, rise, series, bucket)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series, bucket) DO UPDATE SET count = excluded.count, sum = excluded.sum,
           sum_sq = excluded.sum_sq, min = excluded.min, min_ts = excluded.min_ts,
           max = excluded.max, max_ts = excluded.max_ts, first_ts = excluded.first_ts,
           first = excluded.first, last_ts = excluded.last_ts, last = excluded.last,
           integral = excluded.integral, rise = excluded.rise`,
      ),
    };
  }

  /** Stored rows only: the store settles first. */
  read(series: number, level: RollupLevel, from: number, to: number): RollupRow[] {
    return this[level].range.all(series, from, to) as RollupRow[];
  }

  /** Whether some newest bucket waits to be written (settle() would write anything). */
  get unsettled(): boolean {
    return this.unwritten.minute.size > 0 || this.unwritten.hour.size > 0;
  }

  /**
   * Write every newest bucket not yet written, inside a transaction; call
   * settled() once it has committed. They stay marked unwritten until then,
   * so a transaction that fails loses none of them.
   */
  settle(): void {
    for (const level of ['minute', 'hour'] as const)
      for (const series of this.unwritten[level]) this.storeNewest(level, series);
  }

  /** The transaction that ran settle() committed. */
  settled(): void {
    this.unwritten.minute.clear();
    this.unwritten.hour.clear();
  }

  /**
   * Write one series' newest bucket now. Only inside a flush transaction,
   * whose failure makes the store forget() and repair anyway.
   */
  private settleOne(level: RollupLevel, series: number): void {
    if (this.unwritten[level].delete(series)) this.storeNewest(level, series);
  }

  private storeNewest(level: RollupLevel, series: number): void {
    const { bucket, p } = this.newest[level].get(series)!;
    this.store(level, series, bucket, p);
  }

  /** Drop everything held in memory, written or not (the store then repairs). */
  forget(): void {
    for (const level of ['minute', 'hour'] as const) {
      this.newest[level].clear();
      this.unwritten[level].clear();
      this.noneYet[level].clear();
    }
  }

  /** Drop what is held for these series, unwritten buckets included: their rows were deleted. */
  forgetSeries(series: readonly number[]): void {
    for (const level of ['minute', 'hour'] as const)
      for (const s of series) {
        this.newest[level].delete(s);
        this.unwritten[level].delete(s);
        this.noneYet[level].delete(s);
      }
  }

  /**
   * Recompute a series' rollups from its readings, from its newest stored
   * minute on: every older bucket was written whole when the series moved
   * past it, so only that one and any later ones can be behind. Call inside
   * a transaction.
   */
  repair(series: number): void {
    this.forgetSeries([series]);
    const since = (this.minute.latest.get(series) as RollupRow | undefined)?.bucket ?? -Infinity;
    const rows = this.rawSince.all(series, since) as [number, number][];
    if (rows.length === 0) return;
    const folder = new PartialFolder();
    let at = Math.floor(rows[0]![0] / MINUTE_MS) * MINUTE_MS;
    for (const [ts, value] of rows) {
      const bucket = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
      if (bucket !== at) {
        this.store('minute', series, at, folder.take()!);
        at = bucket;
      }
      folder.add(ts, value);
    }
    this.store('minute', series, at, folder.take()!);
    const lastHour = Math.floor(at / HOUR_MS) * HOUR_MS;
    for (
      let hour = Math.floor(rows[0]![0] / HOUR_MS) * HOUR_MS;
      hour <= lastHour;
      hour += HOUR_MS
    ) {
      const merged = this.recomputeHour(series, hour);
      if (merged) this.store('hour', series, hour, merged);
    }
  }

  /** The stored rollup of (series, bucket), or undefined when that bucket has no points yet. */
  private existing(level: RollupLevel, series: number, bucket: number): Partial | undefined {
    let newest = this.newest[level].get(series);
    if (!newest && !this.noneYet[level].has(series)) {
      const row = this[level].latest.get(series) as RollupRow | undefined;
      if (row) this.newest[level].set(series, (newest = { bucket: row.bucket, p: row }));
      else this.noneYet[level].add(series);
    }
    if (!newest || bucket > newest.bucket) return undefined;
    if (bucket === newest.bucket) return newest.p;
    return this[level].one.get(series, bucket) as RollupRow | undefined;
  }

  /**
   * The bucket's new rollup. The series' newest bucket stays in memory
   * (see the class comment); an older one is written at once.
   */
  private write(level: RollupLevel, series: number, bucket: number, p: Partial): void {
    const newest = this.newest[level].get(series);
    if (newest && bucket < newest.bucket) {
      this.store(level, series, bucket, p);
      return;
    }
    if (newest && bucket > newest.bucket) this.settleOne(level, series);
    this.newest[level].set(series, { bucket, p });
    this.unwritten[level].add(series);
    this.noneYet[level].delete(series);
  }

  private store(level: RollupLevel, series: number, bucket: number, p: Partial): void {
    this[level].upsert.run(
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
  }

  private recomputeMinute(series: number, bucket: number): Partial {
    const rows = this.rawMinute.all(series, bucket, bucket + MINUTE_MS) as [number, number][];
    return foldPoints(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
    )!;
  }

  /** The hour from its stored minutes; the series' newest minute is written first. */
  private recomputeHour(series: number, bucket: number): Partial | undefined {
    this.settleOne('minute', series);
    return mergeAllInTime(this.read(series, 'minute', bucket, bucket + HOUR_MS));
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
      this.write('minute', series, bucket, merged);
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
            : this.recomputeHour(series, hour)!;
      this.write('hour', series, hour, merged);
    }
  }
}

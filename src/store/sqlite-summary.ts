import type Database from 'better-sqlite3';
import type { Partial } from './query/partial.js';
import { ROLLUP_TABLES } from './sqlite-schema.js';
import type { SummaryFields, SummaryLevel } from './store.js';

const IN_SPAN = 'series IN (SELECT value FROM json_each(@series))';

/**
 * Each level as rows of the rollup shape: a raw reading is a rollup of one
 * point, so the same statements fold any level.
 */
const SOURCES: Record<SummaryLevel, string> = {
  raw: `(SELECT series, ts AS bucket, 1 AS count, value AS sum, value * value AS sum_sq,
          value AS min, ts AS min_ts, value AS max, ts AS max_ts, ts AS first_ts, value AS first,
          ts AS last_ts, value AS last, 0.0 AS integral, 0.0 AS rise
        FROM readings WHERE ${IN_SPAN} AND ts >= @from AND ts < @to)`,
  minute: `(SELECT * FROM ${ROLLUP_TABLES.minute} WHERE ${IN_SPAN} AND bucket >= @from AND bucket < @to)`,
  hour: `(SELECT * FROM ${ROLLUP_TABLES.hour} WHERE ${IN_SPAN} AND bucket >= @from AND bucket < @to)`,
};

/**
 * The statements that fold a span per series inside SQLite, where handing
 * the rows to JavaScript would cost several times more. Moments are one
 * GROUP BY. The times of the min and max and the first and last rows use
 * SQLite's bare columns beside a single min()/max(), which come from the
 * row that holds it — the first such row in scan order, i.e. the earliest
 * bucket, which is the tie rule we want. The integral adds the trapezoids
 * joining consecutive rows (lag), and the rise the counter steps between
 * them (partial.ts counterStep): the one costly part, asked for only by
 * operations that need it.
 */
function statementsFor(db: Database.Database, src: string) {
  const bare = (agg: string, cols: string) =>
    db.prepare(`SELECT series, ${agg}, ${cols} FROM ${src} GROUP BY series`);
  return {
    moments: db.prepare(
      `SELECT series, sum(count) AS count, sum(sum) AS sum, sum(sum_sq) AS sumSq,
         min(min) AS min, max(max) AS max FROM ${src} GROUP BY series`,
    ),
    minTs: bare('min(min)', 'min_ts AS minTs'),
    maxTs: bare('max(max)', 'max_ts AS maxTs'),
    first: bare('min(bucket)', 'first_ts AS firstTs, first'),
    last: bare('max(bucket)', 'last_ts AS lastTs, last'),
    joins: db.prepare(
      `SELECT series,
         sum(integral) + total((first_ts - prev_ts) * (first + prev) / 2.0) AS integral,
         sum(rise) + total(CASE WHEN first >= prev THEN first - prev
                                WHEN first < prev / 2.0 THEN first ELSE 0.0 END) AS rise
       FROM (
         SELECT series, integral, rise, first, first_ts,
           lag(last) OVER w AS prev, lag(last_ts) OVER w AS prev_ts
         FROM ${src} WINDOW w AS (PARTITION BY series ORDER BY bucket))
       GROUP BY series`,
    ),
  };
}

type Row = { series: number } & Record<string, number>;

export class SqliteSummaries {
  private readonly statements: Record<SummaryLevel, ReturnType<typeof statementsFor>>;

  constructor(db: Database.Database) {
    this.statements = {
      raw: statementsFor(db, SOURCES.raw),
      minute: statementsFor(db, SOURCES.minute),
      hour: statementsFor(db, SOURCES.hour),
    };
  }

  /** One partial per series id (undefined where the span holds no points). */
  summaries(
    series: readonly (number | undefined)[],
    level: SummaryLevel,
    from: number,
    to: number,
    fields: SummaryFields,
  ): (Partial | undefined)[] {
    const known = series.filter((s) => s !== undefined);
    if (known.length === 0) return series.map(() => undefined);
    const args = { series: JSON.stringify(known), from, to };
    const st = this.statements[level];
    const byId = new Map<number, Partial>();
    for (const r of st.moments.all(args) as Row[])
      byId.set(r.series, {
        ...{ count: r.count!, sum: r.sum!, sumSq: r.sumSq!, min: r.min!, max: r.max! },
        ...{ minTs: NaN, maxTs: NaN, firstTs: NaN, first: NaN, lastTs: NaN, last: NaN },
        ...{ integral: NaN, rise: NaN },
      });
    if (fields === 'all') {
      for (const s of [st.minTs, st.maxTs, st.first, st.last, st.joins])
        for (const { series: id, ...cols } of s.all(args) as Row[])
          Object.assign(byId.get(id)!, cols);
    }
    return series.map((s) => (s === undefined ? undefined : byId.get(s)));
  }
}

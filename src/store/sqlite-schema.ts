/**
 * Rollups per series per minute and per hour, written in the same transaction
 * as the readings they summarise, so SUM or MEAN over 30 days reads 720 hour
 * rows instead of 2.6 M points. `bucket` is the bucket's start (epoch ms,
 * aligned to the epoch); `integral` is the trapezoidal area between the
 * bucket's own points (value·ms), `rise` what a counter counted between them.
 */
function rollupTable(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  series INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  sum_sq REAL NOT NULL,
  min REAL NOT NULL,
  min_ts INTEGER NOT NULL,
  max REAL NOT NULL,
  max_ts INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  first REAL NOT NULL,
  last_ts INTEGER NOT NULL,
  last REAL NOT NULL,
  integral REAL NOT NULL,
  rise REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (series, bucket)
) WITHOUT ROWID;`;
}

/**
 * Readings live in a WITHOUT ROWID table keyed (series, ts): rows of one
 * device and metric sit together on disk in time order, so a range query is
 * one sequential scan (5x faster than a rowid table with an index,
 * research/perf-anchors.md §3). A series is one (device, metric) pair.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  protocol TEXT NOT NULL,
  native_id TEXT NOT NULL,
  info TEXT NOT NULL DEFAULT '{}',
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  UNIQUE (protocol, native_id)
);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  device_id TEXT NOT NULL,
  metric TEXT NOT NULL,
  UNIQUE (device_id, metric)
);
CREATE TABLE IF NOT EXISTS readings (
  series INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (series, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
${rollupTable('rollup_minute')}
${rollupTable('rollup_hour')}
`;

/**
 * 2: rollup tables and settings. 3: the rollups' `rise`, so energy over a
 * month reads hour rows, not a month of counter readings. An older file gets
 * the new tables and column on open, and its rollups are computed again from
 * the readings it already holds.
 */
export const SCHEMA_VERSION = '3';

/** The rollup tables; each row is one Partial (src/store/query/partial.ts). */
export const ROLLUP_TABLES = { minute: 'rollup_minute', hour: 'rollup_hour' } as const;

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
`;

export const SCHEMA_VERSION = '1';

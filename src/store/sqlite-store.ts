import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Partial } from './query/partial.js';
import { SqliteRollups } from './sqlite-rollups.js';
import { SqliteSummaries } from './sqlite-summary.js';
import { ROLLUP_TABLES, SCHEMA_VERSION, SQLITE_SCHEMA } from './sqlite-schema.js';
import {
  RenameError,
  type Point,
  type RollupLevel,
  type RollupRow,
  type Store,
  type StoreStats,
  type SeriesKey,
  type StoredDevice,
  type SummaryFields,
  type SummaryLevel,
} from './store.js';

export interface SqliteStoreOptions {
  dataDir: string;
  /** Write at least this often (ms); 0 disables the timer (tests, benchmarks). */
  flushIntervalMs: number;
  /** Commit as soon as this many rows wait. */
  batchSize: number;
  fileName?: string;
  /** A write that failed outside the caller's view; `what` says what it cost. */
  onError?: (err: Error, what: string) => void;
}

const LOST_BATCH = 'writing readings failed; that batch is lost';

/** Rows per page when an older file's rollups are computed on open. */
const BACKFILL_PAGE = 50_000;

/**
 * SQLite store (better-sqlite3, WAL). append() only queues into three
 * parallel arrays, so the message path allocates nothing per reading beyond
 * the numbers themselves; flush() writes the queue in one transaction,
 * together with the minute and hour rollups of the rows it inserted.
 */
export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly seriesIds = new Map<string, Map<string, number>>();
  private qSeries: number[] = [];
  private qTs: number[] = [];
  private qValue: number[] = [];
  private rowsWritten = 0;
  private batches = 0;
  private writeErrors = 0;
  private timer?: NodeJS.Timeout;
  /** A failed transaction left the rollup cache unusable: recompute the newest buckets. */
  private needsRepair = false;
  private readonly insertRow: Database.Statement;
  private readonly replaceValue: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly upsertDeviceRow: Database.Statement;
  private readonly selectRange: Database.Statement;
  private readonly selectExtent: Database.Statement;
  private readonly selectSetting: Database.Statement;
  private readonly upsertSetting: Database.Statement;
  private readonly rollupWriter: SqliteRollups;
  private readonly summaryReader: SqliteSummaries;
  private readonly writeBatch: () => void;

  constructor(private readonly opts: SqliteStoreOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.path = resolve(join(opts.dataDir, opts.fileName ?? 'wattbridge.sqlite'));
    // A locked database (a backup tool, a second hub on the same folder) makes
    // writes fail after 1 s instead of stalling the message path for 5 s.
    this.db = new Database(this.path, { timeout: 1000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SQLITE_SCHEMA);
    const outdated = this.prepareMigration();
    this.rollupWriter = new SqliteRollups(this.db);
    this.summaryReader = new SqliteSummaries(this.db);
    if (outdated) this.recomputeRollups();
    else this.repairOnOpen();
    for (const row of this.db.prepare('SELECT id, device_id, metric FROM series').all() as {
      id: number;
      device_id: string;
      metric: string;
    }[]) {
      this.rememberSeries(row.device_id, row.metric, row.id);
    }
    // A repeat of a reading (a duplicated message, a replayed file) changes
    // nothing and is not folded into the rollups twice; a later reading with
    // the same time and another value wins, and its bucket is recomputed.
    this.insertRow = this.db.prepare(
      'INSERT OR IGNORE INTO readings (series, ts, value) VALUES (?, ?, ?)',
    );
    this.replaceValue = this.db.prepare(
      'UPDATE readings SET value = ? WHERE series = ? AND ts = ? AND value IS NOT ?',
    );
    this.insertSeries = this.db.prepare(
      'INSERT INTO series (device_id, metric) VALUES (?, ?) RETURNING id',
    );
    this.upsertDeviceRow = this.db.prepare(
      `INSERT INTO devices (id, protocol, native_id, info, first_seen, last_seen)
       VALUES (@id, @protocol, @nativeId, @info, @firstSeen, @lastSeen)
       ON CONFLICT (id) DO UPDATE SET info = excluded.info, last_seen = excluded.last_seen`,
    );
    this.selectRange = this.db.prepare(
      'SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts',
    );
    this.selectExtent = this.db.prepare(
      `SELECT (SELECT ts FROM readings WHERE series = @s ORDER BY ts LIMIT 1) AS first,
              (SELECT ts FROM readings WHERE series = @s ORDER BY ts DESC LIMIT 1) AS last`,
    );
    this.selectSetting = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.upsertSetting = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.writeBatch = this.db.transaction(() => {
      if (this.needsRepair) this.repairRollups();
      const s = this.qSeries;
      const t = this.qTs;
      const v = this.qValue;
      const newS: number[] = [];
      const newT: number[] = [];
      const newV: number[] = [];
      const replaced: { series: number; ts: number }[] = [];
      for (let i = 0; i < s.length; i++) {
        if (this.insertRow.run(s[i], t[i], v[i]).changes === 0) {
          if (this.replaceValue.run(v[i], s[i], t[i], v[i]).changes > 0)
            replaced.push({ series: s[i]!, ts: t[i]! });
          continue;
        }
        newS.push(s[i]!);
        newT.push(t[i]!);
        newV.push(v[i]!);
      }
      this.rollupWriter.apply(newS, newT, newV, replaced);
    });
    if (opts.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.safeFlush(), opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Whether the file predates this schema. A version-2 file's rollup tables
   * get the `rise` column here, before any statement that names it is
   * prepared; recomputeRollups() then fills it.
   */
  private prepareMigration(): boolean {
    const version = this.db
      .prepare("SELECT value FROM meta WHERE key = 'schema_version'")
      .pluck()
      .get() as string | undefined;
    if (version !== undefined && Number(version) >= Number(SCHEMA_VERSION)) return false;
    for (const table of Object.values(ROLLUP_TABLES)) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((c) => c.name === 'rise'))
        this.db.exec(`ALTER TABLE ${table} ADD COLUMN rise REAL NOT NULL DEFAULT 0`);
    }
    return true;
  }

  /**
   * A file written before rollups existed (version 1), or before they kept
   * `rise` (version 2), gets them computed from its readings, in one
   * transaction, page by page in (series, time) order so each bucket only
   * ever grows at its end.
   */
  private recomputeRollups(): void {
    const page = this.db
      .prepare(
        'SELECT series, ts, value FROM readings WHERE (series, ts) > (?, ?) ORDER BY series, ts LIMIT ?',
      )
      .raw();
    this.db.transaction(() => {
      for (const table of Object.values(ROLLUP_TABLES)) this.db.exec(`DELETE FROM ${table}`);
      let after: [number, number] = [-Infinity, -Infinity];
      for (;;) {
        const rows = page.all(after[0], after[1], BACKFILL_PAGE) as [number, number, number][];
        if (rows.length === 0) break;
        this.rollupWriter.apply(
          rows.map((r) => r[0]),
          rows.map((r) => r[1]),
          rows.map((r) => r[2]),
        );
        const last = rows[rows.length - 1]!;
        after = [last[0], last[1]];
      }
      this.rollupWriter.settle();
      this.db
        .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
        .run('schema_version', SCHEMA_VERSION);
    })();
  }

  /**
   * A process that ended without close() (a crash, a kill, or a second hub
   * on the same file still running) may have left the rollups of its
   * series' newest buckets unwritten (SqliteRollups holds them): every
   * series gets them recomputed from its readings on open. That costs a
   * few statements per series, so it is done always rather than trusting a
   * flag one of several processes could have set. When the file is locked
   * now, the first write does it.
   */
  private repairOnOpen(): void {
    try {
      this.db.transaction(() => this.repairRollups())();
    } catch (err) {
      this.needsRepair = true;
      this.opts.onError?.(
        err as Error,
        'recomputing the newest rollups on open failed; the first write does it',
      );
    }
  }

  private repairRollups(): void {
    for (const id of this.db.prepare('SELECT id FROM series').pluck().all() as number[])
      this.rollupWriter.repair(id);
  }

  /**
   * Write the rollups held in memory, repairing first after a failure. A
   * failed attempt loses nothing: the transaction rolls back and they stay
   * held for the next one.
   */
  private settle(): void {
    this.db.transaction(() => {
      if (this.needsRepair) this.repairRollups();
      this.rollupWriter.settle();
    })();
    this.rollupWriter.settled();
    this.needsRepair = false;
  }

  /**
   * Rollup reads see every flushed reading: the newest buckets held in
   * memory are written first. If that fails (a locked file), the read goes
   * on with what is stored and the buckets stay held for the next try.
   */
  private settleForRead(): void {
    if (!this.rollupWriter.unsettled && !this.needsRepair) return;
    try {
      this.settle();
    } catch (err) {
      this.opts.onError?.(
        err as Error,
        'writing the newest rollups failed; this read may miss the last minute, the next one tries again',
      );
    }
  }

  private rememberSeries(device: string, metric: string, id: number): void {
    let m = this.seriesIds.get(device);
    if (!m) {
      m = new Map();
      this.seriesIds.set(device, m);
    }
    m.set(metric, id);
  }

  /** The id of a series that already exists, without creating it. */
  private knownId(device: string, metric: string): number | undefined {
    return this.seriesIds.get(device)?.get(metric);
  }

  private seriesId(device: string, metric: string): number {
    const id = this.knownId(device, metric);
    if (id !== undefined) return id;
    const row = this.insertSeries.get(device, metric) as { id: number };
    this.rememberSeries(device, metric, row.id);
    return row.id;
  }

  append(deviceId: string, metric: string, ts: number, value: number): void {
    this.qSeries.push(this.seriesId(deviceId, metric));
    this.qTs.push(Math.round(ts));
    this.qValue.push(value);
    if (this.qSeries.length >= this.opts.batchSize) this.safeFlush();
  }

  private safeFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.opts.onError?.(err as Error, LOST_BATCH);
    }
  }

  flush(): void {
    const n = this.qSeries.length;
    if (n === 0) return;
    try {
      this.writeBatch();
      this.needsRepair = false;
      this.rowsWritten += n;
      this.batches++;
    } catch (err) {
      this.writeErrors += n;
      // The cache may hold rolled-back buckets; drop it and recompute the
      // newest buckets from the readings in the next transaction.
      this.rollupWriter.forget();
      this.needsRepair = true;
      throw err;
    } finally {
      // A failed batch is dropped (and counted) rather than retried forever:
      // a poisoned row must not block every reading after it.
      this.qSeries = [];
      this.qTs = [];
      this.qValue = [];
    }
  }

  upsertDevice(d: StoredDevice): void {
    this.upsertDeviceRow.run({ ...d, info: JSON.stringify(d.info) });
  }

  devices(): StoredDevice[] {
    const rows = this.db
      .prepare(
        'SELECT id, protocol, native_id, info, first_seen, last_seen FROM devices ORDER BY id',
      )
      .all() as {
      id: string;
      protocol: StoredDevice['protocol'];
      native_id: string;
      info: string;
      first_seen: number;
      last_seen: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      protocol: r.protocol,
      nativeId: r.native_id,
      info: JSON.parse(r.info) as StoredDevice['info'],
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  range(deviceId: string, metric: string, from: number, to: number): Point[] {
    const id = this.knownId(deviceId, metric);
    if (id === undefined) return [];
    return this.selectRange.all(id, from, to) as Point[];
  }

  rollups(
    deviceId: string,
    metric: string,
    level: RollupLevel,
    from: number,
    to: number,
  ): RollupRow[] {
    const id = this.knownId(deviceId, metric);
    if (id === undefined) return [];
    this.settleForRead();
    return this.rollupWriter.read(id, level, from, to);
  }

  summaries(
    series: readonly SeriesKey[],
    level: SummaryLevel,
    from: number,
    to: number,
    fields: SummaryFields,
  ): (Partial | undefined)[] {
    const ids = series.map((s) => this.knownId(s.deviceId, s.metric));
    if (level !== 'raw') this.settleForRead();
    return this.summaryReader.summaries(ids, level, from, to, fields);
  }

  extent(deviceId: string, metric: string): { first: number; last: number } | undefined {
    const id = this.knownId(deviceId, metric);
    if (id === undefined) return undefined;
    const row = this.selectExtent.get({ s: id }) as { first: number | null; last: number | null };
    return row.first === null || row.last === null
      ? undefined
      : { first: row.first, last: row.last };
  }

  renameDevice(oldId: string, newId: string): void {
    const known = this.db.prepare(
      'SELECT EXISTS (SELECT 1 FROM devices WHERE id = @id) OR EXISTS (SELECT 1 FROM series WHERE device_id = @id)',
    );
    this.db.transaction(() => {
      if (!known.pluck().get({ id: oldId }))
        throw new RenameError('unknown-device', `cannot rename "${oldId}": no such device`);
      if (oldId === newId) return;
      if (known.pluck().get({ id: newId }))
        throw new RenameError(
          'id-taken',
          `cannot rename "${oldId}" to "${newId}": a device with that id already exists`,
        );
      this.db.prepare('UPDATE devices SET id = ? WHERE id = ?').run(newId, oldId);
      this.db.prepare('UPDATE series SET device_id = ? WHERE device_id = ?').run(newId, oldId);
    })();
    // Series ids do not change, so queued rows and cached rollups stay valid.
    const metrics = this.seriesIds.get(oldId);
    if (metrics && oldId !== newId) {
      this.seriesIds.delete(oldId);
      this.seriesIds.set(newId, metrics);
    }
  }

  removeDevice(id: string, deleteHistory: boolean): boolean {
    // Queued rows of this device are written first, so none lands after the delete.
    this.flush();
    let known = false;
    let deleted: number[] = [];
    this.db.transaction(() => {
      known = this.db.prepare('DELETE FROM devices WHERE id = ?').run(id).changes > 0;
      const series = this.db
        .prepare('SELECT id FROM series WHERE device_id = ?')
        .pluck()
        .all(id) as number[];
      known ||= series.length > 0;
      if (!deleteHistory) return;
      deleted = series;
      for (const sid of series)
        for (const table of ['readings', 'rollup_minute', 'rollup_hour'])
          this.db.prepare(`DELETE FROM ${table} WHERE series = ?`).run(sid);
      this.db.prepare('DELETE FROM series WHERE device_id = ?').run(id);
    })();
    if (deleteHistory) {
      this.seriesIds.delete(id);
      // SQLite may hand a deleted series id to the next new series: no cached bucket may outlive it.
      this.rollupWriter.forgetSeries(deleted);
    }
    return known;
  }

  getSetting(key: string): string | undefined {
    return this.selectSetting.get(key) as string | undefined;
  }

  setSetting(key: string, value: string): void {
    this.upsertSetting.run(key, value);
  }

  metrics(deviceId: string): string[] {
    return [...(this.seriesIds.get(deviceId)?.keys() ?? [])].sort();
  }

  stats(): StoreStats {
    let sizeBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        sizeBytes += statSync(this.path + suffix).size;
      } catch {
        // the WAL file may not exist yet
      }
    }
    return {
      rowsWritten: this.rowsWritten,
      batches: this.batches,
      pending: this.qSeries.length,
      writeErrors: this.writeErrors,
      sizeBytes,
      path: this.path,
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.safeFlush();
    try {
      this.settle();
    } catch (err) {
      this.opts.onError?.(
        err as Error,
        'writing the newest rollups on close failed; the next start recomputes them',
      );
    }
    this.db.close();
  }
}

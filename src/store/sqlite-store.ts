import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Point, Store, StoreStats, StoredDevice } from './store.js';
import { SCHEMA_VERSION, SQLITE_SCHEMA } from './sqlite-schema.js';

export interface SqliteStoreOptions {
  dataDir: string;
  /** Write at least this often (ms); 0 disables the timer (tests, benchmarks). */
  flushIntervalMs: number;
  /** Commit as soon as this many rows wait. */
  batchSize: number;
  fileName?: string;
  onError?: (err: Error) => void;
}

/**
 * SQLite store (better-sqlite3, WAL). append() only queues into three
 * parallel arrays, so the message path allocates nothing per reading beyond
 * the numbers themselves; flush() writes the queue in one transaction.
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
  private readonly insertRow: Database.Statement;
  private readonly insertSeries: Database.Statement;
  private readonly upsertDeviceRow: Database.Statement;
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
    this.db
      .prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)')
      .run('schema_version', SCHEMA_VERSION);
    for (const row of this.db.prepare('SELECT id, device_id, metric FROM series').all() as {
      id: number;
      device_id: string;
      metric: string;
    }[]) {
      this.rememberSeries(row.device_id, row.metric, row.id);
    }
    this.insertRow = this.db.prepare(
      'INSERT OR REPLACE INTO readings (series, ts, value) VALUES (?, ?, ?)',
    );
    this.insertSeries = this.db.prepare(
      'INSERT INTO series (device_id, metric) VALUES (?, ?) RETURNING id',
    );
    this.upsertDeviceRow = this.db.prepare(
      `INSERT INTO devices (id, protocol, native_id, info, first_seen, last_seen)
       VALUES (@id, @protocol, @nativeId, @info, @firstSeen, @lastSeen)
       ON CONFLICT (id) DO UPDATE SET info = excluded.info, last_seen = excluded.last_seen`,
    );
    this.writeBatch = this.db.transaction(() => {
      const s = this.qSeries;
      const t = this.qTs;
      const v = this.qValue;
      for (let i = 0; i < s.length; i++) this.insertRow.run(s[i], t[i], v[i]);
    });
    if (opts.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.safeFlush(), opts.flushIntervalMs);
      this.timer.unref();
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

  private seriesId(device: string, metric: string): number {
    const id = this.seriesIds.get(device)?.get(metric);
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
      this.opts.onError?.(err as Error);
    }
  }

  flush(): void {
    const n = this.qSeries.length;
    if (n === 0) return;
    try {
      this.writeBatch();
      this.rowsWritten += n;
      this.batches++;
    } catch (err) {
      this.writeErrors += n;
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

  renameDevice(oldId: string, newId: string): void {
    this.flush();
    this.db.transaction(() => {
      const taken = this.db.prepare('SELECT 1 FROM devices WHERE id = ?').get(newId);
      if (taken) throw new Error(`device id "${newId}" is taken`);
      this.db.prepare('UPDATE devices SET id = ? WHERE id = ?').run(newId, oldId);
      this.db.prepare('UPDATE series SET device_id = ? WHERE device_id = ?').run(newId, oldId);
    })();
    const series = this.seriesIds.get(oldId);
    this.seriesIds.delete(oldId);
    if (series) this.seriesIds.set(newId, series);
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
    const id = this.seriesIds.get(deviceId)?.get(metric);
    if (id === undefined) return [];
    return this.db
      .prepare('SELECT ts, value FROM readings WHERE series = ? AND ts >= ? AND ts < ? ORDER BY ts')
      .all(id, from, to) as Point[];
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
    this.db.close();
  }
}

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../helpers/tmp.js';
import { prng } from '../dsmr/fixtures.js';
import { keptCopies, rollupsOf, type RawPoint } from './reference.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z, hour aligned
const FOREVER = 8.64e15;

/** The schema as version 1 of wattbridge created it, to test the upgrade of an existing file. */
const V1_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE devices (
  id TEXT PRIMARY KEY, protocol TEXT NOT NULL, native_id TEXT NOT NULL,
  info TEXT NOT NULL DEFAULT '{}', first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  UNIQUE (protocol, native_id)
);
CREATE TABLE series (id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, metric TEXT NOT NULL,
  UNIQUE (device_id, metric));
CREATE TABLE readings (series INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
  PRIMARY KEY (series, ts)) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
`;

describe('SqliteStore rollups (real SQLite file)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  function dir() {
    const d = tempDir();
    dirs.push(d);
    return d;
  }

  function open(path: string, batchSize = 100_000, onError?: (err: Error, what: string) => void) {
    return new SqliteStore({ dataDir: path, flushIntervalMs: 0, batchSize, onError });
  }

  /** Every minute and hour rollup of every series equals a recomputation from the kept points. */
  function expectRollupsMatch(store: SqliteStore, kept: RawPoint[]) {
    const series = new Set(kept.map((p) => `${p.deviceId}/${p.metric}`));
    for (const key of series) {
      const [deviceId, metric] = key.split('/') as [string, string];
      const points = kept.filter((p) => p.deviceId === deviceId && p.metric === metric);
      expect(store.range(deviceId, metric, 0, FOREVER)).toHaveLength(points.length);
      expect(store.rollups(deviceId, metric, 'minute', 0, FOREVER)).toEqual(rollupsOf(points, MIN));
      expect(store.rollups(deviceId, metric, 'hour', 0, FOREVER)).toEqual(rollupsOf(points, HOUR));
    }
  }

  it('summarises each minute and hour: edges, gaps, out-of-order batches and duplicates', () => {
    const d = dir();
    const store = open(d.path);
    const appended: RawPoint[] = [];
    const add = (ts: number, value: number, deviceId = 'a', metric = 'power') => {
      appended.push({ deviceId, metric, ts, value });
      store.append(deviceId, metric, ts, value);
    };
    // Flush 1: in order, on both edges of a minute and an hour.
    add(T0, 10);
    add(T0 + MIN - 1, 20);
    add(T0 + MIN, 30);
    add(T0 + HOUR - 1, 5);
    add(T0 + HOUR, 7);
    store.flush();
    // Flush 2: later points append to the open minute; a duplicate with another value replaces the first.
    add(T0 + HOUR + 1000, 9);
    add(T0 + HOUR, 999);
    store.flush();
    // Flush 3: older points arrive late (into the first minute and first hour), with a
    // duplicate inside the same batch, and a point after a three-hour gap.
    add(T0 + 30_000, 40);
    add(T0 + 15_000, 2.5);
    add(T0 + 15_000, 2.5);
    add(T0 + 4 * HOUR + 123, 1);
    add(T0 + 5, 8, 'b', 'voltage');
    store.flush();
    // Flush 4: a point before everything, and one between two existing ones of the open minute.
    add(T0 - 1, 100);
    add(T0 + HOUR + 500, 11);
    store.flush();
    const kept = keptCopies(appended);
    expect(kept).toHaveLength(appended.length - 2);
    expectRollupsMatch(store, kept);
    expect(store.rollups('a', 'power', 'minute', T0, T0 + MIN)).toEqual([
      {
        bucket: T0,
        count: 4,
        sum: 72.5,
        sumSq: 100 + 6.25 + 1600 + 400,
        min: 2.5,
        minTs: T0 + 15_000,
        max: 40,
        maxTs: T0 + 30_000,
        firstTs: T0,
        first: 10,
        lastTs: T0 + MIN - 1,
        last: 20,
        integral: 15_000 * 6.25 + 15_000 * 21.25 + 29_999 * 30,
        // 10 → 2.5 fell below half: a restart, 2.5 new; then 37.5 up; 40 → 20 is
        // not below half: a glitch, counting nothing.
        rise: 2.5 + 37.5,
      },
    ]);
    store.close();
  });

  it('stays equal to a recomputation under random out-of-order, duplicated batches', () => {
    const d = dir();
    const store = open(d.path);
    const rand = prng(7);
    const appended: RawPoint[] = [];
    for (let flush = 0; flush < 40; flush++) {
      for (let i = 0; i < 50; i++) {
        const deviceId = rand() < 0.5 ? 'x' : 'y';
        // Mostly moving forward, sometimes far back, sometimes repeating a time exactly.
        const ts =
          rand() < 0.8
            ? T0 + flush * 40_000 + Math.floor(rand() * 90_000)
            : T0 + Math.floor(rand() * flush * 40_000 + 1);
        const value = Math.floor(rand() * 200) / 4;
        appended.push({ deviceId, metric: 'power', ts, value });
        store.append(deviceId, 'power', ts, value);
        if (rand() < 0.1) {
          appended.push({ deviceId, metric: 'power', ts, value: value + 1 });
          store.append(deviceId, 'power', ts, value + 1);
        }
      }
      store.flush();
    }
    expectRollupsMatch(store, keptCopies(appended));
    store.close();
  });

  it('keeps the rollups right across a restart (the newest-bucket cache starts cold)', () => {
    const d = dir();
    const appended: RawPoint[] = [];
    let store = open(d.path);
    for (let i = 0; i < 100; i++) {
      appended.push({ deviceId: 'a', metric: 'power', ts: T0 + i * 7000, value: i });
      store.append('a', 'power', T0 + i * 7000, i);
    }
    store.close();
    store = open(d.path);
    for (const ts of [T0 + 99 * 7000 + 1, T0 + 3500, T0 + 700_000]) {
      appended.push({ deviceId: 'a', metric: 'power', ts, value: 3 });
      store.append('a', 'power', ts, 3);
    }
    store.flush();
    expectRollupsMatch(store, appended);
    store.close();
  });

  it('a batch lost to a locked database leaves the rollups equal to the readings kept', () => {
    const d = dir();
    const errors: Error[] = [];
    const store = open(d.path, 100_000, (e) => errors.push(e));
    store.append('a', 'power', T0, 1);
    store.flush();
    const other = new Database(store.path);
    other.exec('BEGIN IMMEDIATE'); // another writer holds the lock past the store's 1 s timeout
    store.append('a', 'power', T0 + 1000, 2);
    expect(() => store.flush()).toThrow(/locked/);
    other.exec('ROLLBACK');
    other.close();
    store.append('a', 'power', T0 + 3000, 4);
    store.append('a', 'power', T0 + 4000, NaN); // not a number: skipped, the rest of the batch kept
    store.flush();
    expect(store.stats().writeErrors).toBe(1);
    expectRollupsMatch(store, [
      { deviceId: 'a', metric: 'power', ts: T0, value: 1 },
      { deviceId: 'a', metric: 'power', ts: T0 + 3000, value: 4 },
    ]);
    store.close();
  });

  it('upgrades a version-1 file: rollups computed from its readings, old data and new writes work', () => {
    const d = dir();
    const file = join(d.path, 'wattbridge.sqlite');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(V1_SCHEMA);
    old
      .prepare("INSERT INTO devices VALUES ('plug1', 'tasmota', 'plug1', '{\"mac\":\"AA\"}', 1, 2)")
      .run();
    old.prepare("INSERT INTO series (id, device_id, metric) VALUES (1, 'plug1', 'power')").run();
    old.prepare("INSERT INTO series (id, device_id, metric) VALUES (2, 'plug1', 'voltage')").run();
    const appended: RawPoint[] = [];
    const ins = old.prepare('INSERT INTO readings VALUES (?, ?, ?)');
    // 2.5 hours of 10 s readings, enough to span several backfill pages' worth of buckets.
    for (let i = 0; i < 900; i++) {
      ins.run(1, T0 + i * 10_000, i % 17);
      ins.run(2, T0 + i * 10_000 + 3, 230 + (i % 3));
      appended.push({ deviceId: 'plug1', metric: 'power', ts: T0 + i * 10_000, value: i % 17 });
      appended.push({
        deviceId: 'plug1',
        metric: 'voltage',
        ts: T0 + i * 10_000 + 3,
        value: 230 + (i % 3),
      });
    }
    old.close();

    const store = open(d.path);
    expect(store.devices()).toMatchObject([{ id: 'plug1', info: { mac: 'AA' } }]);
    expectRollupsMatch(store, appended);
    for (const ts of [T0 + 900 * 10_000, T0 + 5]) {
      appended.push({ deviceId: 'plug1', metric: 'power', ts, value: 50 });
      store.append('plug1', 'power', ts, 50);
    }
    store.flush();
    expectRollupsMatch(store, appended);
    store.close();

    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      '3',
    );
    db.close();
    // Opening again does not recompute (or duplicate) anything.
    const again = open(d.path);
    expectRollupsMatch(again, appended);
    again.close();
  });

  it("upgrades a version-2 file: its rollups gain each bucket's counter rise", () => {
    const d = dir();
    const file = join(d.path, 'wattbridge.sqlite');
    const appended: RawPoint[] = [];
    const first = open(d.path);
    // An energy counter over three hours that also restarts (falls to 3) and glitches (one step back).
    let total = 1000;
    for (let i = 0; i < 1000; i++) {
      total = i === 400 ? 3 : i === 700 ? total - 0.5 : total + (i % 5);
      appended.push({
        deviceId: 'plug1',
        metric: 'energy_total',
        ts: T0 + i * 10_000,
        value: total,
      });
      first.append('plug1', 'energy_total', T0 + i * 10_000, total);
    }
    first.flush();
    first.close();
    // What version 2 wrote: the same tables without `rise`.
    const v2 = new Database(file);
    for (const table of ['rollup_minute', 'rollup_hour'])
      v2.exec(`ALTER TABLE ${table} DROP COLUMN rise`);
    v2.prepare("UPDATE meta SET value = '2' WHERE key = 'schema_version'").run();
    v2.close();

    const store = open(d.path);
    expectRollupsMatch(store, appended);
    const hours = store.rollups('plug1', 'energy_total', 'hour', 0, FOREVER);
    const rise = hours.reduce((sum, h) => sum + h.rise, 0);
    // Within-hour rises only: the steps joining two hours are in neither.
    expect(rise).toBeGreaterThan(1500);
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(
      '3',
    );
    db.close();
  });

  /**
   * A real process that writes `device`'s power and energy_total over 3.5
   * minutes of 1 Hz readings in 10 s flushes, then SIGKILLs itself; returns
   * the points it wrote.
   */
  function killedWriter(dataDir: string, device: string): RawPoint[] {
    const storeJs = fileURLToPath(new URL('../../dist/store/sqlite-store.js', import.meta.url));
    const script = `
      import { SqliteStore } from ${JSON.stringify(storeJs)};
      const store = new SqliteStore({ dataDir: ${JSON.stringify(dataDir)}, flushIntervalMs: 0, batchSize: 100000 });
      for (let i = 0; i < 210; i++) {
        store.append(${JSON.stringify(device)}, 'power', ${T0} + i * 1000, i % 50);
        store.append(${JSON.stringify(device)}, 'energy_total', ${T0} + i * 1000 + 1, 1000 + i);
        if (i % 10 === 9) store.flush();
      }
      store.flush();
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.signal, child.stderr.toString()).toBe('SIGKILL');
    const kept: RawPoint[] = [];
    for (let i = 0; i < 210; i++) {
      kept.push({ deviceId: device, metric: 'power', ts: T0 + i * 1000, value: i % 50 });
      kept.push({
        deviceId: device,
        metric: 'energy_total',
        ts: T0 + i * 1000 + 1,
        value: 1000 + i,
      });
    }
    return kept;
  }

  it('a hub killed with rollups held in memory gets them recomputed from its readings on the next open', () => {
    const d = dir();
    const kept = killedWriter(d.path, 'plug');
    // As the killed process left it: every reading, but the newest minute's rollup behind.
    const raw = new Database(join(d.path, 'wattbridge.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(420);
    const newestMinute = raw
      .prepare('SELECT coalesce(sum(count), 0) FROM rollup_minute WHERE bucket = ?')
      .pluck()
      .get(T0 + 3 * MIN);
    expect(newestMinute).toBeLessThan(60);
    raw.close();
    const store = open(d.path);
    expectRollupsMatch(store, kept);
    store.close();
    const again = open(d.path);
    expectRollupsMatch(again, kept);
    again.close();
  });

  it('a second process on the same file killed while the first closes cleanly loses no rollups', () => {
    const d = dir();
    const first = open(d.path);
    first.append('plugA', 'power', T0, 1);
    first.flush();
    const kept = killedWriter(d.path, 'plugB');
    first.close();
    const store = open(d.path);
    expectRollupsMatch(store, [...kept, { deviceId: 'plugA', metric: 'power', ts: T0, value: 1 }]);
    store.close();
  });

  it('a rollup read while the file is locked loses nothing: the next read sees every reading', () => {
    const d = dir();
    const errors: string[] = [];
    const store = open(d.path, 100_000, (_e, what) => errors.push(what));
    const kept: RawPoint[] = [];
    for (let i = 0; i < 120; i++) {
      kept.push({ deviceId: 'plug', metric: 'energy_total', ts: T0 + i * 1000, value: 1000 + i });
      store.append('plug', 'energy_total', T0 + i * 1000, 1000 + i);
    }
    store.flush();
    const other = new Database(store.path);
    other.exec('BEGIN IMMEDIATE'); // another writer holds the lock past the store's 1 s timeout
    // The read goes on with what is stored, and says why it may be behind.
    store.rollups('plug', 'energy_total', 'hour', 0, FOREVER);
    expect(errors).toEqual([
      'writing the newest rollups failed; this read may miss the last minute, the next one tries again',
    ]);
    other.exec('ROLLBACK');
    other.close();
    store.flush(); // nothing queued
    expectRollupsMatch(store, kept);
    store.close();
  });
});

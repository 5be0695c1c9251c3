import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../helpers/tmp.js';

describe('SqliteStore (real SQLite file)', () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  function open(batchSize = 1000) {
    const dir = tempDir();
    dirs.push(dir);
    return { dir, store: new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize }) };
  }

  it('keeps appended readings queued until a flush, then returns them in time order', () => {
    const { store } = open();
    store.append('kitchen', 'power', 2000, 12.5);
    store.append('kitchen', 'power', 1000, 10);
    store.append('kitchen', 'voltage', 1000, 231);
    expect(store.range('kitchen', 'power', 0, 10_000)).toEqual([]);
    expect(store.stats().pending).toBe(3);
    store.flush();
    expect(store.range('kitchen', 'power', 0, 10_000)).toEqual([
      { ts: 1000, value: 10 },
      { ts: 2000, value: 12.5 },
    ]);
    expect(store.range('kitchen', 'power', 1500, 10_000)).toEqual([{ ts: 2000, value: 12.5 }]);
    expect(store.metrics('kitchen')).toEqual(['power', 'voltage']);
    expect(store.stats()).toMatchObject({ rowsWritten: 3, batches: 1, pending: 0 });
    store.close();
  });

  it('writes a full batch at once, in one transaction per batch', () => {
    const { store } = open(100);
    for (let i = 0; i < 250; i++) store.append('d', 'power', i * 1000, i);
    expect(store.stats()).toMatchObject({ rowsWritten: 200, batches: 2, pending: 50 });
    store.close();
  });

  it('uses WAL and a table clustered by (series, time)', () => {
    const { store } = open();
    store.append('a', 'power', 1, 1);
    store.close();
    const db = new Database(store.path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const sql = (
      db.prepare("SELECT sql FROM sqlite_master WHERE name = 'readings'").get() as { sql: string }
    ).sql;
    expect(sql).toMatch(/PRIMARY KEY \(series, ts\)/);
    expect(sql).toMatch(/WITHOUT ROWID/);
    db.close();
  });

  it('keeps readings and devices across a restart, flushing on close', () => {
    const { dir, store } = open();
    store.upsertDevice({
      id: 'plug1',
      protocol: 'tasmota',
      nativeId: 'plug1',
      info: { mac: 'AABBCCDDEEFF' },
      firstSeen: 1,
      lastSeen: 5,
    });
    store.append('plug1', 'energy_total', 5000, 1234.5);
    store.close();
    const again = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 10 });
    expect(again.devices()).toEqual([
      {
        id: 'plug1',
        protocol: 'tasmota',
        nativeId: 'plug1',
        info: { mac: 'AABBCCDDEEFF' },
        firstSeen: 1,
        lastSeen: 5,
      },
    ]);
    expect(again.range('plug1', 'energy_total', 0, 10_000)).toEqual([{ ts: 5000, value: 1234.5 }]);
    again.append('plug1', 'energy_total', 6000, 1235);
    again.flush();
    expect(again.range('plug1', 'energy_total', 0, 10_000)).toHaveLength(2);
    again.close();
  });

  it('stores a duplicated message once', () => {
    const { store } = open();
    store.append('d', 'power', 1000, 5);
    store.append('d', 'power', 1000, 5);
    store.flush();
    expect(store.range('d', 'power', 0, 2000)).toEqual([{ ts: 1000, value: 5 }]);
    store.close();
  });
});

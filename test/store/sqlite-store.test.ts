import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { RenameError } from '../../src/store/store.js';
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

  it('renames a device with its whole history, across a restart', () => {
    const { dir, store } = open();
    const plug = {
      protocol: 'tasmota' as const,
      nativeId: 'tasmota_1A2B3C',
      info: {},
      firstSeen: 1,
      lastSeen: 2,
    };
    store.upsertDevice({ id: 'tasmota_1A2B3C', ...plug });
    store.upsertDevice({ id: 'other', ...plug, nativeId: 'other' });
    store.append('tasmota_1A2B3C', 'power', 1000, 10);
    store.append('tasmota_1A2B3C', 'voltage', 1000, 230);
    store.flush();
    store.append('tasmota_1A2B3C', 'power', 2000, 20); // queued across the rename
    store.renameDevice('tasmota_1A2B3C', 'sp_w.r1.c1');
    store.append('sp_w.r1.c1', 'power', 3000, 30);
    store.flush();
    expect(store.range('sp_w.r1.c1', 'power', 0, 10_000).map((p) => p.value)).toEqual([10, 20, 30]);
    expect(store.rollups('sp_w.r1.c1', 'power', 'minute', 0, 60_000)).toMatchObject([
      { bucket: 0, count: 3, sum: 60 },
    ]);
    expect(store.metrics('sp_w.r1.c1')).toEqual(['power', 'voltage']);
    expect(store.range('tasmota_1A2B3C', 'power', 0, 10_000)).toEqual([]);
    expect(store.metrics('tasmota_1A2B3C')).toEqual([]);
    store.close();
    const again = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 10 });
    expect(again.devices().map((d) => [d.id, d.nativeId])).toEqual([
      ['other', 'other'],
      ['sp_w.r1.c1', 'tasmota_1A2B3C'],
    ]);
    expect(again.range('sp_w.r1.c1', 'voltage', 0, 10_000)).toEqual([{ ts: 1000, value: 230 }]);
    again.close();
  });

  it('refuses a rename to an id in use, or of an unknown device, changing nothing', () => {
    const { store } = open();
    store.upsertDevice({
      id: 'a',
      protocol: 'tasmota',
      nativeId: 'a',
      info: {},
      firstSeen: 1,
      lastSeen: 1,
    });
    store.append('b', 'power', 1000, 1); // a series whose device was never upserted still counts
    store.flush();
    expect(() => store.renameDevice('a', 'b')).toThrow(
      'cannot rename "a" to "b": a device with that id already exists',
    );
    expect(() => store.renameDevice('nope', 'c')).toThrow('cannot rename "nope": no such device');
    expect(() => store.renameDevice('nope', 'c')).toThrow(RenameError);
    expect(store.devices().map((d) => d.id)).toEqual(['a']);
    expect(store.range('b', 'power', 0, 2000)).toHaveLength(1);
    store.close();
  });

  it('keeps hub settings across a restart', () => {
    const { dir, store } = open();
    expect(store.getSetting('timers')).toBeUndefined();
    store.setSetting('timers', '{"a":1}');
    store.setSetting('timers', '{"a":2}');
    store.setSetting('renames', '{}');
    store.close();
    const again = new SqliteStore({ dataDir: dir.path, flushIntervalMs: 0, batchSize: 10 });
    expect(again.getSetting('timers')).toBe('{"a":2}');
    expect(again.getSetting('renames')).toBe('{}');
    again.close();
  });
});

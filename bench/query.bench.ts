import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runQuery, type QuerySpec } from '../src/store/query/index.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { figure, median, type Bench, type BenchFigure } from './harness.js';

const DAY = 86_400_000;
const D0 = 1_764_547_200_000; // 2025-12-01T00:00:00Z
const BATCH = 20_000;
const QUERY_ROUNDS = 15;
const SCAN_ROUNDS = 3;

/** A deterministic, busy-looking 1 Hz power value (W). */
function watts(device: number, second: number): number {
  return 40 + ((second * 7919 + device * 104_729) % 20_000) / 10;
}

function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

interface Dataset {
  name: string;
  devices: string[];
  from: number;
  to: number;
}

/**
 * The data goes in through the store's own path (append + flush), so the
 * rollups the queries read are the ones the hub writes. Per second, every
 * device's reading, as a live hub would receive them.
 */
function write(store: SqliteStore, devices: string[], start: number, seconds: number): void {
  for (let s = 0; s < seconds; s++)
    for (let d = 0; d < devices.length; d++)
      store.append(devices[d]!, 'power', start + s * 1000, watts(d, s));
  store.flush();
}

/** The baseline: every raw row of the range read with one SELECT per device and folded in JS. */
function fullScan(db: Database.Database, ds: Dataset): { count: number; sum: number } {
  const rows = db
    .prepare(
      `SELECT r.value FROM readings r JOIN series s ON r.series = s.id
       WHERE s.device_id = ? AND s.metric = 'power' AND r.ts >= ? AND r.ts <= ?`,
    )
    .pluck();
  let count = 0;
  let sum = 0;
  for (const device of ds.devices)
    for (const v of rows.iterate(device, ds.from, ds.to) as Iterable<number>) {
      count++;
      sum += v;
    }
  return { count, sum };
}

function measureQuery(store: SqliteStore, spec: QuerySpec): { ms: number; value: number } {
  const times: number[] = [];
  let value = NaN;
  for (let i = 0; i < QUERY_ROUNDS + 2; i++) {
    const t0 = process.hrtime.bigint();
    value = runQuery(store, spec)[0]!.value;
    if (i >= 2) times.push(elapsedMs(t0)); // two warm-up rounds
  }
  return { ms: median(times), value };
}

export const bench: Bench = {
  name: 'query',
  async run() {
    const dir = join(tmpdir(), `wattbridge-bench-query-${process.pid}`);
    const store = new SqliteStore({ dataDir: dir, flushIntervalMs: 0, batchSize: BATCH });
    const t0 = process.hrtime.bigint();
    write(store, ['solo'], D0, (30 * DAY) / 1000);
    const plugs = Array.from({ length: 100 }, (_, i) => `plug-${String(i).padStart(2, '0')}`);
    write(store, plugs, D0 + 40 * DAY, DAY / 1000);
    const writeS = elapsedMs(t0) / 1000;
    const rows = store.stats().rowsWritten;
    // Ranges with ragged ends (mid-minute, mid-hour), as "the last 30 days" from now would be.
    const datasets: Dataset[] = [
      {
        name: '30 days x 1 device',
        devices: ['solo'],
        from: D0 + 754_321,
        to: D0 + 30 * DAY - 1_234_567,
      },
      {
        name: '1 day x 100 devices',
        devices: plugs,
        from: D0 + 40 * DAY + 95_500,
        to: D0 + 41 * DAY - 61_250,
      },
    ];
    const db = new Database(store.path, { readonly: true });
    const figures: BenchFigure[] = [];
    for (const ds of datasets) {
      const scanTimes: number[] = [];
      let scan = { count: 0, sum: 0 };
      for (let i = 0; i < SCAN_ROUNDS; i++) {
        const s0 = process.hrtime.bigint();
        scan = fullScan(db, ds);
        scanTimes.push(elapsedMs(s0));
      }
      const scanMs = median(scanTimes);
      const series = ds.devices.map((deviceId) => ({ deviceId, metric: 'power' }));
      for (const operation of ['SUM', 'MEAN'] as const) {
        const q = measureQuery(store, { series, from: ds.from, to: ds.to, operation });
        const expected = operation === 'SUM' ? scan.sum : scan.sum / scan.count;
        if (Math.abs(q.value - expected) > 1e-9 * Math.abs(expected))
          throw new Error(`${operation} ${ds.name}: query ${q.value} but full scan ${expected}`);
        figures.push(
          figure({
            name: `${operation} over ${ds.name} (${scan.count.toLocaleString('en-US')} points)`,
            value: q.ms,
            unit: 'ms',
            baselineName: 'full scan: SELECT every raw row, fold in JS',
            baselineValue: scanMs,
            target: '< 20 ms and >= 50x faster (ratio <= 0.02)',
            pass: (ratio, ms) => ms < 20 && ratio <= 0.02,
            notes: `${Math.round(scanMs / q.ms).toLocaleString('en-US')}x faster; median of ${QUERY_ROUNDS} queries vs ${SCAN_ROUNDS} scans; result equals the scan's; ${rows.toLocaleString('en-US')} rows written through SqliteStore.append/flush (${BATCH}-row batches, with rollups) in ${writeS.toFixed(0)} s`,
          }),
        );
      }
    }
    db.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    return figures;
  },
};

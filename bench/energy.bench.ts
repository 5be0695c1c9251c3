import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { energyWh } from '../src/store/query/index.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { figure, median, type Bench } from './harness.js';

const DAY = 86_400_000;
const D0 = 1_764_547_200_000; // 2025-12-01T00:00:00Z
const BATCH = 20_000;
const QUERY_ROUNDS = 9;
const SCAN_ROUNDS = 3;
const REGISTERS = ['energy_import_t1', 'energy_import_t2'];

function elapsedMs(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * A P1 meter's two import registers at 1 Hz for 30 days, through the
 * store's own path (append + flush, rollups included): tariff 1 counts by
 * day, tariff 2 by night, as a Dutch meter switches, and the register reads
 * one Wh lower now and then (a glitch the count must not take for a restart).
 */
function writeMeter(store: SqliteStore, days: number): void {
  const registers = [1_500_000, 2_100_000];
  for (let s = 0; s < (days * DAY) / 1000; s++) {
    const ts = D0 + s * 1000;
    const hour = Math.floor(s / 3600) % 24;
    const counting = hour >= 7 && hour < 23 ? 0 : 1;
    registers[counting]! += (s * 7919) % 3;
    for (let r = 0; r < 2; r++) {
      const glitch = r === counting && s % 9973 === 0 ? -1 : 0;
      store.append('meter', REGISTERS[r]!, ts, registers[r]! + glitch);
    }
  }
  store.flush();
}

/**
 * The baseline, how energy was counted before the rollups kept a rise:
 * every raw reading of each register in range, stepped through in JS.
 */
function fullScan(db: Database.Database, from: number, to: number): number {
  const rows = db
    .prepare(
      `SELECT r.value FROM readings r JOIN series s ON r.series = s.id
       WHERE s.device_id = 'meter' AND s.metric = ? AND r.ts >= ? AND r.ts <= ? ORDER BY r.ts`,
    )
    .pluck();
  let wh = 0;
  for (const metric of REGISTERS) {
    let prev: number | undefined;
    for (const v of rows.iterate(metric, from, to) as Iterable<number>) {
      if (prev !== undefined) wh += v >= prev ? v - prev : v < prev / 2 ? v : 0;
      prev = v;
    }
  }
  return wh;
}

/**
 * "This month" on the meter page: the import counted over 30 days of 1 Hz
 * readings, from the rollups' rise against stepping through every reading.
 */
export const bench: Bench = {
  name: 'energy',
  async run() {
    const dir = join(tmpdir(), `wattbridge-bench-energy-${process.pid}`);
    const store = new SqliteStore({ dataDir: dir, flushIntervalMs: 0, batchSize: BATCH });
    const t0 = process.hrtime.bigint();
    writeMeter(store, 30);
    const writeS = elapsedMs(t0) / 1000;
    const rows = store.stats().rowsWritten;
    // "Since the first of the month", asked mid-minute: ragged ends on both sides.
    const from = D0 + 754_321;
    const to = D0 + 30 * DAY - 1_234_567;
    const db = new Database(store.path, { readonly: true });
    const scanTimes: number[] = [];
    let scanWh = 0;
    for (let i = 0; i < SCAN_ROUNDS; i++) {
      const s0 = process.hrtime.bigint();
      scanWh = fullScan(db, from, to);
      scanTimes.push(elapsedMs(s0));
    }
    const times: number[] = [];
    let wh = NaN;
    for (let i = 0; i < QUERY_ROUNDS + 2; i++) {
      const q0 = process.hrtime.bigint();
      wh = energyWh(store, { devices: ['meter'], from, to })[0]!.value;
      if (i >= 2) times.push(elapsedMs(q0)); // two warm-up rounds
    }
    if (Math.abs(wh - scanWh) > 1e-9 * scanWh)
      throw new Error(`energy over 30 days: query ${wh} Wh but full scan ${scanWh} Wh`);
    const scanMs = median(scanTimes);
    const ms = median(times);
    db.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    return [
      figure({
        name: `energy from 2 tariff registers over 30 days (${rows.toLocaleString('en-US')} readings)`,
        value: ms,
        unit: 'ms',
        baselineName: 'full scan: every raw reading stepped through in JS',
        baselineValue: scanMs,
        target: '< 50 ms and >= 50x faster (ratio <= 0.02)',
        pass: (ratio, v) => v < 50 && ratio <= 0.02,
        notes: `${Math.round(scanMs / ms).toLocaleString('en-US')}x faster; median of ${QUERY_ROUNDS} queries vs ${SCAN_ROUNDS} scans; ${Math.round(wh).toLocaleString('en-US')} Wh, equal to the scan's; written through SqliteStore.append/flush in ${writeS.toFixed(0)} s`,
      }),
    ];
  },
};

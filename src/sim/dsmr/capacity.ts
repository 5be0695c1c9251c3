/**
 * Belgian capacity tariff registers (e-MUCS): the average import of each
 * quarter hour, the highest quarter of the running month (1-0:1.6.0) and the
 * peaks of up to 13 earlier months (0-0:98.1.0). A meter that has been in
 * service for a while already has a history when the simulation starts; it
 * is drawn from the seed.
 */
import { HOUR_MS, MINUTE_MS, SECOND_MS, localMonthStart } from './local-time.js';
import { STREAM, SeededRandom } from './random.js';
import type { DemandReading, MonthlyPeak } from './types.js';

export const QUARTER_MS = 15 * MINUTE_MS;
const HISTORY_MONTHS = 13;

/** A quarter-hour start in [from, to), drawn from `rng`; `from` must be quarter-aligned. */
function quarterBetween(rng: SeededRandom, from: number, to: number): number {
  return from + rng.int(0, Math.max(0, Math.floor((to - from) / QUARTER_MS) - 1)) * QUARTER_MS;
}

export class DemandTracker {
  private windowStart: number;
  private windowKwh = 0;
  private peak: { occurredMs: number; kw: number };
  private readonly history: MonthlyPeak[] = [];
  private nextMonthMs: number;

  constructor(seed: number, startMs: number) {
    const rng = new SeededRandom(seed, STREAM.demand);
    const monthStart = localMonthStart(startMs);
    const months = rng.int(2, HISTORY_MONTHS);
    for (let k = 1; k <= months; k++) {
      const from = localMonthStart(startMs, -k);
      const to = localMonthStart(startMs, 1 - k);
      const kw = Math.round(rng.between(2.5, 6.5) * 1000) / 1000;
      this.history.push({ monthMs: to, occurredMs: quarterBetween(rng, from, to), kw });
    }
    const doneQuarters = Math.floor((startMs - monthStart) / QUARTER_MS);
    this.peak =
      doneQuarters > 0
        ? {
            occurredMs: quarterBetween(rng, monthStart, monthStart + doneQuarters * QUARTER_MS),
            kw: Math.round(rng.between(1.5, 4.5) * 1000) / 1000,
          }
        : { occurredMs: monthStart, kw: 0 };
    this.windowStart = startMs;
    this.nextMonthMs = localMonthStart(startMs, 1);
  }

  /** Import energy drawn since the last call. */
  addImport(kwh: number): void {
    this.windowKwh += kwh;
  }

  /** Called at every whole second the registers reach: closes quarters and months. */
  atSecond(ms: number): void {
    if (ms % QUARTER_MS === 0) this.closeQuarter(ms);
    if (ms >= this.nextMonthMs) this.closeMonth(ms);
  }

  private closeQuarter(ms: number): void {
    const hours = (ms - this.windowStart) / HOUR_MS;
    if (hours > 0) {
      const kw = this.windowKwh / hours;
      if (kw > this.peak.kw) this.peak = { occurredMs: ms - QUARTER_MS, kw };
    }
    this.windowStart = ms;
    this.windowKwh = 0;
  }

  private closeMonth(ms: number): void {
    this.history.unshift({ monthMs: ms, ...this.peak });
    this.history.length = Math.min(this.history.length, HISTORY_MONTHS);
    this.peak = { occurredMs: ms, kw: 0 };
    this.nextMonthMs = localMonthStart(ms, 1);
  }

  /** The registers at `ms` (the time the energy was added up to); `importKw` is used for the first second of a quarter. */
  reading(ms: number, importKw: number): DemandReading {
    const elapsed = ms - this.windowStart;
    return {
      currentKw: elapsed >= SECOND_MS ? this.windowKwh / (elapsed / HOUR_MS) : importKw,
      monthPeak: { ...this.peak },
      history: [...this.history],
    };
  }
}

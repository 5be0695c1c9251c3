/**
 * The meter's counters, integrated second by second from the power flows:
 * import and export per tariff, reactive energy, the gas counter (and the
 * reading the gas meter last sent, every `gasCaptureMs`), and the Belgian
 * demand registers. Power is constant within each second (grid.ts), so the
 * integral is exact for that model and never decreases.
 */
import { DemandTracker } from './capacity.js';
import { gasFlowM3h } from './heating.js';
import { powerFlowAt } from './grid.js';
import { HOUR_MS, SECOND_MS, localTime } from './local-time.js';
import type { MeterSetup } from './setup.js';
import { tariffAt } from './tariff.js';
import type { DemandReading, EnergyRegisters, GasReading } from './types.js';

export class MeterRegisters {
  private readonly setup: MeterSetup;
  /** The time the counters are integrated up to. */
  private at: number;
  private readonly importKwh: [number, number];
  private readonly exportKwh: [number, number];
  private reactiveImportKvarh: number;
  private reactiveExportKvarh: number;
  private gasM3: number;
  private gasCapture: GasReading;
  private readonly demandTracker: DemandTracker;

  constructor(setup: MeterSetup, startMs: number) {
    const i = setup.initial;
    this.setup = setup;
    this.at = startMs;
    this.importKwh = [...i.importKwh];
    this.exportKwh = [...i.exportKwh];
    this.reactiveImportKvarh = i.reactiveImportKvarh;
    this.reactiveExportKvarh = i.reactiveExportKvarh;
    this.gasM3 = i.gasM3;
    this.gasCapture = {
      capturedMs: Math.floor(startMs / setup.gasCaptureMs) * setup.gasCaptureMs,
      m3: i.gasM3,
    };
    this.demandTracker = new DemandTracker(setup.seed, startMs);
  }

  get time(): number {
    return this.at;
  }

  /** Integrates up to `ms`, which must not be before `time`. */
  advanceTo(ms: number): void {
    if (ms < this.at) throw new RangeError('registers cannot run backwards');
    while (this.at < ms) {
      const second = Math.floor(this.at / SECOND_MS) * SECOND_MS;
      const end = Math.min(ms, second + SECOND_MS);
      this.accumulate(second, (end - this.at) / HOUR_MS);
      this.at = end;
      if (end % SECOND_MS === 0) this.atSecond(end);
    }
  }

  /** Adds `hours` of the flows of the second starting at `second`. */
  private accumulate(second: number, hours: number): void {
    const lt = localTime(second);
    const flow = powerFlowAt(this.setup, second, lt.wallMs);
    const t = tariffAt(this.setup.tariffRule, lt) - 1;
    this.importKwh[t]! += flow.importKw * hours;
    this.exportKwh[t]! += flow.exportKw * hours;
    this.reactiveImportKvarh += flow.reactiveImportKvar * hours;
    this.reactiveExportKvarh += flow.reactiveExportKvar * hours;
    this.demandTracker.addImport(flow.importKw * hours);
    const house = this.setup.gasHouseFactor;
    if (house !== null) this.gasM3 += gasFlowM3h(this.setup.seed, house, lt) * hours;
  }

  private atSecond(ms: number): void {
    if (ms % this.setup.gasCaptureMs === 0) this.gasCapture = { capturedMs: ms, m3: this.gasM3 };
    this.demandTracker.atSecond(ms);
  }

  energy(): EnergyRegisters {
    return {
      importKwh: [...this.importKwh],
      exportKwh: [...this.exportKwh],
      reactiveImportKvarh: this.reactiveImportKvarh,
      reactiveExportKvarh: this.reactiveExportKvarh,
    };
  }

  gas(): GasReading | null {
    return this.setup.gasHouseFactor === null ? null : { ...this.gasCapture };
  }

  demand(importKw: number): DemandReading {
    return this.demandTracker.reading(this.at, importKw);
  }
}

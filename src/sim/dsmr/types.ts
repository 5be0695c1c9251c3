/** Shapes shared by the simulated meter's parts. */

export type DsmrVersion = '5' | '4.2' | '2.2' | '5B' | '5L';

export const DSMR_VERSIONS: readonly DsmrVersion[] = ['5', '4.2', '2.2', '5B', '5L'];

export type PhaseCount = 1 | 3;

/** Which tariff register a time falls in. */
export type Tariff = 1 | 2;

/** One phase at one moment. */
export interface PhaseReading {
  readonly importKw: number;
  readonly exportKw: number;
  readonly voltage: number;
  readonly currentA: number;
}

/** The last M-Bus gas reading the meter received. */
export interface GasReading {
  readonly capturedMs: number;
  readonly m3: number;
}

/** A Belgian monthly peak: the highest quarter-hour average demand of a month. */
export interface MonthlyPeak {
  /** Start of the month after the one the peak belongs to (how Fluvius labels it). */
  readonly monthMs: number;
  /** Start of the quarter hour the peak was drawn in. */
  readonly occurredMs: number;
  readonly kw: number;
}

/** Belgian capacity-tariff registers. */
export interface DemandReading {
  /** 1-0:1.4.0: average import of the current quarter hour so far. */
  readonly currentKw: number;
  /** 1-0:1.6.0: highest quarter hour of this month so far. */
  readonly monthPeak: { readonly occurredMs: number; readonly kw: number };
  /** 0-0:98.1.0: the peaks of earlier months, newest first, at most 13. */
  readonly history: readonly MonthlyPeak[];
}

/** Energy registers (kWh, kvarh), all only ever increasing. */
export interface EnergyRegisters {
  readonly importKwh: readonly [t1: number, t2: number];
  readonly exportKwh: readonly [t1: number, t2: number];
  readonly reactiveImportKvarh: number;
  readonly reactiveExportKvarh: number;
}

/** Everything a telegram reports about one moment. */
export interface MeterReading {
  readonly timeMs: number;
  readonly tariff: Tariff;
  /** Net import over all phases (0 when exporting). */
  readonly importKw: number;
  /** Net export over all phases (0 when importing). */
  readonly exportKw: number;
  readonly reactiveImportKvar: number;
  readonly reactiveExportKvar: number;
  /** One entry per phase of the connection. */
  readonly phases: readonly PhaseReading[];
  readonly energy: EnergyRegisters;
  /** null when the meter has no gas meter attached. */
  readonly gas: GasReading | null;
  readonly demand: DemandReading;
}

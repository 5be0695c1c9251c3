/**
 * What stays fixed about one simulated installation, drawn once from the
 * seed: the household, the solar panels, how much heat the house loses, and
 * the register values the meter had when the simulation starts (a meter
 * that has been in service for years, not one at zero).
 */
import { createHousehold, type Household } from './household.js';
import { STREAM, SeededRandom } from './random.js';
import type { TariffRule } from './tariff.js';
import type { PhaseCount } from './types.js';

export interface MeterSetup {
  readonly seed: number;
  readonly household: Household;
  /** Peak power of the solar panels, kW; 0 without panels. */
  readonly solarKwp: number;
  /** Heat loss of the house relative to an average one; null without a gas meter. */
  readonly gasHouseFactor: number | null;
  readonly tariffRule: TariffRule;
  /** How often the gas meter sends a reading to the electricity meter. */
  readonly gasCaptureMs: number;
  readonly initial: {
    readonly importKwh: readonly [number, number];
    readonly exportKwh: readonly [number, number];
    readonly reactiveImportKvarh: number;
    readonly reactiveExportKvarh: number;
    readonly gasM3: number;
  };
}

export interface SetupOptions {
  seed: number;
  phases: PhaseCount;
  gas: boolean;
  solar: boolean;
  tariffRule: TariffRule;
  gasCaptureMs: number;
}

export function createSetup(o: SetupOptions): MeterSetup {
  const rng = new SeededRandom(o.seed, STREAM.setup);
  const solarKwp = o.solar ? Math.round(rng.between(2.4, 5.2) * 10) / 10 : 0;
  const years = rng.between(1, 8);
  const importPerYear = rng.between(2200, 3800);
  // Tariff 1 (low) covers nights and weekends, a bit under half of the use.
  const importKwh = [importPerYear * years * 0.45, importPerYear * years * 0.55] as const;
  const exportPerYear = solarKwp * 600; // the part of ~900 kWh/kWp not used at home
  const exportKwh = [exportPerYear * years * 0.3, exportPerYear * years * 0.7] as const;
  return {
    seed: o.seed,
    household: createHousehold(o.seed, o.phases),
    solarKwp,
    gasHouseFactor: o.gas ? rng.between(0.7, 1.3) : null,
    tariffRule: o.tariffRule,
    gasCaptureMs: o.gasCaptureMs,
    initial: {
      importKwh,
      exportKwh,
      reactiveImportKvarh: importPerYear * years * 0.08,
      reactiveExportKvarh: importPerYear * years * 0.02,
      gasM3: o.gas ? rng.between(900, 1500) * years : 0,
    },
  };
}

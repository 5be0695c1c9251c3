/**
 * What the meter measures at the connection: household load minus solar
 * output per phase (the inverter feeds L1), the net import or export over
 * all phases (what the registers count, as Dutch and Belgian meters add the
 * phases up), voltages around 230 V that drift slowly, jitter, sag under
 * load and rise when exporting, currents = P / V, and a little reactive
 * power from motors and power supplies.
 */
import { householdLoadKw } from './household.js';
import { MINUTE_MS, SECOND_MS } from './local-time.js';
import { STREAM, unitHash } from './random.js';
import type { MeterSetup } from './setup.js';
import { solarKw } from './solar.js';
import type { PhaseReading } from './types.js';

/** The power flows of one second, enough to integrate the registers. */
export interface PowerFlow {
  /** Net import per phase, kW; negative when the phase exports. */
  readonly phaseNetKw: readonly number[];
  readonly importKw: number;
  readonly exportKw: number;
  readonly reactiveImportKvar: number;
  readonly reactiveExportKvar: number;
}

export function powerFlowAt(setup: MeterSetup, ms: number, localMs: number): PowerFlow {
  const load = householdLoadKw(setup.household, ms, localMs);
  const phaseCount = setup.household.phases;
  const phaseNetKw = load.slice(0, phaseCount);
  phaseNetKw[0]! -= solarKw(setup.seed, setup.solarKwp, ms);
  const net = phaseNetKw.reduce((a, b) => a + b, 0);
  const loadKw = load[0] + load[1] + load[2];
  // Inductive: motors, transformers; capacitive: switch-mode supplies, which dominate at night.
  const reactive = 0.03 + 0.1 * loadKw - (loadKw < 0.3 ? 0.05 : 0.02);
  return {
    phaseNetKw,
    importKw: Math.max(0, net),
    exportKw: Math.max(0, -net),
    reactiveImportKvar: Math.max(0, reactive),
    reactiveExportKvar: Math.max(0, -reactive),
  };
}

const NOMINAL_V = 230;
const DRIFT_SLOT_MS = 10 * MINUTE_MS;
/** Volts lost per kW drawn on a phase (the cable to the street transformer). */
const V_PER_KW = 1.2;

function driftV(seed: number, slot: number, phase: number): number {
  return 6 * (unitHash(seed, STREAM.voltage, slot, phase) - 0.5);
}

function voltageAt(seed: number, ms: number, phase: number, netKw: number): number {
  const slot = Math.floor(ms / DRIFT_SLOT_MS);
  const f = (ms - slot * DRIFT_SLOT_MS) / DRIFT_SLOT_MS;
  const drift = driftV(seed, slot, phase) * (1 - f) + driftV(seed, slot + 1, phase) * f;
  const jitter = 0.8 * (unitHash(seed, STREAM.voltage, Math.floor(ms / SECOND_MS), phase, 1) - 0.5);
  return NOMINAL_V + drift + jitter - V_PER_KW * netKw;
}

/** Per-phase import, export, voltage and current for a telegram. */
export function phaseReadings(setup: MeterSetup, ms: number, flow: PowerFlow): PhaseReading[] {
  return flow.phaseNetKw.map((netKw, p) => {
    const voltage = voltageAt(setup.seed, ms, p, netKw);
    return {
      importKw: Math.max(0, netKw),
      exportKw: Math.max(0, -netKw),
      voltage,
      currentA: (Math.abs(netKw) * 1000) / voltage,
    };
  });
}

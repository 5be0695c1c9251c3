/**
 * Object lines several versions share, in the widths the DSMR 4/5 spec
 * gives them (F9(3,3) kWh, F5(3,3) kW, F5 counts).
 */
import { PHASE_CODE, cosem, fixed, int, register } from '../format.js';
import type { MeterIdentity } from '../identity.js';
import { dsmrTimestamp } from '../local-time.js';
import type { EnergyRegisters, GasReading, PhaseReading } from '../types.js';

/** 1-0:1.8.1 / 1.8.2 / 2.8.1 / 2.8.2 with `intDigits` before the point. */
export function tariffRegisters(e: EnergyRegisters, intDigits = 6): string[] {
  const kwh = (v: number): string => `${register(v, intDigits, 3)}*kWh`;
  return [
    cosem('1-0:1.8.1', kwh(e.importKwh[0])),
    cosem('1-0:1.8.2', kwh(e.importKwh[1])),
    cosem('1-0:2.8.1', kwh(e.exportKwh[0])),
    cosem('1-0:2.8.2', kwh(e.exportKwh[1])),
  ];
}

export function kw(value: number): string {
  return `${fixed(value, 2, 3)}*kW`;
}

/** One line per phase: `1-0:<code>.7.0(value)`, L1 first. */
export function perPhase(
  phases: readonly PhaseReading[],
  codes: readonly number[],
  value: (p: PhaseReading) => string,
): string[] {
  return phases.map((p, i) => cosem(`1-0:${codes[i]}.7.0`, value(p)));
}

/** Import per phase, then export per phase (DSMR 5 order). */
export function phasePowers(phases: readonly PhaseReading[]): string[] {
  return [
    ...perPhase(phases, PHASE_CODE.importKw, (p) => kw(p.importKw)),
    ...perPhase(phases, PHASE_CODE.exportKw, (p) => kw(p.exportKw)),
  ];
}

/** Failure counters and the long-failure log (0-0:96.7.21, 96.7.9, 1-0:99.97.0). */
export function powerFailures(id: MeterIdentity): string[] {
  const log = id.failureLog.flatMap((f) => [dsmrTimestamp(f.endMs), `${int(f.durationS, 10)}*s`]);
  return [
    cosem('0-0:96.7.21', int(id.powerFailures, 5)),
    cosem('0-0:96.7.9', int(id.longPowerFailures, 5)),
    cosem('1-0:99.97.0', String(id.failureLog.length), '0-0:96.7.19', ...log),
  ];
}

/** Voltage sags (1-0:32.32.0 ...) then swells (1-0:32.36.0 ...) per phase. */
export function sagsAndSwells(id: MeterIdentity, phaseCount: number): string[] {
  const codes = PHASE_CODE.voltage.slice(0, phaseCount);
  return [
    ...codes.map((c, i) => cosem(`1-0:${c}.32.0`, int(id.sags[i]!, 5))),
    ...codes.map((c, i) => cosem(`1-0:${c}.36.0`, int(id.swells[i]!, 5))),
  ];
}

/** A gas reading `(TST)(00123.456*m3)` for 0-n:24.2.1 / 24.2.3. */
export function gasReading(g: GasReading): string[] {
  return [dsmrTimestamp(g.capturedMs), `${register(g.m3, 5, 3)}*m3`];
}

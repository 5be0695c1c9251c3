/**
 * The simulated meter: given a time, the telegram a real meter of that
 * generation would send then. Pure in what it returns (the same options and
 * time always give the same bytes); it keeps the registers integrated up to
 * the last time asked so that a running simulation costs one second of
 * integration per second, and starts over from `startMs` when asked about
 * an earlier time.
 */
import { meterIdentity, type MeterIdentity } from './identity.js';
import { phaseReadings, powerFlowAt } from './grid.js';
import { SECOND_MS, localTime } from './local-time.js';
import { MeterRegisters } from './registers.js';
import { createSetup, type MeterSetup } from './setup.js';
import { tariffAt } from './tariff.js';
import { buildTelegram } from './telegram.js';
import { DSMR_VERSIONS, type DsmrVersion, type MeterReading, type PhaseCount } from './types.js';
import { VERSION_SPECS, type VersionSpec } from './versions.js';

export interface MeterModelOptions {
  version: DsmrVersion;
  /** Same seed, same household and meter (default 1). */
  seed?: number;
  /** When the simulated meter starts counting, epoch ms. */
  startMs: number;
  /** Phases of the connection (default 3); DSMR 2.2 telegrams show no phases. */
  phases?: PhaseCount;
  /** A gas meter on M-Bus channel 1 (default true). */
  gas?: boolean;
  /** Solar panels exporting by day (default: yes for 5 and 5B). */
  solar?: boolean;
}

export class MeterModel {
  readonly version: DsmrVersion;
  readonly spec: VersionSpec;
  readonly startMs: number;
  readonly identity: MeterIdentity;
  private readonly setup: MeterSetup;
  private registers: MeterRegisters;

  constructor(options: MeterModelOptions) {
    const { version, seed = 1, startMs, phases = 3 } = options;
    if (!DSMR_VERSIONS.includes(version)) throw new RangeError(`unknown DSMR version "${version}"`);
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RangeError('seed must be an integer >= 0');
    if (!Number.isFinite(startMs)) throw new RangeError('startMs must be a time');
    if (phases !== 1 && phases !== 3) throw new RangeError('phases must be 1 or 3');
    this.version = version;
    this.spec = VERSION_SPECS[version];
    this.startMs = startMs;
    this.setup = createSetup({
      seed,
      phases,
      gas: options.gas ?? true,
      solar: options.solar ?? this.spec.solarByDefault,
      tariffRule: this.spec.tariffRule,
      gasCaptureMs: this.spec.gasCaptureMs,
    });
    this.identity = meterIdentity(seed, startMs);
    this.registers = new MeterRegisters(this.setup, startMs);
  }

  /** Everything the meter knows at `ms` (>= startMs). */
  readingAt(ms: number): MeterReading {
    if (!(ms >= this.startMs)) throw new RangeError('time is before the meter was started');
    if (ms < this.registers.time) this.registers = new MeterRegisters(this.setup, this.startMs);
    this.registers.advanceTo(ms);
    const second = Math.floor(ms / SECOND_MS) * SECOND_MS;
    const lt = localTime(second);
    const flow = powerFlowAt(this.setup, second, lt.wallMs);
    return {
      timeMs: ms,
      tariff: tariffAt(this.setup.tariffRule, lt),
      importKw: flow.importKw,
      exportKw: flow.exportKw,
      reactiveImportKvar: flow.reactiveImportKvar,
      reactiveExportKvar: flow.reactiveExportKvar,
      phases: phaseReadings(this.setup, ms, flow),
      energy: this.registers.energy(),
      gas: this.registers.gas(),
      demand: this.registers.demand(flow.importKw),
    };
  }

  /** The telegram's exact bytes at `ms`. */
  telegramAt(ms: number): Buffer {
    return buildTelegram(this.spec.layout(this.readingAt(ms), this.identity), this.spec.hasCrc);
  }
}

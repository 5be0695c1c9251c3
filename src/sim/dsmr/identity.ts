/**
 * The fixed facts a meter reports besides its measurements: serial numbers,
 * how many power failures it has counted, its failure log, voltage sags and
 * swells, and the DLMS system title of an encrypting meter. Drawn once from
 * the seed; the layouts turn the digits into each country's id format.
 */
import { DAY_MS, SECOND_MS } from './local-time.js';
import { STREAM, SeededRandom } from './random.js';

export interface PowerFailure {
  readonly endMs: number;
  readonly durationS: number;
}

export interface MeterIdentity {
  /** 16 digits for the electricity meter's ids and header. */
  readonly meterDigits: string;
  /** 16 digits for the gas meter's id. */
  readonly gasDigits: string;
  /** DLMS system title: "SAG" (the Smarty maker) and 5 bytes. */
  readonly systemTitle: Buffer;
  readonly powerFailures: number;
  readonly longPowerFailures: number;
  /** The long failures the log still holds, newest first (at most 10). */
  readonly failureLog: readonly PowerFailure[];
  readonly sags: readonly [number, number, number];
  readonly swells: readonly [number, number, number];
}

const MAX_LOG = 10;
/** A failure counts as long from 3 minutes on. */
const LONG_FAILURE_S = 180;

export function meterIdentity(seed: number, startMs: number): MeterIdentity {
  const rng = new SeededRandom(seed, STREAM.identity);
  const meterDigits = rng.digits(16);
  const gasDigits = rng.digits(16);
  const systemTitle = Buffer.concat([
    Buffer.from('SAG', 'latin1'),
    Buffer.from(Array.from({ length: 5 }, () => rng.int(0, 255))),
  ]);
  const longPowerFailures = rng.int(0, 6);
  const log: PowerFailure[] = [];
  let end = startMs;
  for (let i = 0; i < Math.min(longPowerFailures, MAX_LOG); i++) {
    end -= Math.floor((rng.between(5, 120) * DAY_MS) / SECOND_MS) * SECOND_MS;
    log.push({ endMs: end, durationS: rng.int(LONG_FAILURE_S, 4 * 3600) });
  }
  const three = (max: number): [number, number, number] => [
    rng.int(0, max),
    rng.int(0, max),
    rng.int(0, max),
  ];
  return {
    meterDigits,
    gasDigits,
    systemTitle,
    powerFailures: longPowerFailures + rng.int(2, 20),
    longPowerFailures,
    failureLog: log,
    sags: three(8),
    swells: three(3),
  };
}

/** `wattbridge sim dsmr` flags: parsed and checked, every bad value named with what is allowed. */
import { FAULT_KINDS, type FaultKind, type FaultRule } from './faults.js';
import { DSMR_VERSIONS, type DsmrVersion, type PhaseCount } from './types.js';
import { VERSION_SPECS } from './versions.js';

export const SIM_DSMR_USAGE = `Usage: wattbridge sim dsmr [--version V] [--interval S]
                          (--tcp-port N | --serial-pty PATH | --stdout) [flags]

Run a simulated DSMR P1 smart meter until Ctrl-C: a household's load, solar
export, tariffs and gas, as telegrams of the chosen generation.

  --version V        5 (default) | 4.2 | 2.2 | 5B (Belgium) | 5L (Luxembourg Smarty)
  --interval S       seconds between telegrams, 0.01..3600
                     (default 1 for 5 and 5B, 10 for 4.2, 2.2 and 5L)
  --tcp-port N       serve telegrams to TCP clients on this port (0: any free port)
  --host HOST        address to listen on (default 127.0.0.1)
  --serial-pty PATH  create a pseudo-terminal at PATH to open like a serial port (needs socat)
  --stdout           write telegrams to stdout (e.g. into "wattbridge dsmr parse")
  --key HEX          encrypt as DLMS frames with this AES-128 key (32 hex digits)
  --aad HEX          authentication key (32 hex digits) or full AAD (34, starting with 30);
                     default the Smarty key 00112233445566778899AABBCCDDEEFF
  --fault F[:N|:P%]  bad-crc | truncate | junk, on every Nth telegram (default 10)
                     or with probability P %; repeatable
  --seed N           same seed, same household and meter (default: random)
  --count N          stop after N telegrams
  --phases 1|3       phases of the connection (default 3)
  --no-gas           no gas meter
  --no-solar         no solar panels (5 and 5B have them by default)
  -h, --help         this text
`;

import { parseFlags, UsageError } from '../../cli/usage-error.js';

export interface SimDsmrArgs {
  version: DsmrVersion;
  intervalS: number;
  tcpPort?: number;
  host: string;
  serialPty?: string;
  stdout: boolean;
  key?: Buffer;
  aad?: Buffer;
  faults: FaultRule[];
  seed?: number;
  count?: number;
  phases: PhaseCount;
  gas: boolean;
  solar?: boolean;
  help: boolean;
}

const DEFAULT_FAULT_EVERY = 10;

function versionOf(text: string | undefined): DsmrVersion {
  if (text === undefined) return '5';
  const v = DSMR_VERSIONS.find((known) => known.toLowerCase() === text.toLowerCase());
  if (v === undefined) {
    throw new UsageError(`--version must be one of ${DSMR_VERSIONS.join(', ')}, got "${text}"`);
  }
  return v;
}

function integer(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer ${min}..${max}, got "${text}"`);
  }
  return n;
}

function hex(
  name: string,
  text: string | undefined,
  digits: readonly number[],
): Buffer | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9A-Fa-f]*$/.test(text) || !digits.includes(text.length)) {
    throw new UsageError(`--${name} must be ${digits.join(' or ')} hex digits`);
  }
  return Buffer.from(text, 'hex');
}

/** `bad-crc`, `bad-crc:5` (every 5th), `bad-crc:20%` (probability 0.2). */
export function parseFault(text: string): FaultRule {
  const [name, rate, extra] = text.split(':');
  const kind = FAULT_KINDS.find((k) => k === name) as FaultKind | undefined;
  const bad = (): UsageError =>
    new UsageError(
      `--fault must be ${FAULT_KINDS.join(' | ')}, optionally :N (every Nth telegram) or :P% (probability), got "${text}"`,
    );
  if (kind === undefined || extra !== undefined) throw bad();
  if (rate === undefined) return { kind, every: DEFAULT_FAULT_EVERY };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(rate);
  if (percent !== null) {
    const p = Number(percent[1]) / 100;
    if (p <= 0 || p > 1) throw bad();
    return { kind, probability: p };
  }
  const every = Number(rate);
  if (!/^\d+$/.test(rate) || every < 1) throw bad();
  return { kind, every };
}

export function parseSimDsmrArgs(argv: string[]): SimDsmrArgs {
  const { values } = parseFlags({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      version: { type: 'string' },
      interval: { type: 'string' },
      'tcp-port': { type: 'string' },
      host: { type: 'string' },
      'serial-pty': { type: 'string' },
      stdout: { type: 'boolean' },
      key: { type: 'string' },
      aad: { type: 'string' },
      fault: { type: 'string', multiple: true },
      seed: { type: 'string' },
      count: { type: 'string' },
      phases: { type: 'string' },
      'no-gas': { type: 'boolean' },
      'no-solar': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const version = versionOf(values.version);
  const intervalText = values.interval;
  const intervalS =
    intervalText === undefined ? VERSION_SPECS[version].defaultIntervalS : Number(intervalText);
  if (!Number.isFinite(intervalS) || intervalS < 0.01 || intervalS > 3600) {
    throw new UsageError(`--interval must be seconds 0.01..3600, got "${intervalText}"`);
  }
  const phasesText = values.phases ?? '3';
  if (phasesText !== '1' && phasesText !== '3') {
    throw new UsageError(`--phases must be 1 or 3, got "${phasesText}"`);
  }
  const serialPty = values['serial-pty'];
  if (serialPty !== undefined && (serialPty === '' || /[,!\s]/.test(serialPty))) {
    throw new UsageError(
      `--serial-pty must be a path without commas, "!" or spaces, got "${serialPty}"`,
    );
  }
  const args: SimDsmrArgs = {
    version,
    intervalS,
    tcpPort: integer('tcp-port', values['tcp-port'], 0, 65535),
    host: values.host ?? '127.0.0.1',
    serialPty,
    stdout: values.stdout ?? false,
    key: hex('key', values.key, [32]),
    aad: hex('aad', values.aad, [32, 34]),
    faults: (values.fault ?? []).map(parseFault),
    seed: integer('seed', values.seed, 0, 2 ** 31 - 1),
    count: integer('count', values.count, 1, Number.MAX_SAFE_INTEGER),
    phases: phasesText === '1' ? 1 : 3,
    gas: !(values['no-gas'] ?? false),
    solar: values['no-solar'] ? false : undefined,
    help: values.help ?? false,
  };
  if (!args.help) checkCombinations(args, values.host !== undefined);
  return args;
}

function checkCombinations(a: SimDsmrArgs, hostGiven: boolean): void {
  if (a.tcpPort === undefined && a.serialPty === undefined && !a.stdout) {
    throw new UsageError('say where the meter sends: --tcp-port N, --serial-pty PATH or --stdout');
  }
  if (hostGiven && a.tcpPort === undefined) throw new UsageError('--host needs --tcp-port');
  if (a.aad !== undefined && a.key === undefined) throw new UsageError('--aad needs --key');
  if (a.aad?.length === 17 && a.aad[0] !== 0x30) {
    throw new UsageError('--aad of 34 hex digits must start with 30 (the security byte)');
  }
  if (!VERSION_SPECS[a.version].hasCrc && a.faults.some((f) => f.kind === 'bad-crc')) {
    throw new UsageError(`--fault bad-crc needs a telegram with a CRC; DSMR ${a.version} has none`);
  }
}

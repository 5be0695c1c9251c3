import { UsageError } from '../../cli/usage-error.js';
import { untilStopped } from '../../cli/until-stopped.js';
import { parseArgs } from 'node:util';
import { startTasmotaFleet } from './fleet.js';
import type { TasmotaFaults } from './types.js';

/** What the command writes to; a CliIo fits. */
export interface SimCliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Test hooks: stop without a process signal, shorter connect timeout. */
export interface SimCliOptions {
  signal?: AbortSignal;
  connectTimeoutMs?: number;
}

export const SIM_TASMOTA_USAGE = `Usage: wattbridge sim tasmota [flags]

Run simulated Tasmota smart plugs against an MQTT broker until Ctrl-C.

  --count N            number of plugs (default 1)
  --mqtt-url URL       broker (default mqtt://127.0.0.1:1883)
  --tele-period S      TelePeriod in seconds, 10..3600, 0 = off (default 300)
  --topic-prefix NAME  topics NAME_1..NAME_N (default tasmota_<MAC6>)
  --load W,W,...       watts per plug when on, used round-robin
  --fault F            duplicate | no-ntp | reply-late | never-reply (repeatable)
  -h, --help           this text
`;

/** How late a `reply-late` plug answers. */
const REPLY_LATE_MS = 3000;

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return n;
}

function faultsFrom(names: string[]): TasmotaFaults {
  const faults: TasmotaFaults = {};
  for (const name of names) {
    if (name === 'duplicate') faults.duplicate = true;
    else if (name === 'no-ntp') faults.noNtp = true;
    else if (name === 'reply-late') faults.replyDelayMs = REPLY_LATE_MS;
    else if (name === 'never-reply') faults.neverReply = true;
    else throw new UsageError(`unknown --fault "${name}"`);
  }
  return faults;
}

interface SimArgs {
  count: number;
  mqttUrl: string;
  telePeriodS: number;
  topicPrefix?: string;
  loads?: number[];
  faults: TasmotaFaults;
  help: boolean;
}

function parse(argv: string[]): SimArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        count: { type: 'string' },
        'mqtt-url': { type: 'string' },
        'tele-period': { type: 'string' },
        'topic-prefix': { type: 'string' },
        load: { type: 'string' },
        fault: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const mqttUrl = values['mqtt-url'] ?? 'mqtt://127.0.0.1:1883';
  try {
    new URL(mqttUrl);
  } catch {
    throw new UsageError(`--mqtt-url is not a URL: "${mqttUrl}"`);
  }
  const teleText = values['tele-period'];
  const telePeriodS = teleText === undefined ? 300 : Number(teleText);
  if (!Number.isInteger(telePeriodS) || telePeriodS < 0 || telePeriodS > 3600) {
    throw new UsageError(`--tele-period must be 0..3600 seconds, got "${teleText}"`);
  }
  const prefix = values['topic-prefix'];
  if (prefix !== undefined && (prefix === '' || /[+#/]/.test(prefix))) {
    throw new UsageError(`--topic-prefix must be a plain topic level, got "${prefix}"`);
  }
  let loads: number[] | undefined;
  if (values.load !== undefined) {
    loads = values.load.split(',').map((w) => Number(w.trim()));
    if (loads.some((w) => !Number.isFinite(w) || w < 0)) {
      throw new UsageError(`--load must be watts separated by commas, got "${values.load}"`);
    }
  }
  return {
    count: positiveInt('count', values.count, 1),
    mqttUrl,
    telePeriodS,
    topicPrefix: prefix,
    loads,
    faults: faultsFrom(values.fault ?? []),
    help: values.help ?? false,
  };
}

/** `wattbridge sim tasmota ...` — `argv` holds the arguments after `sim tasmota`. */
export async function simTasmotaCommand(
  argv: string[],
  io: SimCliIo,
  options: SimCliOptions = {},
): Promise<number> {
  let args: SimArgs;
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`wattbridge sim tasmota: ${err.message}\n\n${SIM_TASMOTA_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(SIM_TASMOTA_USAGE);
    return 0;
  }
  let fleet;
  try {
    fleet = await startTasmotaFleet({
      mqttUrl: args.mqttUrl,
      count: args.count,
      topicPrefix: args.topicPrefix,
      telePeriodS: args.telePeriodS,
      loads: args.loads,
      faults: args.faults,
      connectTimeoutMs: options.connectTimeoutMs,
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    io.stderr.write(`wattbridge sim tasmota: cannot reach MQTT broker ${args.mqttUrl} (${why})\n`);
    return 1;
  }
  for (const plug of fleet.plugs) io.stdout.write(`${plug.topic} ${plug.mac}\n`);
  io.stderr.write(
    `${fleet.plugs.length} simulated Tasmota plug(s) on ${args.mqttUrl}; Ctrl-C to stop\n`,
  );
  await untilStopped(options.signal).stopped;
  await fleet.stop();
  io.stderr.write('stopped\n');
  return 0;
}

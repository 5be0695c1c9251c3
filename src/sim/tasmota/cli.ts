import { parseFlags, UsageError, argsOrExit, type CommandIo } from '../../cli/usage-error.js';
import { runUntilStopped } from '../../cli/until-stopped.js';
import { startTasmotaFleet } from './fleet.js';
import type { TasmotaPlug } from './plug.js';
import type { TasmotaFaults } from './types.js';
import { loadsFlag, mqttUrlFlag } from '../cli-flags.js';
import { COMMON_STEADY_FAULTS, parseFaults } from '../fault-flags.js';
import { startFleetOrReport } from '../start-all.js';

/** Test hooks: stop without a process signal, shorter connect timeout, a non-zero Total at boot. */
export interface SimCliOptions {
  signal?: AbortSignal;
  connectTimeoutMs?: number;
  initialEnergyTotalKWh?: number;
}

export const SIM_TASMOTA_USAGE = `Usage: wattbridge sim tasmota [flags]

Run simulated Tasmota smart plugs against an MQTT broker until Ctrl-C.

  --count N            number of plugs (default 1)
  --mqtt-url URL       broker (default mqtt://127.0.0.1:1883)
  --tele-period S      TelePeriod in seconds, 10..3600, 0 = off (default 300)
  --topic-prefix NAME  topics NAME_1..NAME_N (default tasmota_<MAC6>)
  --load W,W,...       watts per plug when on, used round-robin
  --fault F            make every plug misbehave; repeat for several faults:
    duplicate          every message is published twice
    no-ntp             no time sync: Time counts from 1970, timers never fire
    reply-late         command replies are published 3 s late
    never-reply        commands are swallowed: nothing changes, nothing is said
    die[:S]            after S s, dies without a clean disconnect (LWT Offline)
    counter-reset[:S]  after S s, energy counters drop to 0 (power lost unsaved)
                       S: 1..604800 seconds, default 60; each strikes once, and
                       a dead plug stays dead, like one unplugged, until Ctrl-C
  -h, --help           this text
`;

/** Faults on from the start; they take no value. */
const STEADY_FAULTS: Record<string, TasmotaFaults> = {
  ...COMMON_STEADY_FAULTS,
  'no-ntp': { noNtp: true },
};
/** Faults that strike once, `:SECONDS` after the plugs are up. */
const STRIKE_FAULTS = ['die', 'counter-reset'] as const;

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  return n;
}

/** Faults that strike once, seconds after the plugs are up: every plug dies
 * uncleanly (the broker publishes its LWT) and stays dead; energy counters fall to 0. */
type Strikes = Partial<Record<(typeof STRIKE_FAULTS)[number], number>>;

interface Faults {
  plug: TasmotaFaults;
  strikes: Strikes;
}

/** Schedule the one-shot faults on every plug; returns a function that cancels what has not struck. */
function armStrikes(plugs: TasmotaPlug[], strikes: Strikes, io: CommandIo): () => void {
  const timers: NodeJS.Timeout[] = [];
  const { 'counter-reset': counterResetAfterS, die: dieAfterS } = strikes;
  if (counterResetAfterS !== undefined) {
    timers.push(
      setTimeout(() => {
        for (const plug of plugs) {
          plug.tick(); // integrate up to now, so the count restarts from this moment
          const was = plug.energy().totalKWh;
          plug.resetCounters();
          io.stderr.write(
            `${plug.topic}: fault counter-reset: energy counters now 0 (Total was ${was.toFixed(3)} kWh)\n`,
          );
        }
      }, counterResetAfterS * 1000),
    );
  }
  if (dieAfterS !== undefined) {
    timers.push(
      setTimeout(() => {
        for (const plug of plugs) {
          plug.kill();
          io.stderr.write(
            `${plug.topic}: fault die: connection dropped without a disconnect; dead until Ctrl-C\n`,
          );
        }
      }, dieAfterS * 1000),
    );
  }
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}

interface SimArgs {
  count: number;
  mqttUrl: string;
  telePeriodS: number;
  topicPrefix?: string;
  loads?: number[];
  faults: Faults;
  help: boolean;
}

function parse(argv: string[]): SimArgs {
  const { values } = parseFlags({
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
  });
  const mqttUrl = mqttUrlFlag(values['mqtt-url']);
  const teleText = values['tele-period'];
  const telePeriodS = teleText === undefined ? 300 : Number(teleText);
  if (!Number.isInteger(telePeriodS) || telePeriodS < 0 || telePeriodS > 3600) {
    throw new UsageError(`--tele-period must be 0..3600 seconds, got "${teleText}"`);
  }
  const prefix = values['topic-prefix'];
  if (prefix !== undefined && (prefix === '' || /[+#/]/.test(prefix))) {
    throw new UsageError(`--topic-prefix must be a plain topic level, got "${prefix}"`);
  }
  const loads = loadsFlag(values.load);
  return {
    count: positiveInt('count', values.count, 1),
    mqttUrl,
    telePeriodS,
    topicPrefix: prefix,
    loads,
    faults: (({ faults, strikes }) => ({ plug: faults, strikes }))(
      parseFaults<TasmotaFaults, (typeof STRIKE_FAULTS)[number]>(
        values.fault ?? [],
        STEADY_FAULTS,
        STRIKE_FAULTS,
      ),
    ),
    help: values.help ?? false,
  };
}

/** `wattbridge sim tasmota ...` — `argv` holds the arguments after `sim tasmota`. */
export async function simTasmotaCommand(
  argv: string[],
  io: CommandIo,
  options: SimCliOptions = {},
): Promise<number> {
  const args = argsOrExit('sim tasmota', SIM_TASMOTA_USAGE, io, () => parse(argv));
  if ('exit' in args) return args.exit;
  const fleet = await startFleetOrReport('sim tasmota', args.mqttUrl, io, () =>
    startTasmotaFleet({
      mqttUrl: args.mqttUrl,
      count: args.count,
      topicPrefix: args.topicPrefix,
      telePeriodS: args.telePeriodS,
      loads: args.loads,
      faults: args.faults.plug,
      connectTimeoutMs: options.connectTimeoutMs,
      initialEnergyTotalKWh: options.initialEnergyTotalKWh,
    }),
  );
  if (!fleet) return 1;
  for (const plug of fleet.plugs) io.stdout.write(`${plug.topic} ${plug.mac}\n`);
  io.stderr.write(
    `${fleet.plugs.length} simulated Tasmota plug(s) on ${args.mqttUrl}; Ctrl-C to stop\n`,
  );
  const disarm = armStrikes(fleet.plugs, args.faults.strikes, io);
  // Dead plugs hold no socket open; keep running until Ctrl-C all the same, so
  // the user can watch the hub mark them unavailable.
  await runUntilStopped(options.signal);
  disarm();
  await fleet.stop();
  io.stderr.write('stopped\n');
  return 0;
}

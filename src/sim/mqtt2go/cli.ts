import { parseFlags, UsageError, argsOrExit, type CommandIo } from '../../cli/usage-error.js';
import { runUntilStopped } from '../../cli/until-stopped.js';
import { startMqtt2goFleet } from './fleet.js';
import type { Mqtt2goFaults, Mqtt2goSocket } from './socket.js';
import type { SimVersion } from './wire.js';
import { loadsFlag, mqttUrlFlag } from '../cli-flags.js';
import { COMMON_STEADY_FAULTS, parseFaults } from '../fault-flags.js';
import { startFleetOrReport } from '../start-all.js';

/** Test hooks: stop without a process signal, a clock, a shorter connect timeout. */
export interface SimMqtt2goCliOptions {
  signal?: AbortSignal;
  clock?: () => number;
  connectTimeoutMs?: number;
}

export const SIM_MQTT2GO_USAGE = `Usage: wattbridge sim mqtt2go [flags]

Run simulated MQTT2GO smart sockets against an MQTT broker until Ctrl-C.

  --count N            number of sockets (default 1)
  --mqtt-url URL       broker (default mqtt://127.0.0.1:1883)
  --home ID            home_id (default BRQ)
  --gateway ID         gateway_id (default BUT)
  --version V          2.1 (…/<dev>/<entity>/in|out) or 1.2 (…/<group>/socket/<dev>); default 2.1
  --group ID           1.2 group_id (default group1)
  --id-prefix NAME     dev_ids NAME_1..NAME_N (default socket)
  --interval S         seconds between periodic reports, 1..3600 (default 10)
  --load W,W,...       watts per socket when on, used round-robin
  --power-on           sockets start switched on
  --fault F            make every socket misbehave; repeat for several faults:
    duplicate          every message is published twice
    no-ntp             no time sync: timestamps count from 1970, timers never fire
    reply-late         answers to commands are published 3 s late
    never-reply        commands are swallowed: nothing changes, nothing is said
    die[:S]            after S s, dies without a clean disconnect (no LWT exists
                       in MQTT2GO: the hub notices by silence)
    counter-reset[:S]  after S s, the consumption counter drops to 0
                       S: 1..604800 seconds, default 60; each strikes once
  -h, --help           this text
`;

const LEVEL = /^[^+#/\s]+$/;

/** Faults that strike once, some seconds after the sockets are up. */
const STRIKES = {
  die: (s: Mqtt2goSocket) => s.kill(),
  'counter-reset': (s: Mqtt2goSocket) => s.resetCounter(),
} as const;
type StrikeName = keyof typeof STRIKES;
const STRIKE_NAMES = Object.keys(STRIKES) as StrikeName[];

const STEADY: Record<string, Mqtt2goFaults> = {
  ...COMMON_STEADY_FAULTS,
  'no-ntp': { noNtp: true },
};

interface SimArgs {
  count: number;
  mqttUrl: string;
  home: string;
  gateway: string;
  version: SimVersion;
  group: string;
  idPrefix: string;
  intervalS: number;
  loads?: number[];
  powerOn: boolean;
  faults: Mqtt2goFaults;
  strikes: Partial<Record<StrikeName, number>>;
  help: boolean;
}

function intFlag(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number 1..${max}, got "${text}"`);
  return n;
}

function levelFlag(name: string, text: string | undefined, fallback: string): string {
  const v = text ?? fallback;
  if (!LEVEL.test(v)) throw new UsageError(`--${name} must be one topic level, got "${v}"`);
  return v;
}

function parse(argv: string[]): SimArgs {
  const { values } = parseFlags({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      count: { type: 'string' },
      'mqtt-url': { type: 'string' },
      home: { type: 'string' },
      gateway: { type: 'string' },
      version: { type: 'string' },
      group: { type: 'string' },
      'id-prefix': { type: 'string' },
      interval: { type: 'string' },
      load: { type: 'string' },
      'power-on': { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const mqttUrl = mqttUrlFlag(values['mqtt-url']);
  const version = values.version ?? '2.1';
  if (version !== '2.1' && version !== '1.2')
    throw new UsageError(`--version must be 2.1 or 1.2, got "${version}"`);
  const loads = loadsFlag(values.load);
  return {
    count: intFlag('count', values.count, 1, 10_000),
    mqttUrl,
    home: levelFlag('home', values.home, 'BRQ'),
    gateway: levelFlag('gateway', values.gateway, 'BUT'),
    version,
    group: levelFlag('group', values.group, 'group1'),
    idPrefix: levelFlag('id-prefix', values['id-prefix'], 'socket'),
    intervalS: intFlag('interval', values.interval, 10, 3600),
    loads,
    powerOn: values['power-on'] ?? false,
    ...parseFaults<Mqtt2goFaults, StrikeName>(values.fault ?? [], STEADY, STRIKE_NAMES),
    help: values.help ?? false,
  };
}

/** Schedule the one-shot faults; returns a function that cancels what has not struck. */
function armStrikes(
  sockets: Mqtt2goSocket[],
  strikes: SimArgs['strikes'],
  io: CommandIo,
): () => void {
  const timers = Object.entries(strikes).map(([name, seconds]) =>
    setTimeout(() => {
      for (const s of sockets) {
        STRIKES[name as StrikeName](s);
        io.stderr.write(`${s.devId}: fault ${name} struck\n`);
      }
    }, seconds * 1000),
  );
  return () => timers.forEach(clearTimeout);
}

/** `wattbridge sim mqtt2go ...` — `argv` holds the arguments after `sim mqtt2go`. */
export async function simMqtt2goCommand(
  argv: string[],
  io: CommandIo,
  options: SimMqtt2goCliOptions = {},
): Promise<number> {
  const args = argsOrExit('sim mqtt2go', SIM_MQTT2GO_USAGE, io, () => parse(argv));
  if ('exit' in args) return args.exit;
  const fleet = await startFleetOrReport('sim mqtt2go', args.mqttUrl, io, () =>
    startMqtt2goFleet({
      mqttUrl: args.mqttUrl,
      count: args.count,
      version: args.version,
      home: args.home,
      gateway: args.gateway,
      group: args.group,
      idPrefix: args.idPrefix,
      intervalMs: args.intervalS * 1000,
      loads: args.loads,
      powerOn: args.powerOn,
      faults: args.faults,
      clock: options.clock,
      connectTimeoutMs: options.connectTimeoutMs,
    }),
  );
  if (!fleet) return 1;
  for (const s of fleet.sockets) io.stdout.write(`${s.devId} ${args.version}\n`);
  io.stderr.write(
    `${fleet.sockets.length} simulated MQTT2GO ${args.version} socket(s) in ${args.home}/${args.gateway} on ${args.mqttUrl}; Ctrl-C to stop\n`,
  );
  const disarm = armStrikes(fleet.sockets, args.strikes, io);
  // Dead sockets hold nothing open; keep running until Ctrl-C all the same.
  await runUntilStopped(options.signal);
  disarm();
  await fleet.stop();
  io.stderr.write('stopped\n');
  return 0;
}

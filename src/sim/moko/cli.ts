import { parseFlags, UsageError, argsOrExit, type CommandIo } from '../../cli/usage-error.js';
import { runUntilStopped } from '../../cli/until-stopped.js';
import { MokoApPlug, type ApFaults } from './ap.js';
import { startMokoFleet, type MokoFleet } from './fleet.js';
import { DEFAULT_IDENTITY, fleetIdentity } from './identity.js';
import type { MokoFaults, MokoPlug } from './plug.js';
import { loadsFlag, mqttUrlFlag } from '../cli-flags.js';
import { COMMON_STEADY_FAULTS, parseFaults } from '../fault-flags.js';
import { startFleetOrReport } from '../start-all.js';

/** Test hooks: stop without a process signal; shorter connect timeout. */
export interface SimMokoOptions {
  signal?: AbortSignal;
  connectTimeoutMs?: number;
}

export const SIM_MOKO_USAGE = `Usage: wattbridge sim moko [flags]

Run simulated Moko MK102/MK112 smart plugs until Ctrl-C: plugs already
provisioned on a broker, and/or one plug waiting in AP mode to be provisioned
('wattbridge provision moko').

  --count N            provisioned plugs (default 1, or 0 with --ap-port)
  --mqtt-url URL       their broker, mqtt:// or mqtts://, user:password@ allowed
                       (default mqtt://127.0.0.1:1883)
  --keepalive S        MQTT keepalive, 60..120 (default 60)
  --qos N              QoS of everything the plugs publish, 0..2 (default 1)
  --load W,W,...       watts per plug when on, used round-robin
  --no-metering        plugs without power metering (device_type "0")
  --ap-port PORT       also run one plug in AP mode on this TCP port (the real
                       plug: 8266); it connects where it is told once provisioned
  --ap-host ADDR       address the AP-mode plug listens on (default 127.0.0.1)
  --ap-fault F         AP-mode misbehaviour: close:HEADER, garbage:HEADER,
                       silent:HEADER (HEADER 4001, 4002 or 4003), nul-padding
  --fault F            make every plug misbehave; repeat for several:
    duplicate          every message is published twice
    reply-late         what a command makes a plug publish comes 3 s late
    never-reply        commands are swallowed: nothing changes, nothing is said
    no-heartbeat       the 30 s switch_state stops (the hub marks it offline)
    die[:S]            after S s (default 60), every plug drops off the network
  -h, --help           this text

Signals: SIGUSR1 holds every plug's button for 10 s (factory reset: delete_device);
SIGUSR2 power-cycles every plug (a running countdown is lost).
`;

interface SimArgs {
  count: number;
  mqttUrl: string;
  keepalive: number;
  qos: number;
  loads?: number[];
  metering: boolean;
  apPort?: number;
  apHost: string;
  apFaults: ApFaults;
  faults: MokoFaults;
  dieAfterS?: number;
  help: boolean;
}

function intFlag(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

function parseApFaults(texts: string[]): ApFaults {
  const f: ApFaults = {};
  for (const text of texts) {
    if (text === 'nul-padding') {
      f.trailingNul = true;
      continue;
    }
    const [name, value] = text.split(':', 2) as [string, string | undefined];
    const header = intFlag(`ap-fault ${name}:HEADER`, value, 4001, 4003, 0);
    if (name === 'close') f.closeOn = header;
    else if (name === 'garbage') f.garbageOn = header;
    else if (name === 'silent') f.silentOn = header;
    else
      throw new UsageError(
        `unknown --ap-fault "${text}" (close:H, garbage:H, silent:H, nul-padding)`,
      );
  }
  return f;
}

function parse(argv: string[]): SimArgs {
  const { values } = parseFlags({
    args: argv,
    allowPositionals: false,
    strict: true,
    options: {
      count: { type: 'string' },
      'mqtt-url': { type: 'string' },
      keepalive: { type: 'string' },
      qos: { type: 'string' },
      load: { type: 'string' },
      'no-metering': { type: 'boolean' },
      'ap-port': { type: 'string' },
      'ap-host': { type: 'string' },
      'ap-fault': { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const mqttUrl = mqttUrlFlag(values['mqtt-url']);
  const scheme = new URL(mqttUrl).protocol;
  if (scheme !== 'mqtt:' && scheme !== 'mqtts:')
    throw new UsageError(
      `--mqtt-url must be mqtt:// or mqtts:// (a Moko plug speaks nothing else), got "${mqttUrl}"`,
    );
  const loads = loadsFlag(values.load);
  const apPort =
    values['ap-port'] === undefined
      ? undefined
      : intFlag('ap-port', values['ap-port'], 0, 65535, 0);
  const {
    faults,
    strikes: { die: dieAfterS },
  } = parseFaults<MokoFaults, 'die'>(
    values.fault ?? [],
    { ...COMMON_STEADY_FAULTS, 'no-heartbeat': { noHeartbeat: true } },
    ['die'],
  );
  return {
    count: intFlag(
      'count',
      values.count,
      apPort === undefined ? 1 : 0,
      10_000,
      apPort === undefined ? 1 : 0,
    ),
    mqttUrl,
    keepalive: intFlag('keepalive', values.keepalive, 60, 120, 60),
    qos: intFlag('qos', values.qos, 0, 2, 1),
    loads,
    metering: !values['no-metering'],
    apPort,
    apHost: values['ap-host'] ?? '127.0.0.1',
    apFaults: parseApFaults(values['ap-fault'] ?? []),
    faults,
    dieAfterS,
    help: values.help ?? false,
  };
}

/** `wattbridge sim moko ...` — `argv` holds the arguments after `sim moko`. */
export async function simMokoCommand(
  argv: string[],
  io: CommandIo,
  options: SimMokoOptions = {},
): Promise<number> {
  const args = argsOrExit('sim moko', SIM_MOKO_USAGE, io, () => parse(argv));
  if ('exit' in args) return args.exit;
  const plugs: MokoPlug[] = [];
  let fleet: MokoFleet | undefined;
  if (args.count > 0) {
    fleet = await startFleetOrReport('sim moko', args.mqttUrl, io, () =>
      startMokoFleet({
        mqttUrl: args.mqttUrl,
        count: args.count,
        keepalive: args.keepalive,
        qos: args.qos,
        loads: args.loads,
        metering: args.metering,
        faults: args.faults,
        connectTimeoutMs: options.connectTimeoutMs,
      }),
    );
    if (!fleet) return 1;
    plugs.push(...fleet.plugs);
    for (const p of fleet.plugs) io.stdout.write(`${p.id} ${p.base}\n`);
    io.stderr.write(
      `${fleet.plugs.length} simulated Moko plug(s) on ${args.mqttUrl}; Ctrl-C to stop\n`,
    );
  }
  let ap: MokoApPlug | undefined;
  if (args.apPort !== undefined) {
    const identity = fleetIdentity('moko-ap', 0, args.metering);
    ap = new MokoApPlug({
      identity,
      port: args.apPort,
      host: args.apHost,
      faults: args.apFaults,
      plug: { faults: args.faults, loadWatts: args.loads?.[0] },
    });
    let port: number;
    try {
      port = await ap.start();
    } catch (err) {
      io.stderr.write(
        `wattbridge sim moko: cannot listen on ${args.apHost}:${args.apPort} (${(err as Error).message})\n`,
      );
      await fleet?.stop();
      return 1;
    }
    ap.on('request', (r: { text: string; code: number }) =>
      io.stderr.write(`AP: ${hideSecrets(r.text)} -> code ${r.code}\n`),
    );
    ap.on('provisioned', (p: MokoPlug) => {
      plugs.push(p);
      io.stdout.write(`${p.id} ${p.base}\n`);
      io.stderr.write(
        `AP plug provisioned: connected to ${ap?.broker?.host}:${ap?.broker?.port}\n`,
      );
    });
    ap.on('connect-failed', (err: Error) =>
      io.stderr.write(`AP plug provisioned, but its broker is unreachable: ${err.message}\n`),
    );
    io.stderr.write(
      `Moko plug in AP mode on ${args.apHost}:${port} (${DEFAULT_IDENTITY.device_function}/${identity.device_name}/${identity.device_specifications}, MAC ${identity.device_mac}); Ctrl-C to stop\n`,
    );
  }
  const onUsr1 = () => {
    for (const p of plugs.splice(0)) {
      io.stderr.write(`${p.id}: button held 10 s: factory reset (delete_device)\n`);
      void p.pressButton(10);
    }
  };
  const onUsr2 = () => {
    for (const p of plugs) {
      io.stderr.write(`${p.id}: power cycled\n`);
      void p.powerCycle(1000).catch((err: Error) => io.stderr.write(`${p.id}: ${err.message}\n`));
    }
  };
  process.on('SIGUSR1', onUsr1);
  process.on('SIGUSR2', onUsr2);
  const die =
    args.dieAfterS === undefined
      ? undefined
      : setTimeout(() => {
          for (const p of plugs) {
            p.kill();
            io.stderr.write(`${p.id}: fault die: dropped off the network; dead until Ctrl-C\n`);
          }
        }, args.dieAfterS * 1000);
  await runUntilStopped(options.signal);
  if (die) clearTimeout(die);
  process.off('SIGUSR1', onUsr1);
  process.off('SIGUSR2', onUsr2);
  await ap?.stop();
  await Promise.all(plugs.map((p) => p.stop()));
  io.stderr.write('stopped\n');
  return 0;
}

/** A request as logged: passwords replaced. */
function hideSecrets(text: string): string {
  return text.replace(/("(?:password|wifi_pwd)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"***"');
}

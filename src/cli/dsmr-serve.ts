import { untilStopped } from './until-stopped.js';
import { UsageError, hexFlag } from './usage-error.js';
/**
 * `wattbridge dsmr serve`: one P1 meter (serial, network reader or a
 * recording) to smartmeter2mqtt's JSON socket, raw socket and MQTT topics,
 * a drop-in for smartmeter2mqtt without its defects (research/dsmr.md 1.8b).
 * Wiring only: options to settings, settings to a P1Service; the inputs,
 * outputs and decoding live in src/dsmr/io and src/dsmr.
 */
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import {
  DEFAULT_DISTINCT_FIELDS,
  DEFAULT_MAX_CLIENTS,
  DEFAULT_MQTT_PREFIX,
  JsonSocketOutput,
  ListenError,
  MqttOutput,
  P1Service,
  RawSocketOutput,
  ReplayInput,
  SerialInput,
  TcpInput,
  parseHostPort,
  type P1Output,
  type P1Source,
} from '../dsmr/io/index.js';
import type { CliIo } from './io.js';
import { createLogger } from './logger.js';

export const DSMR_SERVE_USAGE = `Usage: wattbridge dsmr serve INPUT OUTPUT... [options]

Reads one DSMR P1 meter and serves its telegrams the way smartmeter2mqtt does:
a JSON socket, a raw socket and MQTT topics. Runs until Ctrl-C (SIGINT/SIGTERM);
a replayed file stops it when it ends.

Input (exactly one):
  --p1-serial PATH         serial port of the P1 cable, 115200 baud 8N1 (DSMR 4/5)
  --p1-legacy              with --p1-serial: 9600 baud 7E1 (DSMR 2.2/3)
  --p1-tcp HOST:PORT       network P1 reader; reconnects forever
  --p1-file FILE|-         replay a recording (- for stdin)
  --replay-rate N          with --p1-file: telegrams per second, 0 = as fast as possible (default 1)
  --p1-key HEX             AES-128 key of an encrypted meter, 32 hex digits (or $WATTBRIDGE_P1_KEY)
  --p1-aad HEX             authentication key (32 hex digits) or full AAD (34);
                           default the Smarty key (or $WATTBRIDGE_P1_AAD)

Outputs (at least one):
  --p1-json-port N         JSON socket: one smartmeter2mqtt JSON line (CRLF) per telegram
  --p1-raw-port N          raw socket: each valid telegram's bytes (decrypted when --p1-key)
  --p1-host ADDR           address the sockets listen on (default 127.0.0.1; 0.0.0.0 for all)
  --p1-max-clients N       clients per socket (default ${DEFAULT_MAX_CLIENTS})
  --mqtt-url URL           MQTT broker (mqtt://, mqtts://, ws://, wss://)
  --mqtt-prefix P          topic prefix (default ${DEFAULT_MQTT_PREFIX}): P/connected, P/status/energy
  --mqtt-distinct          also P/status/<field> = {"ts":...,"val":...} per field
  --mqtt-distinct-fields a,b,c
                           fields for --mqtt-distinct (implies it); default
                           ${DEFAULT_DISTINCT_FIELDS.join(',')}
  --mqtt-last-reset TEXT   add "last_reset": TEXT to P/status/energy
  --mqtt-discovery         Home Assistant discovery (retained, once after the first telegram)
  --mqtt-discovery-prefix D
                           discovery prefix (default homeassistant; implies --mqtt-discovery)

  --log-level L            fatal, error, warn, info (default), debug, trace or silent
  -h, --help               show this text

Exit status: 0 after Ctrl-C or the end of a replay, 1 when a port is taken or
the input cannot be read, 2 on bad usage.`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ws:', 'wss:'];
const SUMMARY_EVERY_MS = 60_000;
/** Closing sockets and saying goodbye to the broker takes a second or two at most. */
const STOP_WAIT_MS = 5000;

type Input =
  | { kind: 'serial'; path: string; legacy: boolean }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'file'; path: string; rate: number };

interface MqttSettings {
  url: string;
  prefix: string;
  distinctFields: readonly string[] | null;
  lastReset?: string;
  discoveryPrefix?: string;
}

interface Settings {
  input: Input;
  key?: Buffer;
  aad?: Buffer;
  host: string;
  jsonPort?: number;
  rawPort?: number;
  maxClients: number;
  mqtt?: MqttSettings;
  logLevel: string;
}

const OPTIONS = {
  'p1-serial': { type: 'string' },
  'p1-legacy': { type: 'boolean' },
  'p1-tcp': { type: 'string' },
  'p1-file': { type: 'string' },
  'replay-rate': { type: 'string' },
  'p1-key': { type: 'string' },
  'p1-aad': { type: 'string' },
  'p1-json-port': { type: 'string' },
  'p1-raw-port': { type: 'string' },
  'p1-max-clients': { type: 'string' },
  'p1-host': { type: 'string' },
  'mqtt-url': { type: 'string' },
  'mqtt-prefix': { type: 'string' },
  'mqtt-distinct': { type: 'boolean' },
  'mqtt-distinct-fields': { type: 'string' },
  'mqtt-last-reset': { type: 'string' },
  'mqtt-discovery': { type: 'boolean' },
  'mqtt-discovery-prefix': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function wholeNumber(flag: string, text: string | undefined, min: number, max: number) {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

function oneOf(flag: string, text: string, allowed: readonly string[]): string {
  if (!allowed.includes(text))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not "${text}"`);
  return text;
}

function inputFrom(v: Values): Input {
  const given = (['p1-serial', 'p1-tcp', 'p1-file'] as const).filter((f) => v[f] !== undefined);
  if (given.length === 0)
    throw new UsageError('give one input: --p1-serial PATH, --p1-tcp HOST:PORT or --p1-file FILE');
  if (given.length > 1)
    throw new UsageError(`give only one input, not ${given.map((f) => `--${f}`).join(' and ')}`);
  if (v['p1-legacy'] === true && v['p1-serial'] === undefined)
    throw new UsageError('--p1-legacy goes with --p1-serial');
  if (v['replay-rate'] !== undefined && v['p1-file'] === undefined)
    throw new UsageError('--replay-rate goes with --p1-file');
  if (v['p1-serial'] !== undefined)
    return { kind: 'serial', path: v['p1-serial'], legacy: v['p1-legacy'] === true };
  if (v['p1-tcp'] !== undefined) {
    const hp = parseHostPort(v['p1-tcp']);
    if (typeof hp === 'string') throw new UsageError(`--p1-tcp: ${hp}`);
    return { kind: 'tcp', ...hp };
  }
  const rateText = v['replay-rate'] ?? '1';
  const rate = /^\d+(\.\d+)?$/.test(rateText) ? Number(rateText) : NaN;
  if (!(rate >= 0))
    throw new UsageError(
      `--replay-rate must be a number of telegrams per second, 0 or more, not "${rateText}"`,
    );
  return { kind: 'file', path: v['p1-file']!, rate };
}

function mqttFrom(v: Values): MqttSettings | undefined {
  const url = v['mqtt-url'];
  if (url === undefined) {
    const stray = (
      [
        'mqtt-prefix',
        'mqtt-distinct',
        'mqtt-distinct-fields',
        'mqtt-last-reset',
        'mqtt-discovery',
        'mqtt-discovery-prefix',
      ] as const
    ).find((f) => v[f] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} goes with --mqtt-url`);
    return undefined;
  }
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`--mqtt-url "${url}" is not a URL (for example mqtt://localhost:1883)`);
  }
  oneOf('mqtt-url scheme', protocol, MQTT_PROTOCOLS);
  const prefix = v['mqtt-prefix'] ?? DEFAULT_MQTT_PREFIX;
  if (!/^[^#+/]+(\/[^#+/]+)*$/.test(prefix))
    throw new UsageError(
      `--mqtt-prefix must be topic levels without + or # and without a leading or trailing /, not "${prefix}"`,
    );
  let distinctFields: readonly string[] | null = null;
  if (v['mqtt-distinct-fields'] !== undefined) {
    const fields = v['mqtt-distinct-fields'].split(',').map((f) => f.trim());
    const bad = fields.find((f) => !/^[A-Za-z0-9_]+$/.test(f));
    if (bad !== undefined)
      throw new UsageError(
        `--mqtt-distinct-fields takes field names such as ${DEFAULT_DISTINCT_FIELDS.slice(0, 3).join(',')}, separated by commas; "${bad}" is not one`,
      );
    distinctFields = fields;
  } else if (v['mqtt-distinct'] === true) distinctFields = DEFAULT_DISTINCT_FIELDS;
  const discoveryPrefix =
    v['mqtt-discovery-prefix'] ?? (v['mqtt-discovery'] === true ? 'homeassistant' : undefined);
  if (discoveryPrefix !== undefined && !/^[^#+/]+(\/[^#+/]+)*$/.test(discoveryPrefix))
    throw new UsageError(
      `--mqtt-discovery-prefix must be topic levels without + or #, not "${discoveryPrefix}"`,
    );
  return { url, prefix, distinctFields, lastReset: v['mqtt-last-reset'], discoveryPrefix };
}

function settingsFrom(v: Values, env: NodeJS.ProcessEnv): Settings {
  const input = inputFrom(v);
  const jsonPort = wholeNumber('p1-json-port', v['p1-json-port'], 0, 65535);
  const rawPort = wholeNumber('p1-raw-port', v['p1-raw-port'], 0, 65535);
  const mqtt = mqttFrom(v);
  if (jsonPort === undefined && rawPort === undefined && mqtt === undefined)
    throw new UsageError(
      'give at least one output: --p1-json-port N, --p1-raw-port N or --mqtt-url URL',
    );
  if (jsonPort !== undefined && jsonPort !== 0 && jsonPort === rawPort)
    throw new UsageError('--p1-json-port and --p1-raw-port must be different ports');
  return {
    input,
    key: hexFlag('p1-key', v['p1-key'] ?? env.WATTBRIDGE_P1_KEY, [32]),
    aad: hexFlag('p1-aad', v['p1-aad'] ?? env.WATTBRIDGE_P1_AAD, [32, 34]),
    host: v['p1-host'] ?? '127.0.0.1',
    jsonPort,
    rawPort,
    maxClients:
      wholeNumber('p1-max-clients', v['p1-max-clients'], 1, 100_000) ?? DEFAULT_MAX_CLIENTS,
    mqtt,
    logLevel: oneOf('log-level', v['log-level'] ?? 'info', LOG_LEVELS),
  };
}

function sourceFor(input: Input, io: CliIo): P1Source {
  switch (input.kind) {
    case 'serial':
      return new SerialInput({ path: input.path, legacy: input.legacy });
    case 'tcp':
      return new TcpInput({ host: input.host, port: input.port });
    case 'file':
      return new ReplayInput({ path: input.path, stdin: io.stdin, rate: input.rate });
  }
}

function outputsFor(s: Settings, log: Logger): P1Output[] {
  const outputs: P1Output[] = [];
  const common = { host: s.host, maxClients: s.maxClients, log };
  if (s.jsonPort !== undefined) outputs.push(new JsonSocketOutput({ ...common, port: s.jsonPort }));
  if (s.rawPort !== undefined) outputs.push(new RawSocketOutput({ ...common, port: s.rawPort }));
  if (s.mqtt !== undefined) {
    outputs.push(
      new MqttOutput({
        url: s.mqtt.url,
        prefix: s.mqtt.prefix,
        distinct: s.mqtt.distinctFields !== null,
        distinctFields: s.mqtt.distinctFields ?? undefined,
        lastReset: s.mqtt.lastReset,
        discoveryPrefix: s.mqtt.discoveryPrefix,
        log,
      }),
    );
  }
  return outputs;
}

const PORT_FLAG: Record<string, string> = {
  'json socket': '--p1-json-port',
  'raw socket': '--p1-raw-port',
};

/** What ends the run: SIGINT/SIGTERM, `signal`, or the input's end; `cancel` unhooks all. */
function stopTrigger(
  service: P1Service,
  signal: AbortSignal | undefined,
): { stopped: Promise<string>; cancel(): void } {
  const stop = untilStopped(signal);
  let onEnded = () => {};
  const ended = new Promise<string>((resolve) => {
    onEnded = () => resolve('input ended');
    service.once('ended', onEnded);
  });
  const cancel = () => {
    stop.dispose();
    service.off('ended', onEnded);
  };
  const stopped = Promise.race([stop.stopped, ended]).then((why) => {
    cancel();
    return why;
  });
  return { stopped, cancel };
}

/**
 * Runs `dsmr serve`; `argv` holds the arguments after `dsmr serve`. Resolves
 * to the exit status once stopped by a signal, `signal` (tests) or the end
 * of a replayed input.
 */
export async function dsmrServeCommand(
  argv: string[],
  io: CliIo,
  signal?: AbortSignal,
): Promise<number> {
  let settings: Settings;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      io.stdout.write(`${DSMR_SERVE_USAGE}\n`);
      return 0;
    }
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument "${positionals[0]}"; options start with --`);
    settings = settingsFrom(values, io.env);
  } catch (e) {
    io.stderr.write(`dsmr serve: ${(e as Error).message}\n\n${DSMR_SERVE_USAGE}\n`);
    return 2;
  }

  const input = settings.input;
  if (input.kind === 'file' && input.path !== '-') {
    try {
      await access(input.path);
    } catch (e) {
      io.stderr.write(`dsmr serve: cannot read ${input.path}: ${(e as Error).message}\n`);
      return 1;
    }
  }

  const log = createLogger(settings.logLevel, io.stderr as NodeJS.WriteStream);
  const source = sourceFor(input, io);
  const outputs = outputsFor(settings, log);
  const service = new P1Service({
    source,
    outputs,
    decoder: { key: settings.key, aad: settings.aad },
    log,
    summaryEveryMs: SUMMARY_EVERY_MS,
  });
  let failure: string | undefined;
  service.on('state', (s) => {
    if (s.state === 'ended' && s.reason !== undefined) failure = s.reason;
  });
  // Hooked before start so a replay that ends at once is not missed.
  const trigger = stopTrigger(service, signal);
  try {
    await service.start();
  } catch (e) {
    trigger.cancel();
    if (!(e instanceof ListenError)) throw e;
    const flag = PORT_FLAG[e.kind];
    io.stderr.write(`dsmr serve: ${e.message}${flag ? `; choose another with ${flag}` : ''}\n`);
    await source.stop();
    return 1;
  }
  log.info(
    { input: source.description, outputs: outputs.map((o) => o.description) },
    'wattbridge dsmr serve is running; Ctrl-C stops it',
  );
  const why = await trigger.stopped;
  log.info({ why }, 'stopping');
  const stopped = await Promise.race([
    service.stop().then(() => true),
    sleep(STOP_WAIT_MS, false, { ref: false }),
  ]);
  if (!stopped) {
    log.error(`shutdown took longer than ${STOP_WAIT_MS / 1000} s; exiting anyway`);
    return 1;
  }
  return failure === undefined ? 0 : 1;
}

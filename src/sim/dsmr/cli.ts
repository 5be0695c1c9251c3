import { untilStopped } from '../../cli/until-stopped.js';
/**
 * `wattbridge sim dsmr`: wiring only. The meter (model.ts), the wire format
 * (source.ts) and the outputs (tcp.ts, pty.ts, sink.ts) live elsewhere.
 */
import type { CliIo } from '../../cli/io.js';
import { UsageError } from '../../cli/usage-error.js';
import { parseSimDsmrArgs, SIM_DSMR_USAGE, type SimDsmrArgs } from './args.js';
import { DlmsEncryptor } from './encrypt.js';
import { MeterModel } from './model.js';
import { openSerialPty } from './pty.js';
import { runPump } from './pump.js';
import { streamSink, type TelegramSink } from './sink.js';
import { TelegramSource } from './source.js';
import { startTcpSink } from './tcp.js';

export { SIM_DSMR_USAGE } from './args.js';

export interface SimDsmrOptions {
  /** Stops the meter like SIGINT does. */
  signal?: AbortSignal;
}

/** Frame counters start from the seconds since 2020, so a restarted meter does not reuse IVs under its key. */
const COUNTER_EPOCH_MS = Date.UTC(2020, 0, 1);

/** The first failure an output reports while running; it ends the run. */
function firstFailure(): {
  report(message: string): void;
  failed: Promise<void>;
  message?: string;
} {
  let resolve = (): void => {};
  const f = {
    message: undefined as string | undefined,
    failed: new Promise<void>((r) => (resolve = r)),
    report(message: string): void {
      f.message ??= message;
      resolve();
    },
  };
  return f;
}

/** Opens every output asked for; on a failure closes the ones already open and rethrows. */
async function openSinks(
  a: SimDsmrArgs,
  io: CliIo,
  onFailure: (message: string) => void,
): Promise<TelegramSink[]> {
  const sinks: TelegramSink[] = [];
  try {
    if (a.tcpPort !== undefined) sinks.push(await startTcpSink(a.host, a.tcpPort));
    if (a.serialPty !== undefined) sinks.push(await openSerialPty(a.serialPty, io.env, onFailure));
    if (a.stdout) sinks.push(streamSink(io.stdout, onFailure));
  } catch (err) {
    await Promise.all(sinks.map((s) => s.close()));
    throw err;
  }
  return sinks;
}

function startLine(a: SimDsmrArgs, model: MeterModel, sinks: TelegramSink[], seed: number): string {
  const parts = [
    `${model.spec.label} meter on ${sinks.map((s) => s.where).join(' and ')}`,
    `one telegram every ${a.intervalS} s`,
  ];
  if (a.key !== undefined) {
    parts.push(
      `encrypted (system title ${model.identity.systemTitle.toString('hex').toUpperCase()})`,
    );
  }
  if (a.faults.length > 0) parts.push(`faults ${a.faults.map((f) => f.kind).join(', ')}`);
  if (a.count !== undefined) parts.push(`stopping after ${a.count}`);
  parts.push(`seed ${seed}`);
  return `${parts.join(', ')}\n`;
}

/** `wattbridge sim dsmr ...`; `argv` holds the arguments after `sim dsmr`. */
export async function simDsmrCommand(
  argv: string[],
  io: CliIo,
  opts: SimDsmrOptions = {},
): Promise<number> {
  let args: SimDsmrArgs;
  try {
    args = parseSimDsmrArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`wattbridge sim dsmr: ${err.message}\n\n${SIM_DSMR_USAGE}`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(SIM_DSMR_USAGE);
    return 0;
  }

  const failure = firstFailure();
  let sinks: TelegramSink[];
  try {
    sinks = await openSinks(args, io, failure.report);
  } catch (err) {
    // Taken port, socat missing, a path that cannot be linked: the message names it.
    if (!(err instanceof Error)) throw err;
    io.stderr.write(`wattbridge sim dsmr: ${err.message}\n`);
    return 1;
  }

  const seed = args.seed ?? Math.floor(Math.random() * 2 ** 31);
  const startMs = Date.now();
  const model = new MeterModel({
    version: args.version,
    seed,
    startMs,
    phases: args.phases,
    gas: args.gas,
    solar: args.solar,
  });
  const encryptor =
    args.key === undefined
      ? undefined
      : new DlmsEncryptor({
          key: args.key,
          aad: args.aad,
          systemTitle: model.identity.systemTitle,
          firstFrameCounter: Math.floor((startMs - COUNTER_EPOCH_MS) / 1000),
        });
  const source = new TelegramSource({ model, encryptor, faults: args.faults, seed });
  io.stderr.write(startLine(args, model, sinks, seed));

  const stop = untilStopped(opts.signal);
  const sent = await runPump(
    {
      source,
      sinks,
      intervalMs: args.intervalS * 1000,
      count: args.count,
      clock: () => Math.max(startMs, Date.now()),
    },
    Promise.race([stop.stopped, failure.failed]),
  );
  stop.dispose();
  await Promise.all(sinks.map((s) => s.close()));
  if (failure.message !== undefined) {
    io.stderr.write(`wattbridge sim dsmr: ${failure.message}\n`);
    return 1;
  }
  io.stderr.write(`stopped after ${sent} telegram${sent === 1 ? '' : 's'}\n`);
  return 0;
}

import { UsageError, hexFlag } from './usage-error.js';
/**
 * `wattbridge dsmr parse [--key HEX] [--aad HEX] [--format F] [FILE...]`:
 * P1 data from files (or stdin) to one JSON object per line per telegram.
 * Wiring only: framing, decryption and parsing live in src/dsmr.
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DsmrDecoder,
  NO_KEY_MESSAGE,
  telegramToJson,
  toSmartmeter2mqtt,
  type DsmrDecodeResult,
} from '../dsmr/index.js';

export interface DsmrParseIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const DSMR_PARSE_USAGE = `Usage: wattbridge dsmr parse [--key HEX] [--aad HEX] [--format telegram|smartmeter2mqtt] [FILE...]

Reads DSMR P1 data from the files (stdin when none, or for "-") and prints one
JSON object per line for every valid telegram. Plain telegrams and encrypted
DLMS frames (binary or hex text) are recognised one by one.
Rejected telegrams are reported on stderr with the reason.

  --key HEX      AES-128 key of an encrypted meter (Luxembourg Smarty, Austria), 32 hex digits
  --aad HEX      authentication key (32 hex digits) or the full AAD (34, starting with 30);
                 default: the Smarty key 00112233445566778899AABBCCDDEEFF
  --format F     telegram (default): every object of the telegram;
                 smartmeter2mqtt: the JSON smartmeter2mqtt's socket and MQTT output send
  -h, --help     show this text

Exit status: 0 when at least one telegram was valid, 1 when none was, 2 on bad usage.
`;

type Format = 'telegram' | 'smartmeter2mqtt';

interface Settings {
  format: Format;
  key?: Buffer;
  aad?: Buffer;
}

function settingsFrom(values: { key?: string; aad?: string; format?: string }): Settings {
  const format = values.format ?? 'telegram';
  if (format !== 'telegram' && format !== 'smartmeter2mqtt') {
    throw new UsageError(`--format must be telegram or smartmeter2mqtt, not "${format}"`);
  }
  return {
    format,
    key: hexFlag('key', values.key, [32]),
    aad: hexFlag('aad', values.aad, [32, 34]),
  };
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

/** The output is gone: closed by its reader (`| head -1`) or failing (a full disk). */
class OutputClosed extends Error {
  constructor(readonly failure: NodeJS.ErrnoException) {
    super(failure.message);
  }
}

/**
 * stdout that may close under us: its 'error' event is taken (else Node
 * dies of it with a stack trace) and the next write throws OutputClosed,
 * so the command stops reading and says so in one line, or not at all when
 * the reader simply had enough (EPIPE).
 */
class GuardedOutput {
  private failure: NodeJS.ErrnoException | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.failure = err;
      this.wake?.();
    });
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw new OutputClosed(this.failure);
    if (!this.stream.write(text))
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.stream.once('drain', resolve);
      });
    this.wake = null;
    if (this.failure) throw new OutputClosed(this.failure);
  }
}

/** Counts across all inputs; only the exit status needs them. */
interface Totals {
  valid: number;
}

/** One input from first byte to end: decode (plain and encrypted units alike), print. */
class SourceRun {
  private readonly decoder: DsmrDecoder;
  private index = 0;
  private askedForKey = false;

  constructor(
    private readonly name: string,
    private readonly settings: Settings,
    private readonly io: DsmrParseIo,
    private readonly out: GuardedOutput,
    private readonly totals: Totals,
  ) {
    this.decoder = new DsmrDecoder({ key: settings.key, aad: settings.aad });
  }

  async push(chunk: Buffer): Promise<void> {
    await this.emit(this.decoder.push(chunk, Date.now()));
  }

  async end(): Promise<void> {
    await this.emit(this.decoder.end(Date.now()));
    const skipped = this.decoder.stats.skippedBytes;
    if (skipped > 0)
      await write(this.io.stderr, `${this.name}: skipped ${skipped} bytes outside telegrams\n`);
    if (this.index === 0) await write(this.io.stderr, `${this.name}: no telegram found\n`);
  }

  private async emit(results: DsmrDecodeResult[]): Promise<void> {
    for (const r of results) {
      this.index++;
      if (r.ok) {
        this.totals.valid++;
        const json =
          this.settings.format === 'smartmeter2mqtt'
            ? toSmartmeter2mqtt(r.telegram)
            : telegramToJson(r.telegram);
        await this.out.write(`${JSON.stringify(json)}\n`);
      } else {
        await write(
          this.io.stderr,
          `${this.name}: telegram ${this.index} rejected (${r.reason}): ${r.message}\n`,
        );
        if (r.message === NO_KEY_MESSAGE && !this.askedForKey) {
          this.askedForKey = true;
          await write(
            this.io.stderr,
            `${this.name}: input looks like encrypted DLMS frames; pass --key to decrypt them\n`,
          );
        }
      }
    }
  }
}

function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'latin1');
}

async function runSource(
  name: string,
  stream: NodeJS.ReadableStream,
  settings: Settings,
  io: DsmrParseIo,
  out: GuardedOutput,
  totals: Totals,
): Promise<void> {
  const run = new SourceRun(name, settings, io, out, totals);
  try {
    for await (const chunk of stream) await run.push(asBuffer(chunk));
  } catch (e) {
    if (e instanceof OutputClosed) throw e;
    await write(io.stderr, `${name}: cannot read: ${(e as Error).message}\n`);
    return;
  }
  await run.end();
}

/**
 * Runs `dsmr parse`; `argv` holds the arguments after `dsmr parse`.
 * Resolves to the exit status (0 valid telegrams seen, 1 none, 2 bad usage).
 */
export async function dsmrParseCommand(argv: string[], io: DsmrParseIo): Promise<number> {
  let settings: Settings;
  let files: string[];
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        key: { type: 'string' },
        aad: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      await write(io.stdout, DSMR_PARSE_USAGE);
      return 0;
    }
    settings = settingsFrom(values);
    files = positionals;
  } catch (e) {
    await write(io.stderr, `dsmr parse: ${(e as Error).message}\n\n${DSMR_PARSE_USAGE}`);
    return 2;
  }

  const totals: Totals = { valid: 0 };
  const out = new GuardedOutput(io.stdout);
  if (files.length === 0) files = ['-'];
  try {
    for (const file of files) {
      if (file === '-') await runSource('stdin', io.stdin, settings, io, out, totals);
      else await runSource(file, createReadStream(file), settings, io, out, totals);
    }
  } catch (e) {
    if (!(e instanceof OutputClosed)) throw e;
    // `| head -1` had what it wanted: no complaint.
    if (e.failure.code === 'EPIPE') return totals.valid > 0 ? 0 : 1;
    await write(io.stderr, `dsmr parse: cannot write the output: ${e.failure.message}\n`);
    return 1;
  }
  return totals.valid > 0 ? 0 : 1;
}

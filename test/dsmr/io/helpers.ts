/**
 * Peers for the P1 I/O tests: a network P1 reader the test drives, socket
 * clients that record what they receive, a log that keeps its entries, and
 * the telegrams the fixtures should come out as.
 */
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import { afterEach } from 'vitest';
import { dsmrServeCommand } from '../../../src/cli/dsmr-serve.js';
import {
  DsmrDecoder,
  toSmartmeter2mqtt,
  type Smartmeter2mqttMessage,
} from '../../../src/dsmr/index.js';
import {
  P1Service,
  p1Telegram,
  type P1Source,
  type P1SourceStatus,
  type P1Telegram,
} from '../../../src/dsmr/io/index.js';
import { eventually } from '../../helpers/hub.js';
import { encryptFrame as encryptWith, fixture, prng } from '../fixtures.js';

/** Good telegrams of several kinds: DSMR 4.2 and 5, Belgian, CRC-less DSMR 2.2. */
export const TELEGRAMS = [
  'smartmeter2mqtt-kaifa-dsmr42.txt',
  'dsmr_parser-v5-iskra-mt382.txt',
  'dsmr-reader-5b-fluvius.txt',
  'dsmr_parser-v2.2-iskra-mt382.txt',
];

function decodeOne(name: string) {
  const first = new DsmrDecoder().push(fixture(name))[0];
  if (first === undefined || !first.ok) throw new Error(`${name} is not one good telegram`);
  return first;
}

/** What smartmeter2mqtt's JSON should say for a fixture holding one good telegram. */
export function expectedMessage(name: string): Smartmeter2mqttMessage {
  return toSmartmeter2mqtt(decodeOne(name).telegram);
}

/** A fixture's telegram as the service hands it to outputs. */
export function telegramOf(name: string, receivedAt = Date.now()): P1Telegram {
  const r = decodeOne(name);
  return p1Telegram(r.telegram, r.raw, receivedAt);
}

export type Defer = (...cleanups: (() => Promise<unknown> | unknown)[]) => void;

/** Registers clean-ups to run after each test of the suite, last first. */
export function deferCleanup(): Defer {
  const list: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of list.splice(0).reverse()) await f();
  });
  return (...fs) => void list.push(...fs);
}

/** A started P1Service without outputs, and the input states it reported. */
export async function startService(source: P1Source, defer: Defer) {
  const service = new P1Service({ source });
  const states: P1SourceStatus[] = [];
  service.on('state', (s) => states.push(s));
  await service.start();
  defer(() => service.stop());
  return { service, states };
}

/** A port something else already listens on. */
export async function takenPort(defer: Defer): Promise<number> {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  defer(() => new Promise((r) => blocker.close(r)));
  return (blocker.address() as AddressInfo).port;
}

/** Generous: these bound a wait for an event, they assert no speed. */
export const WAIT_MS = 15_000;

export function waitFor<T>(check: () => T, what: string): Promise<NonNullable<T>> {
  return eventually(check, WAIT_MS, what);
}

/** `bytes` cut at seeded random points, 1 to 97 bytes apart. */
export function randomPieces(bytes: Buffer, seed: number): Buffer[] {
  const rand = prng(seed);
  const pieces: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = 1 + Math.floor(rand() * 97);
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return pieces;
}

/**
 * Seeded junk as a gateway might send between telegrams: any byte, `/` and
 * `!` included, but no 0xDB (an encrypted frame's first byte) and starting
 * with `X`, so it neither looks like a frame nor decides the input's format.
 */
export function junk(seed: number, length = 40): Buffer {
  const rand = prng(seed);
  const bytes = Array.from({ length }, () => Math.floor(rand() * 256)).map((b) =>
    b === 0xdb ? 0 : b,
  );
  return Buffer.from([0x58, ...bytes]);
}

/**
 * A P1-to-network reader played by the test: it accepts connections and
 * sends what the test tells it to; it can drop everything and come back on
 * the same port.
 */
export class FakeReader {
  connections = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  static async start(): Promise<FakeReader> {
    const r = new FakeReader();
    await r.listen();
    return r;
  }

  async listen(): Promise<void> {
    const server = createServer((s) => {
      this.connections++;
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {});
      s.on('close', () => this.sockets.delete(s));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Waits for the `n`th connection and returns when it is open. */
  async connected(n: number): Promise<void> {
    await waitFor(() => this.connections >= n && this.sockets.size > 0, `connection ${n}`);
  }

  /** Sends to every open connection in many small writes, yielding between them. */
  async send(bytes: Buffer, seed = 1): Promise<void> {
    for (const piece of randomPieces(bytes, seed)) {
      for (const s of this.sockets) s.write(piece);
      await yieldToIo();
    }
  }

  /** Closes every connection (after what was sent) and stops listening. */
  async close(): Promise<void> {
    const closed = [...this.sockets].map((s) => once(s, 'close'));
    for (const s of this.sockets) s.end();
    await Promise.all(closed);
    const server = this.server;
    this.server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A socket client that records everything it receives; its waits are
 * re-checked on every chunk, so a test can go in lockstep with it.
 */
export class Client {
  readonly socket: Socket;
  ended = false;
  /** Line feeds received: the number of complete lines. */
  lineCount = 0;
  private chunks: Buffer[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(port: number, paused: boolean) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.socket.on('error', () => {});
    const finish = () => {
      this.ended = true;
      this.wake();
    };
    this.socket.on('end', finish);
    this.socket.on('close', finish);
    if (paused) this.socket.pause();
    else this.read();
  }

  /** Connects; a `paused` client never reads until `resume()`. */
  static async connect(port: number, paused = false): Promise<Client> {
    const c = new Client(port, paused);
    await once(c.socket, 'connect');
    return c;
  }

  resume(): void {
    this.read();
    this.socket.resume();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** Complete CRLF-terminated lines so far. */
  lines(): string[] {
    return this.bytes().toString('utf8').split('\r\n').slice(0, -1);
  }

  async waitForLines(n: number): Promise<string[]> {
    await this.waitForLineCount(n);
    return this.lines();
  }

  /** Like waitForLines without building them: cheap enough for a loop. */
  waitForLineCount(n: number): Promise<void> {
    return this.until(() => this.lineCount >= n, `${n} lines`);
  }

  async waitForBytes(n: number): Promise<Buffer> {
    let length = 0;
    const count = () => (length = this.chunks.reduce((sum, c) => sum + c.length, 0));
    await this.until(() => count() >= n, `${n} bytes`);
    return this.bytes().subarray(0, Math.max(n, length));
  }

  waitForEnd(): Promise<void> {
    return this.until(() => this.ended, 'the server to close the connection');
  }

  close(): void {
    this.socket.destroy();
  }

  private read(): void {
    this.socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      for (const b of c) if (b === 0x0a) this.lineCount++;
      this.wake();
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private until(done: () => boolean, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, WAIT_MS);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

export interface CapturedLog {
  log: Logger;
  entries: Record<string, unknown>[];
  /** Entries whose message contains `text`. */
  find(text: string): Record<string, unknown>[];
}

/** A real pino logger whose JSON lines are kept for the test to read. */
export function captureLog(): CapturedLog {
  const entries: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.startsWith('{')) entries.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const find = (text: string) => entries.filter((e) => String(e.msg).includes(text));
  return { log, entries, find };
}

export const SMARTY_KEY = Buffer.from('D491470F47126332B07D1923B3504188', 'hex');
const SMARTY_AAD = Buffer.from('3000112233445566778899AABBCCDDEEFF', 'hex');

/** An encrypted frame under the Smarty test key. */
export function encryptFrame(plain: Buffer, frameCounter: number): Buffer {
  return encryptWith(plain, { key: SMARTY_KEY, aad: SMARTY_AAD, frameCounter });
}

/** `dsmr serve` in-process, with its output captured and an abort in place of Ctrl-C. */
export function serve(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stop = new AbortController();
  const stdin = new PassThrough();
  const io = { stdin, stdout: new PassThrough(), stderr: new PassThrough(), env };
  let stdout = '';
  let stderr = '';
  io.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  io.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exit = dsmrServeCommand(argv, io, stop.signal);
  const logs = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const log = (msg: string) => logs().find((e) => e.msg === msg);
  return {
    exit,
    stdin,
    stop: () => stop.abort(),
    stdout: () => stdout,
    stderr: () => stderr,
    log,
  };
}

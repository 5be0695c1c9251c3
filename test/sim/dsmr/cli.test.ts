import { execFileSync } from 'node:child_process';
import { existsSync, openSync, writeFileSync, constants as fsc } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ReadStream } from 'node:tty';
import { afterEach, describe, expect, it } from 'vitest';
import { DsmrDecoder, type DsmrTelegram } from '../../../src/dsmr/index.js';
import { simDsmrCommand } from '../../../src/sim/dsmr/cli.js';
import { tempDir } from '../../helpers/tmp.js';
import { captureIo, decodeStream } from './helpers.js';

function hasSocat(): boolean {
  try {
    execFileSync('which', ['socat'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const SOCAT = hasSocat();
if (!SOCAT)
  console.log('socat is not installed: skipping the --serial-pty test (apt-get install socat)');

/** Reads telegrams from a byte source until `count` valid ones arrived. */
function collect(
  onData: (listener: (chunk: Buffer) => void) => void,
  count: number,
  options: { key?: Buffer } = {},
): Promise<DsmrTelegram[]> {
  const decoder = new DsmrDecoder(options);
  const got: DsmrTelegram[] = [];
  return new Promise((resolve) => {
    onData((chunk) => {
      for (const r of decoder.push(chunk)) if (r.ok) got.push(r.telegram);
      if (got.length === count) resolve(got.slice());
    });
  });
}

/** Runs the command in the background; `stop()` aborts it and resolves with its exit code. */
function start(argv: string[], env: NodeJS.ProcessEnv = process.env) {
  const io = captureIo(env);
  const abort = new AbortController();
  const done = simDsmrCommand(argv, io, { signal: abort.signal });
  return {
    io,
    done,
    stop: () => {
      abort.abort();
      return done;
    },
  };
}

describe('wattbridge sim dsmr', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('--stdout --count 3 writes three telegrams the parser accepts, then exits 0', async () => {
    const io = captureIo();
    const code = await simDsmrCommand(
      ['--stdout', '--count', '3', '--interval', '0.01', '--seed', '5'],
      io,
    );
    expect(code).toBe(0);
    const { telegrams, results } = decodeStream([io.stdout.bytes]);
    expect(results).toHaveLength(3);
    expect(telegrams).toHaveLength(3);
    expect(telegrams.every((t) => t.crcChecked && t.header === 'ISK5\\2M550T-1012')).toBe(true);
    expect(io.stderr.text).toMatch(
      /^DSMR 5 meter on stdout, one telegram every 0\.01 s, stopping after 3, seed 5\n/,
    );
    expect(io.stderr.text).toContain('stopped after 3 telegrams');
  });

  it('--key encrypts, --version picks the generation (any case)', async () => {
    const key = '0123456789ABCDEF0123456789ABCDEF';
    const io = captureIo();
    const argv = [
      '--version',
      '5l',
      '--stdout',
      '--count',
      '2',
      '--interval',
      '0.01',
      '--key',
      key,
    ];
    expect(await simDsmrCommand(argv, io)).toBe(0);
    expect(io.stdout.bytes[0]).toBe(0xdb);
    const { telegrams } = decodeStream([io.stdout.bytes], { key: Buffer.from(key, 'hex') });
    expect(telegrams.map((t) => t.header.slice(0, 4))).toEqual(['Lux5', 'Lux5']);
    expect(io.stderr.text).toMatch(
      /^DSMR 5L \(Luxembourg Smarty\) meter on stdout, one telegram every 0\.01 s, encrypted \(system title 534147[0-9A-F]{10}\)/,
    );
  });

  it('--fault damages the telegrams it is asked to', async () => {
    const io = captureIo();
    const argv = [
      '--stdout',
      '--count',
      '6',
      '--interval',
      '0.01',
      '--fault',
      'bad-crc:2',
      '--fault',
      'junk',
    ];
    expect(await simDsmrCommand(argv, io)).toBe(0);
    const { decoder } = decodeStream([io.stdout.bytes]);
    expect(decoder.stats.valid).toBe(3);
    expect(decoder.stats.rejected['crc-mismatch']).toBe(3);
  });

  it('rejects bad flags naming the allowed values, with usage and exit code 2', async () => {
    for (const [argv, says] of [
      [['--bogus', '--stdout'], "Unknown option '--bogus'"],
      [['--version', '6', '--stdout'], '--version must be one of 5, 4.2, 2.2, 5B, 5L'],
      [['--interval', '0', '--stdout'], '--interval must be seconds 0.01..3600'],
      [['--interval', 'x', '--stdout'], '--interval must be seconds'],
      [['--tcp-port', '70000'], '--tcp-port must be an integer 0..65535'],
      [['--stdout', '--phases', '2'], '--phases must be 1 or 3'],
      [['--stdout', '--key', 'abc'], '--key must be 32 hex digits'],
      [['--stdout', '--aad', '00112233445566778899AABBCCDDEEFF'], '--aad needs --key'],
      [['--stdout', '--fault', 'explode'], '--fault must be bad-crc | truncate | junk'],
      [['--stdout', '--fault', 'junk:0%'], '--fault must be'],
      [['--stdout', '--fault', 'bad-crc', '--version', '2.2'], 'DSMR 2.2 has none'],
      [['--stdout', '--count', '0'], '--count must be an integer'],
      [['--stdout', '--seed=-1'], '--seed must be an integer 0..2147483647'],
      [['--host', '::1', '--stdout'], '--host needs --tcp-port'],
      [['--serial-pty', '/tmp/a,b'], '--serial-pty must be a path without commas'],
      [[], 'say where the meter sends: --tcp-port N, --serial-pty PATH or --stdout'],
      [['--stdout', 'extra'], 'Unexpected argument'],
    ] as const) {
      const io = captureIo();
      expect(await simDsmrCommand([...argv], io), argv.join(' ')).toBe(2);
      expect(io.stderr.text).toContain(says);
      expect(io.stderr.text).toContain('Usage: wattbridge sim dsmr');
      expect(io.stdout.bytes.length).toBe(0);
    }
    const help = captureIo();
    expect(await simDsmrCommand(['--help'], help)).toBe(0);
    expect(help.stdout.text).toContain('--serial-pty PATH');
  });

  it('serves every telegram to two TCP clients, and stops cleanly on the signal', async () => {
    const run = start(['--tcp-port', '0', '--interval', '0.02', '--version', '4.2', '--seed', '3']);
    const [, port] = await run.io.stderr.waitFor(/tcp:\/\/127\.0\.0\.1:(\d+)/);
    expect(run.io.stderr.text).toMatch(
      /^DSMR 4\.2 meter on tcp:\/\/127\.0\.0\.1:\d+, one telegram every 0\.02 s, seed 3\n/,
    );
    const clients = [0, 1].map(() => createConnection(Number(port), '127.0.0.1'));
    cleanups.push(() => clients.forEach((c) => c.destroy()));
    const received = await Promise.all(clients.map((c) => collect((l) => c.on('data', l), 3)));
    for (const telegrams of received) {
      expect(telegrams.every((t) => t.crcChecked && t.header === 'KFM5KAIFA-METER')).toBe(true);
      const times = telegrams.map((t) => t.timestamp!);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
    const closed = Promise.all(
      clients.map((c) => new Promise((resolve) => c.on('close', resolve))),
    );
    expect(await run.stop()).toBe(0);
    await closed; // the server ended the connections
    expect(run.io.stderr.text).toMatch(/stopped after \d+ telegrams\n$/);
  });

  it('names the port and exits 1 when it is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as { port: number }).port;
    const io = captureIo();
    expect(await simDsmrCommand(['--tcp-port', String(port)], io)).toBe(1);
    expect(io.stderr.text).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });

  it('says how to install socat when it is missing', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const io = captureIo({ PATH: join(dir.path, 'no-bin') });
    expect(await simDsmrCommand(['--serial-pty', join(dir.path, 'p1')], io)).toBe(1);
    expect(io.stderr.text).toContain('socat is not installed');
    expect(io.stderr.text).toContain('apt-get install socat');
  });

  it('does not replace a file that is in the way of the pty link', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const path = join(dir.path, 'p1');
    writeFileSync(path, 'keep me');
    const io = captureIo();
    expect(await simDsmrCommand(['--serial-pty', path], io)).toBe(1);
    expect(io.stderr.text).toContain('exists and is not a link');
    expect(existsSync(path)).toBe(true);
  });

  it.skipIf(!SOCAT)(
    '--serial-pty: a reader opens PATH like a serial port and reads telegrams',
    async () => {
      const dir = tempDir();
      cleanups.push(() => dir.remove());
      const path = join(dir.path, 'ttyP1');
      const run = start(['--serial-pty', path, '--interval', '0.02', '--version', '5B']);
      await run.io.stderr.waitFor(/one telegram every/);
      expect(run.io.stderr.text).toContain(
        `DSMR 5B (Belgium, Fluvius) meter on serial port ${path}`,
      );
      const fd = openSync(path, fsc.O_RDONLY | fsc.O_NOCTTY | fsc.O_NONBLOCK);
      const tty = new ReadStream(fd);
      cleanups.push(() => void tty.destroy());
      const telegrams = await collect((l) => tty.on('data', l), 2);
      expect(telegrams.every((t) => t.crcChecked && t.header.startsWith('FLU5'))).toBe(true);
      tty.destroy();
      expect(await run.stop()).toBe(0);
      expect(existsSync(path)).toBe(false); // socat removed its link
    },
  );
});

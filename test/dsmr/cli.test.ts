import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { dsmrParseCommand } from '../../src/cli/dsmr-parse.js';
import { BIN } from '../helpers/cli.js';
import { encryptFrame, fixture, fixturePath } from './fixtures.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  lines: Record<string, unknown>[];
}

async function run(argv: string[], stdin?: Buffer): Promise<Run> {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let stdout = '';
  let stderr = '';
  io.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  io.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  io.stdin.end(stdin ?? Buffer.alloc(0));
  const code = await dsmrParseCommand(argv, io);
  const lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, lines };
}

const SMARTY_KEY = 'D491470F47126332B07D1923B3504188';
const SMARTY_AAD = '3000112233445566778899AABBCCDDEEFF';
const tmp = mkdtempSync(path.join(tmpdir(), 'wattbridge-dsmr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A Smarty-style encrypted frame of a telegram with a good CRC. */
function encryptedGoodTelegram(): string {
  const frame = encryptFrame(fixture('dsmr-reader-5l-luxembourg-smarty.txt'), {
    key: Buffer.from(SMARTY_KEY, 'hex'),
    aad: Buffer.from(SMARTY_AAD, 'hex'),
    frameCounter: 5,
  });
  const file = path.join(tmp, 'smarty-good.bin');
  writeFileSync(file, Buffer.concat([frame, frame]));
  return file;
}

describe('wattbridge dsmr parse', () => {
  it('prints one JSON line per telegram of a file, exit 0, nothing on stderr', async () => {
    const r = await run([fixturePath('smartmeter2mqtt-kaifa-dsmr42.txt')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({
      header: 'KFM5KAIFA-METER',
      crc: '588F',
      crcChecked: true,
      timestamp: '2019-05-14T21:36:20+02:00',
    });
    expect(r.lines[0]?.objects).toContainEqual({
      obis: '1-0:1.8.1',
      description: 'energy imported, tariff 1',
      kind: 'number',
      value: 2000.123,
      unit: 'kWh',
    });
  });

  it('prints the smartmeter2mqtt shape with --format smartmeter2mqtt', async () => {
    const r = await run([
      '--format',
      'smartmeter2mqtt',
      fixturePath('smartmeter2mqtt-kaifa-dsmr42.txt'),
    ]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatchObject({
      crc: true,
      totalT1Use: 2000.123,
      currentTarrif: 1,
      calculatedUsage: 329,
    });
  });

  it('reads stdin when no file is given: telegrams with junk between, and reports the bad one', async () => {
    const input = Buffer.concat([
      Buffer.from('junk\r\n'),
      fixture('dsmr-reader-5b-fluvius-polyphase.txt'),
      fixture('dsmr-reader-negative-bad-crc.txt'),
      fixture('dsmr_parser-v2.2-iskra-mt382.txt'),
    ]);
    const r = await run([], input);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.header)).toEqual(['FLU5S456789_A', 'ISk5\\2MT382-1004']);
    expect(r.stderr).toContain(
      'stdin: telegram 2 rejected (crc-mismatch): CRC mismatch: telegram says ABCD, its bytes give 4BC6',
    );
    expect(r.stderr).toContain('stdin: skipped 6 bytes outside telegrams');
  });

  it('goes through several files, reporting per file; a truncated telegram is named as such', async () => {
    const r = await run([
      fixturePath('dsmr-reader-negative-truncated-then-full.txt'),
      fixturePath('dsmr-reader-negative-bad-crc.txt'),
    ]);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.stderr).toMatch(
      /negative-truncated-then-full\.txt: telegram 1 rejected \(truncated\)/,
    );
    expect(r.stderr).toMatch(/negative-bad-crc\.txt: telegram 1 rejected \(crc-mismatch\)/);
  });

  it('exits 1 when no telegram was valid', async () => {
    const r = await run([fixturePath('dsmr-reader-negative-bad-crc.txt')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect((await run([], Buffer.from('nothing to see here\n'))).stderr).toContain(
      'stdin: no telegram found',
    );
  });

  it('says when a file cannot be read and goes on', async () => {
    const r = await run([
      path.join(tmp, 'missing.txt'),
      fixturePath('arduino-dsmr-kaifa-minimal.txt'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/missing\.txt: cannot read: ENOENT/);
    expect(r.lines).toHaveLength(1);
  });

  it('decrypts binary frames with --key', async () => {
    const r = await run(['--key', SMARTY_KEY, encryptedGoodTelegram()]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.lines.map((l) => l.header)).toEqual(['Lux5\\ABCDEFG123_D', 'Lux5\\ABCDEFG123_D']);
  });

  it("decrypts the openHAB frame and reports its plaintext's wrong CRC", async () => {
    const r = await run([
      '--key',
      SMARTY_KEY,
      '--aad',
      SMARTY_AAD,
      fixturePath('openhab-5l-smarty-encrypted.bin'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'rejected (crc-mismatch): CRC mismatch: telegram says CFDE, its bytes give 99BD',
    );
  });

  it('reads hex-text frames, and says "wrong key or AAD" when the AAD does not fit', async () => {
    const file = fixturePath('smartmeter2mqtt-encrypted-example.hex');
    const key = '056F9B0CFEDF150E889BEAD52FA7A174';
    const wrongAad = await run(['--key', key, file]);
    expect(wrongAad.code).toBe(1);
    expect(wrongAad.stderr).toContain(
      'rejected (decrypt-failed): decryption failed: wrong key or AAD',
    );
    // With its (typo) AAD it decrypts; its plaintext was made with LF line ends, so its CRC fails.
    const rightAad = await run(['--key', key, '--aad', '3000112233445566778899AABBCCDFFDEE', file]);
    expect(rightAad.stderr).toContain('rejected (crc-mismatch)');
    expect(rightAad.stderr).not.toContain('decrypt');
  });

  it('asks for --key when given encrypted input without one', async () => {
    const r = await run([fixturePath('openhab-5l-smarty-encrypted.bin')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('looks like encrypted DLMS frames');
    expect(r.stderr).toContain('--key');
  });

  it('stops quietly, exit 0, when its reader closes the pipe (| head -1)', async () => {
    const file = path.join(tmp, 'many.txt');
    // About 1.2 MB of telegrams: far more than a pipe holds.
    writeFileSync(
      file,
      Buffer.concat(Array.from({ length: 2000 }, () => fixture('dsmr-reader-5b-fluvius.txt'))),
    );
    const child = spawn(process.execPath, [BIN, 'dsmr', 'parse', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const first = await new Promise<string>((resolve) => {
      let seen = '';
      child.stdout.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('\n')) {
          child.stdout.destroy();
          resolve(seen.slice(0, seen.indexOf('\n')));
        }
      });
    });
    expect(JSON.parse(first)).toMatchObject({ header: 'FLU5S456789_A', crcChecked: true });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('says in one line that it cannot write when the output fails (a full disk), exit 1', async () => {
    const full = new PassThrough();
    const io = { stdin: new PassThrough(), stdout: full, stderr: new PassThrough() };
    let stderr = '';
    io.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    full.on('data', () =>
      full.destroy(
        Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      ),
    );
    const code = await dsmrParseCommand(
      [fixturePath('smartmeter2mqtt-kaifa-dsmr42.txt'), fixturePath('dsmr-reader-5b-fluvius.txt')],
      io,
    );
    expect(code).toBe(1);
    expect(stderr).toBe(
      'dsmr parse: cannot write the output: ENOSPC: no space left on device, write\n',
    );
  });

  it('exits 2 with the usage on bad arguments', async () => {
    for (const argv of [['--key', 'abc'], ['--aad', 'zz'], ['--format', 'xml'], ['--bogus']]) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: wattbridge dsmr parse');
      expect(r.stdout).toBe('');
    }
    expect((await run(['--key', 'abc'])).stderr).toContain('--key must be 32 hex digits');
  });

  it('prints the usage on --help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: wattbridge dsmr parse');
  });
});

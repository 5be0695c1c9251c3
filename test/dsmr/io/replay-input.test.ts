import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  P1Service,
  ReplayInput,
  TelegramSplitter,
  type P1SourceStatus,
} from '../../../src/dsmr/io/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { fixture, NEGATIVE } from '../fixtures.js';
import {
  SMARTY_KEY,
  TELEGRAMS,
  encryptFrame,
  expectedMessage,
  junk,
  randomPieces,
} from './helpers.js';

const dir = tempDir('wattbridge-replay-');
afterAll(() => dir.remove());

function writeRecording(name: string, bytes: Buffer): string {
  const file = path.join(dir.path, name);
  writeFileSync(file, bytes);
  return file;
}

/** Replays to the end and returns what came out. */
async function replay(source: ReplayInput, key?: Buffer) {
  const service = new P1Service({ source, decoder: { key } });
  const messages: unknown[] = [];
  const states: P1SourceStatus[] = [];
  service.on('telegram', (t) => messages.push(t.message));
  service.on('state', (s) => states.push(s));
  const ended = once(service, 'ended');
  await service.start();
  await ended;
  await service.stop();
  return { messages, states, stats: service.stats };
}

/** The fixtures three times over, with junk and a bad telegram in between. */
const RECORDING = Buffer.concat(
  [0, 1, 2].flatMap((round) => [
    ...TELEGRAMS.map((name) => fixture(name)),
    junk(round),
    fixture(NEGATIVE.badCrc),
  ]),
);
const EXPECTED = [0, 1, 2].flatMap(() => TELEGRAMS.map(expectedMessage));

describe('replay input', () => {
  it('replays a file telegram by telegram, in order, at a set rate', async () => {
    const file = writeRecording('day.txt', RECORDING);
    const { messages, states, stats } = await replay(new ReplayInput({ path: file, rate: 200 }));
    expect(messages).toEqual(EXPECTED);
    expect(stats.rejected['crc-mismatch']).toBe(3);
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected', 'ended', 'stopped']);
  });

  it('holds the next telegram back until its time comes', async () => {
    // One telegram per 1000 s: the first comes at once, the second not before stop().
    const file = writeRecording('slow.txt', RECORDING);
    const service = new P1Service({ source: new ReplayInput({ path: file, rate: 0.001 }) });
    await service.start();
    await once(service, 'telegram');
    await service.stop();
    expect(service.stats.ok).toBe(1);
  });

  it('replays as fast as possible with rate 0, and from stdin', async () => {
    const stdin = new PassThrough();
    for (const piece of randomPieces(RECORDING, 5)) stdin.write(piece);
    stdin.end();
    const { messages } = await replay(new ReplayInput({ path: '-', stdin, rate: 0 }));
    expect(messages).toEqual(EXPECTED);
  });

  it('replays an encrypted recording frame by frame, binary or hex text', async () => {
    const plain = fixture('dsmr-reader-5l-luxembourg-smarty.txt');
    const frames = [1, 2, 3].map((fc) => encryptFrame(plain, fc));
    const expected = [1, 2, 3].map(() => expectedMessage('dsmr-reader-5l-luxembourg-smarty.txt'));
    const binary = writeRecording('smarty.bin', Buffer.concat(frames));
    expect((await replay(new ReplayInput({ path: binary, rate: 0 }), SMARTY_KEY)).messages).toEqual(
      expected,
    );
    // smartmeter2mqtt's docs and logs write frames as hex, one per line.
    const hex = writeRecording(
      'smarty.hex',
      Buffer.from(frames.map((f) => `${f.toString('hex')}\n`).join('')),
    );
    expect((await replay(new ReplayInput({ path: hex, rate: 0 }), SMARTY_KEY)).messages).toEqual(
      expected,
    );
  });

  it('rejects encrypted frames one by one when no key is given', async () => {
    const frames = [1, 2].map((fc) => encryptFrame(fixture('openhab-5l-smarty.txt'), fc));
    const file = writeRecording('nokey.bin', Buffer.concat(frames));
    const { messages, stats } = await replay(new ReplayInput({ path: file, rate: 0 }));
    expect(messages).toEqual([]);
    expect(stats.rejected['decrypt-failed']).toBe(2);
  });

  it('ends with the reason when the file cannot be read', async () => {
    const missing = path.join(dir.path, 'missing.txt');
    const { states } = await replay(new ReplayInput({ path: missing, rate: 0 }));
    expect(states.find((s) => s.state === 'ended')?.reason).toMatch(
      new RegExp(`^cannot read ${missing}: ENOENT`),
    );
  });
});

describe('TelegramSplitter', () => {
  it('cuts after each telegram and keeps every byte, however the input is chunked', () => {
    const splitter = new TelegramSplitter();
    const pieces = [
      ...randomPieces(RECORDING, 9).flatMap((c) => splitter.push(c)),
      ...splitter.end(),
    ];
    expect(Buffer.concat(pieces.map((p) => p.bytes)).equals(RECORDING)).toBe(true);
    const telegrams = pieces.filter((p) => p.telegram);
    // every good telegram and the bad-CRC ones (framed, the CRC is the decoder's business)
    expect(telegrams).toHaveLength(3 * (TELEGRAMS.length + 1));
    expect(telegrams[0]!.bytes.equals(fixture(TELEGRAMS[0]!))).toBe(true);
    expect(telegrams[1]!.bytes.equals(fixture(TELEGRAMS[1]!))).toBe(true);
    // junk rides with the telegram after it
    expect(telegrams[TELEGRAMS.length]!.bytes.subarray(0, 1).toString()).toBe('X');
  });

  it('hands junk on without waiting for a telegram, so memory stays bounded', () => {
    const splitter = new TelegramSplitter(1024);
    const garbage = Buffer.alloc(10_000, 0x41);
    const pieces = splitter.push(garbage);
    const handed = pieces.reduce((n, p) => n + p.bytes.length, 0);
    expect(pieces.every((p) => !p.telegram)).toBe(true);
    expect(handed).toBe(10_000 - 1024);
  });
});

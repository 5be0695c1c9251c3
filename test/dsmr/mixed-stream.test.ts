import { describe, expect, it } from 'vitest';
import { DsmrDecoder, NO_KEY_MESSAGE, type DsmrDecodeResult } from '../../src/dsmr/index.js';
import { encryptFrame, fixture, prng } from './fixtures.js';

const KEY = Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex');
const AAD = Buffer.from('3000112233445566778899AABBCCDDEEFF', 'hex');
const PLAIN = fixture('dsmr-reader-dsmr42-kaifa.txt');
const LUX = fixture('dsmr-reader-5l-luxembourg-smarty.txt');
const FRAME = encryptFrame(LUX, { key: KEY, aad: AAD, frameCounter: 1 });
const HEX_FRAME = Buffer.from(
  `${encryptFrame(LUX, { key: KEY, aad: AAD, frameCounter: 2 }).toString('hex')}\r\n`,
);

function feed(decoder: DsmrDecoder, data: Buffer, rand: () => number): DsmrDecodeResult[] {
  const out: DsmrDecodeResult[] = [];
  for (let i = 0; i < data.length;) {
    const size = rand() < 0.3 ? 1 : 1 + Math.floor(rand() * 300);
    out.push(...decoder.push(data.subarray(i, i + size)));
    i += size;
  }
  return [...out, ...decoder.end()];
}

/** What a consumer sees of each result: the header of a telegram, or the reason. */
function outline(results: DsmrDecodeResult[]): string[] {
  return results.map((r) => (r.ok ? r.telegram.header : `rejected ${r.reason}`));
}

describe('a P1 stream that mixes plain telegrams and encrypted frames', () => {
  const plainHeader = 'KFM5KAIFA-METER';
  const luxHeader = 'Lux5\\ABCDEFG123_D';

  it('decides the format per unit: junk first, then plain, binary and hex frames in any order', () => {
    // Junk that looks like the start of each format: 'd', 'db', a 0xDB with a bad header, a stray '!'.
    const junk = Buffer.concat([
      Buffer.from('dead beef db0 d !! '),
      Buffer.of(0xdb, 0x01, 0x02, 0xdb, 0x08, 0x00),
      Buffer.from('\r\n!\r\n'),
    ]);
    const stream = Buffer.concat([junk, FRAME, PLAIN, junk, HEX_FRAME, PLAIN, FRAME, junk, PLAIN]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const decoder = new DsmrDecoder({ key: KEY, aad: AAD });
      expect(outline(feed(decoder, stream, prng(seed))), `seed ${seed}`).toEqual([
        luxHeader,
        plainHeader,
        luxHeader,
        plainHeader,
        luxHeader,
        plainHeader,
      ]);
      expect(decoder.stats.frames).toBe(3);
    }
  });

  it('without a key, rejects each encrypted frame and still reads the plain telegrams around it', () => {
    const stream = Buffer.concat([FRAME, PLAIN, HEX_FRAME, PLAIN]);
    const results = feed(new DsmrDecoder(), stream, prng(7));
    expect(outline(results)).toEqual([
      'rejected decrypt-failed',
      plainHeader,
      'rejected decrypt-failed',
      plainHeader,
    ]);
    expect(results[0]).toMatchObject({ message: NO_KEY_MESSAGE });
  });

  it('reports a telegram cut by the start of a frame as truncated, and reads the frame', () => {
    const cut = PLAIN.subarray(0, 200);
    const results = new DsmrDecoder({ key: KEY, aad: AAD }).push(Buffer.concat([cut, FRAME]));
    expect(outline(results)).toEqual(['rejected truncated', luxHeader]);
  });

  it('gets through a long junk run in small chunks without holding it, then reads the next telegram', () => {
    const decoder = new DsmrDecoder();
    const blanks = Buffer.alloc(64 * 1024, 0x20);
    const noise = Buffer.from('d\r\nxyz!'.repeat(1024));
    let results: DsmrDecodeResult[] = [];
    for (let round = 0; round < 16; round++) {
      for (let i = 0; i < blanks.length; i += 7)
        results.push(...decoder.push(blanks.subarray(i, i + 7)));
      for (let i = 0; i < noise.length; i += 3)
        results.push(...decoder.push(noise.subarray(i, i + 3)));
    }
    expect(results).toEqual([]);
    results = decoder.push(PLAIN);
    expect(outline(results)).toEqual([plainHeader]);
    expect(decoder.stats.skippedBytes).toBe(16 * (blanks.length + noise.length));
  });
});

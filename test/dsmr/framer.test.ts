import { describe, expect, it } from 'vitest';
import { DsmrDecoder, DsmrFramer, type FramerOutput } from '../../src/dsmr/index.js';
import { fixture, NEGATIVE, prng, telegramFixtures } from './fixtures.js';

/** The bytes a framer must emit for a one-telegram fixture: `/` through the line end after `!`. */
function telegramBytes(file: Buffer): Buffer {
  return file.subarray(file.indexOf('/'), file.indexOf('\n', file.lastIndexOf('!')) + 1);
}

// One telegram each, as a meter sends it (the decrypted smartmeter2mqtt
// example has bare LFs and no line end after its CRC: not wire data).
const SINGLE = telegramFixtures().filter(
  (f) =>
    f !== NEGATIVE.truncatedStart &&
    f !== NEGATIVE.truncatedThenFull &&
    f !== 'smartmeter2mqtt-encrypted-example.decrypted.txt',
);

/**
 * Random bytes between telegrams. '!' never appears (with a '/' before it,
 * junk could form a telegram of its own); '/' appears only when asked, to
 * make false starts.
 */
function junk(rand: () => number, withSlash: boolean): Buffer {
  const n = Math.floor(rand() * 40);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let c = Math.floor(rand() * 256);
    if (c === 0x21 || c === 0x2f) c = 0x3f;
    if (withSlash && rand() < 0.05) c = 0x2f;
    b[i] = c;
  }
  return b;
}

function pushInPieces<T>(target: { push(c: Buffer): T[] }, data: Buffer, rand: () => number): T[] {
  const out: T[] = [];
  for (let i = 0; i < data.length;) {
    // Mostly small pieces, sometimes single bytes, sometimes large ones.
    const r = rand();
    const size =
      r < 0.2 ? 1 : r < 0.9 ? 1 + Math.floor(rand() * 64) : 1 + Math.floor(rand() * 2000);
    out.push(...target.push(data.subarray(i, i + size)));
    i += size;
  }
  return out;
}

describe('DsmrFramer on a stream', () => {
  for (const seed of [1, 2, 3, 42, 1234]) {
    it(`all fixtures concatenated with junk between, split at random (seed ${seed}), give the same telegrams`, () => {
      const rand = prng(seed);
      const parts: Buffer[] = [];
      for (const name of SINGLE) {
        parts.push(junk(rand, false), fixture(name));
      }
      const framer = new DsmrFramer();
      const out = [...pushInPieces(framer, Buffer.concat(parts), rand), ...framer.end()];
      expect(out.every((o) => o.ok)).toBe(true);
      expect(out.map((o) => (o.ok ? o.bytes.toString('latin1') : ''))).toEqual(
        SINGLE.map((n) => telegramBytes(fixture(n)).toString('latin1')),
      );
      expect(framer.stats).toMatchObject({
        telegrams: SINGLE.length,
        truncated: 0,
        oversize: 0,
        malformed: 0,
      });
    });
  }

  it('a telegram split at every possible byte boundary parses the same as whole', () => {
    const whole = fixture('dsmr-reader-5b-fluvius-polyphase.txt');
    const decoder = new DsmrDecoder();
    const reference = decoder.push(whole)[0];
    expect(reference?.ok).toBe(true);
    for (let cut = 0; cut <= whole.length; cut++) {
      const d = new DsmrDecoder();
      const out = [...d.push(whole.subarray(0, cut)), ...d.push(whole.subarray(cut)), ...d.end()];
      expect(out, `cut at ${cut}`).toEqual([reference]);
    }
  });

  it('junk containing "/" makes false starts that are counted as truncated, and loses no real telegram', () => {
    const rand = prng(7);
    const names = SINGLE.slice(0, 20);
    const parts: Buffer[] = [];
    let falseStarts = 0;
    for (const name of names) {
      const j = junk(rand, true);
      // Every junk '/' starts a telegram that the next '/' abandons.
      falseStarts += [...j].filter((c) => c === 0x2f).length;
      parts.push(j, fixture(name));
    }
    const decoder = new DsmrDecoder({ verifyCrc: false });
    const out = [...pushInPieces(decoder, Buffer.concat(parts), rand), ...decoder.end()];
    const good = out.filter((o) => o.ok);
    expect(good.map((o) => (o.ok ? o.raw.toString('latin1') : ''))).toEqual(
      names.map((n) => telegramBytes(fixture(n)).toString('latin1')),
    );
    expect(falseStarts).toBeGreaterThan(0);
    expect(decoder.stats.rejected.truncated).toBe(falseStarts);
  });

  it('accepts a NUL after the CRC, a bare LF, lower-case CRC digits, and no line end at the end of input', () => {
    const text = telegramBytes(fixture('smartmeter2mqtt-kaifa-dsmr42.txt')).toString('latin1');
    const body = text.slice(0, text.lastIndexOf('!') + 1);
    const variants = [`${body}588F\0\r\n`, `${body}588F\n`, `${body}588f\r\n`, `${body}588F`];
    const decoder = new DsmrDecoder();
    const out = [...decoder.push(Buffer.from(variants.join(''), 'latin1')), ...decoder.end()];
    expect(out.map((o) => o.ok && o.telegram.crcChecked)).toEqual([true, true, true, true]);
  });

  it('accepts the next telegram starting right after the CRC (missing line end)', () => {
    const t = telegramBytes(fixture('arduino-dsmr-kaifa-minimal.txt')).toString('latin1');
    const glued = t.replace(/\r\n$/, '') + t;
    const decoder = new DsmrDecoder();
    const out = [...decoder.push(Buffer.from(glued, 'latin1')), ...decoder.end()];
    expect(out.map((o) => o.ok)).toEqual([true, true]);
  });

  it('rejects a telegram whose CRC line is garbage, and resynchronises', () => {
    const t = telegramBytes(fixture('arduino-dsmr-kaifa-minimal.txt')).toString('latin1');
    const broken = t.replace(/!1E1D\r\n$/, '!1E1DZZ\r\n');
    const decoder = new DsmrDecoder();
    const out = decoder.push(Buffer.from(broken + t, 'latin1'));
    expect(out.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['malformed', 'ok']);
    expect(out[0]).toMatchObject({ message: expect.stringContaining('0x5a') });
  });

  it('reports a telegram cut by the end of input as truncated', () => {
    const t = fixture('arduino-dsmr-kaifa-minimal.txt');
    const framer = new DsmrFramer();
    expect(framer.push(t.subarray(0, 40))).toEqual([]);
    expect(framer.end()).toMatchObject([{ ok: false, reason: 'truncated' }]);
    expect(framer.stats.truncated).toBe(1);
  });

  it('keeps memory bounded: endless garbage is skipped, an endless telegram is dropped once', () => {
    const framer = new DsmrFramer({ maxTelegramBytes: 4096 });
    const garbage = Buffer.alloc(1024, 0x41);
    for (let i = 0; i < 1024; i++) expect(framer.push(garbage)).toEqual([]);
    expect(framer.stats.skippedBytes).toBe(1024 * 1024);

    const outputs: FramerOutput[] = [...framer.push(Buffer.from('/XYZ5 endless\r\n'))];
    for (let i = 0; i < 100; i++) outputs.push(...framer.push(garbage));
    expect(outputs).toMatchObject([{ ok: false, reason: 'oversize' }]);
    expect(framer.stats.oversize).toBe(1);

    // And the line recovers at the next telegram.
    const good = fixture('arduino-dsmr-kaifa-minimal.txt');
    expect(framer.push(good)).toMatchObject([{ ok: true }]);
  });

  it('drops an oversize telegram even when it arrives in one chunk', () => {
    const framer = new DsmrFramer({ maxTelegramBytes: 100 });
    const big = Buffer.from(`/BIG5\r\n${'1-0:1.8.1(000001.000*kWh)\r\n'.repeat(10)}!\r\n`);
    expect(framer.push(big)).toMatchObject([{ ok: false, reason: 'oversize' }]);
  });
});

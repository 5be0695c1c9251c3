import { describe, expect, it } from 'vitest';
import { DlmsEncryptor } from '../../../src/sim/dsmr/encrypt.js';
import type { FaultRule } from '../../../src/sim/dsmr/faults.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import { TelegramSource } from '../../../src/sim/dsmr/source.js';
import type { DsmrVersion } from '../../../src/sim/dsmr/types.js';
import { decodeStream, local } from './helpers.js';

const T0 = local(2024, 5, 14, 8);
const KEY = Buffer.from('000102030405060708090A0B0C0D0E0F', 'hex');

/** `n` telegrams one second apart, each its own chunk, as a reader receives them. */
function stream(
  faults: FaultRule[],
  n = 20,
  o: { version?: DsmrVersion; seed?: number; key?: Buffer } = {},
): Buffer[] {
  const model = new MeterModel({ version: o.version ?? '5', seed: 3, startMs: T0 });
  const encryptor =
    o.key === undefined
      ? undefined
      : new DlmsEncryptor({ key: o.key, systemTitle: model.identity.systemTitle });
  const source = new TelegramSource({ model, encryptor, faults, seed: o.seed ?? 1 });
  return Array.from({ length: n }, (_, i) => source.next(T0 + i * 1000));
}

describe('faults', () => {
  it('bad-crc: every 4th telegram fails its CRC check, the others pass', () => {
    const { decoder, results } = decodeStream(stream([{ kind: 'bad-crc', every: 4 }]));
    expect(decoder.stats.rejected['crc-mismatch']).toBe(5);
    expect(decoder.stats.valid).toBe(15);
    expect(results.map((r) => r.ok)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i + 1) % 4 !== 0),
    );
  });

  it('truncate: a cut telegram is counted as truncated and the next one still parses', () => {
    const { decoder, results } = decodeStream(stream([{ kind: 'truncate', every: 5 }], 19));
    expect(decoder.stats.rejected.truncated).toBe(3);
    expect(decoder.stats.valid).toBe(16);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'truncated')).toBe(true);
  });

  it('truncate works on CRC-less DSMR 2.2 telegrams too', () => {
    const { decoder } = decodeStream(
      stream([{ kind: 'truncate', every: 2 }], 6, { version: '2.2' }),
    );
    expect(decoder.stats.rejected.truncated).toBe(3);
    expect(decoder.stats.valid).toBe(3);
  });

  it('junk: stray bytes between telegrams are skipped and no telegram is lost', () => {
    const chunks = stream([{ kind: 'junk', every: 1 }]);
    const { decoder } = decodeStream(chunks);
    expect(decoder.stats.valid).toBe(20);
    expect(decoder.stats.skippedBytes).toBeGreaterThanOrEqual(20 * 4);
    // Also when the junk and telegrams arrive glued together in one chunk.
    expect(decodeStream([Buffer.concat(chunks)]).decoder.stats.valid).toBe(20);
  });

  it('fires with a probability, the same way for the same seed', () => {
    const rule: FaultRule[] = [{ kind: 'bad-crc', probability: 0.3 }];
    const count = (seed: number): number =>
      decodeStream(stream(rule, 200, { seed })).decoder.stats.rejected['crc-mismatch'];
    const a = count(1);
    expect(a).toBeGreaterThan(30);
    expect(a).toBeLessThan(90);
    expect(count(1)).toBe(a);
    expect(decodeStream(stream(rule, 200, { seed: 2 })).results.map((r) => r.ok)).not.toEqual(
      decodeStream(stream(rule, 200, { seed: 1 })).results.map((r) => r.ok),
    );
  });

  it('in an encrypted stream: bad-crc decrypts then fails the CRC, junk loses nothing', () => {
    const bad = decodeStream(stream([{ kind: 'bad-crc', every: 3 }], 9, { key: KEY }), {
      key: KEY,
    });
    expect(bad.decoder.stats.rejected['crc-mismatch']).toBe(3);
    expect(bad.decoder.stats.valid).toBe(6);
    const junk = decodeStream(stream([{ kind: 'junk', every: 1 }], 9, { key: KEY }), { key: KEY });
    expect(junk.decoder.stats.valid).toBe(9);
    expect(junk.decoder.stats.skippedBytes).toBeGreaterThan(0);
  });

  it('in an encrypted stream: a cut frame takes the next one with it, then the stream recovers', () => {
    // Frames 4 and 8 (of 11) are cut: each swallows the start of the frame after it.
    const { decoder, results } = decodeStream(
      stream([{ kind: 'truncate', every: 4 }], 11, { key: KEY }),
      {
        key: KEY,
      },
    );
    const ok = 'ok';
    const failed = 'decrypt-failed';
    // The rest of a swallowed frame is random bytes; a '/' and '!' in them may
    // look like the start and end of a plain telegram, which is then rejected
    // as such. Those rejections cost no frame.
    const outcomes = results.map((r) => (r.ok ? ok : r.reason));
    const frameOutcomes = outcomes.filter((o) => o === ok || o === failed);
    expect(
      outcomes
        .filter((o) => o !== ok && o !== failed)
        .every((o) => o === 'malformed' || o.startsWith('crc')),
    ).toBe(true);
    expect(frameOutcomes).toEqual([ok, ok, ok, failed, ok, ok, failed, ok, ok]);
    expect(decoder.stats.valid).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { decryptDlmsFrame, dlmsFrameCounter, readDlmsHeader } from '../../../src/dsmr/index.js';
import { DlmsEncryptor } from '../../../src/sim/dsmr/encrypt.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import { TelegramSource } from '../../../src/sim/dsmr/source.js';
import { decodeStream, local } from './helpers.js';

const KEY = Buffer.from('D491470F47126332B07D1923B3504188', 'hex');
const OTHER_KEY = Buffer.from('00000000000000000000000000000001', 'hex');
const T0 = local(2024, 3, 5, 9);

function smarty(aad?: Buffer): { model: MeterModel; source: TelegramSource } {
  const model = new MeterModel({ version: '5L', seed: 6, startMs: T0 });
  const encryptor = new DlmsEncryptor({
    key: KEY,
    aad,
    systemTitle: model.identity.systemTitle,
    firstFrameCounter: 370915,
  });
  return { model, source: new TelegramSource({ model, encryptor }) };
}

describe('DLMS encryption', () => {
  it('wraps each telegram in a general-glo-ciphering frame the project decrypts', () => {
    const { model, source } = smarty();
    const frames = [0, 1, 2].map((k) => source.next(T0 + k * 10_000));
    frames.forEach((frame, k) => {
      expect(frame[0]).toBe(0xdb);
      expect(frame[1]).toBe(8);
      expect(frame.subarray(2, 10).equals(model.identity.systemTitle)).toBe(true);
      expect(frame.subarray(2, 5).toString('latin1')).toBe('SAG');
      expect(frame[10]).toBe(0x82); // two length bytes, as on real Smarty meters
      const header = readDlmsHeader(frame);
      expect(header).not.toBeNull();
      expect(header).not.toBe('invalid');
      if (header === null || header === 'invalid') return;
      expect(header.frameLength).toBe(frame.length);
      expect(frame[header.payloadStart]).toBe(0x30);
      expect(dlmsFrameCounter(frame)).toBe(370915 + k);
      // The plaintext is exactly the meter's telegram.
      const plain = decryptDlmsFrame(frame, KEY);
      expect(plain.equals(model.telegramAt(T0 + k * 10_000))).toBe(true);
    });
    const { telegrams, decoder } = decodeStream(frames, { key: KEY });
    expect(telegrams).toHaveLength(3);
    expect(telegrams.every((t) => t.crcChecked && t.header.startsWith('Lux5'))).toBe(true);
    expect(decoder.stats.frames).toBe(3);
  });

  it('fails to decrypt with a wrong key', () => {
    const { source } = smarty();
    const frames = [source.next(T0), source.next(T0 + 10_000)];
    const { results, decoder } = decodeStream(frames, { key: OTHER_KEY });
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'decrypt-failed',
      'decrypt-failed',
    ]);
    expect(decoder.stats.rejected['decrypt-failed']).toBe(2);
  });

  it('uses the given authentication key, bare or with the security byte', () => {
    const ak = Buffer.from('0102030405060708090A0B0C0D0E0F10', 'hex');
    const full = Buffer.concat([Buffer.of(0x30), ak]);
    for (const aad of [ak, full]) {
      const frame = smarty(aad).source.next(T0);
      expect(decodeStream([frame], { key: KEY, aad: ak }).telegrams).toHaveLength(1);
      expect(decodeStream([frame], { key: KEY, aad: full }).telegrams).toHaveLength(1);
      // The default (Smarty) AAD does not authenticate this frame.
      expect(decodeStream([frame], { key: KEY }).decoder.stats.rejected['decrypt-failed']).toBe(1);
    }
    expect(
      () => new DlmsEncryptor({ key: KEY, aad: Buffer.alloc(17), systemTitle: Buffer.alloc(8) }),
    ).toThrow(RangeError);
  });

  it('encrypts any generation, e.g. an Austrian-style DSMR 5 stream', () => {
    const model = new MeterModel({ version: '5', seed: 1, startMs: T0 });
    const encryptor = new DlmsEncryptor({ key: KEY, systemTitle: Buffer.from('SAGTEST1') });
    const source = new TelegramSource({ model, encryptor });
    const stream = Buffer.concat([source.next(T0), source.next(T0 + 1000)]);
    // Split at an awkward place: the decoder reassembles frames across chunks.
    const { telegrams } = decodeStream(
      [stream.subarray(0, 5), stream.subarray(5, 700), stream.subarray(700)],
      {
        key: KEY,
      },
    );
    expect(telegrams.map((t) => t.timestamp)).toEqual([T0, T0 + 1000]);
  });
});

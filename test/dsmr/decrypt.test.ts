import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decryptDlmsFrame,
  dlmsFrameCounter,
  DsmrDecoder,
  DsmrDecryptError,
  DsmrFramer,
} from '../../src/dsmr/index.js';
import { fixture, fixturePath, prng, encryptFrame as encryptSmarty } from './fixtures.js';

interface FrameInfo {
  key_hex: string;
  aad_hex: string;
  frame_bytes: number;
  layout: { frame_counter: number };
}

function info(name: string): FrameInfo {
  return JSON.parse(readFileSync(fixturePath(name), 'utf8')) as FrameInfo;
}

const SMARTY = info('openhab-5l-smarty-encrypted.json');
const SMARTY_FRAME = fixture('openhab-5l-smarty-encrypted.bin');
const SMARTY_KEY = Buffer.from(SMARTY.key_hex, 'hex');
const SMARTY_AAD = Buffer.from(SMARTY.aad_hex, 'hex');
const S2M = info('smartmeter2mqtt-encrypted-example.json');
const S2M_FRAME = Buffer.from(
  fixture('smartmeter2mqtt-encrypted-example.hex').toString('latin1').trim(),
  'hex',
);

function encryptFrame(plain: Buffer, key: Buffer, frameCounter: number): Buffer {
  return encryptSmarty(plain, {
    key,
    aad: SMARTY_AAD,
    frameCounter,
    title: Buffer.from('SAGgp\x01\xbdT', 'latin1'),
  });
}

describe('DLMS decryption', () => {
  it('decrypts the real Smarty frame to the telegram openHAB documents', () => {
    expect(SMARTY_FRAME.length).toBe(SMARTY.frame_bytes);
    const plain = decryptDlmsFrame(SMARTY_FRAME, SMARTY_KEY, SMARTY_AAD);
    expect(plain.equals(fixture('openhab-5l-smarty-long.txt'))).toBe(true);
    expect(dlmsFrameCounter(SMARTY_FRAME)).toBe(SMARTY.layout.frame_counter);
  });

  it('takes the AAD as the bare authentication key, and defaults to the Smarty key', () => {
    const expected = fixture('openhab-5l-smarty-long.txt');
    expect(
      decryptDlmsFrame(SMARTY_FRAME, SMARTY_KEY, SMARTY_AAD.subarray(1)).equals(expected),
    ).toBe(true);
    expect(decryptDlmsFrame(SMARTY_FRAME, SMARTY_KEY).equals(expected)).toBe(true);
  });

  it("decrypts smartmeter2mqtt's documented frame (00 LL LL length, typo AAD)", () => {
    const plain = decryptDlmsFrame(
      S2M_FRAME,
      Buffer.from(S2M.key_hex, 'hex'),
      Buffer.from(S2M.aad_hex, 'hex'),
    );
    expect(plain.equals(fixture('smartmeter2mqtt-encrypted-example.decrypted.txt'))).toBe(true);
    expect(dlmsFrameCounter(S2M_FRAME)).toBe(10);
  });

  it('says "wrong key or AAD" for a wrong key, a wrong AAD or a tampered frame, never returns garbage', () => {
    const wrongKey = Buffer.from(SMARTY_KEY);
    wrongKey[0]! ^= 1;
    const tampered = Buffer.from(SMARTY_FRAME);
    tampered[100]! ^= 1;
    const attempts = [
      () => decryptDlmsFrame(SMARTY_FRAME, wrongKey, SMARTY_AAD),
      () => decryptDlmsFrame(tampered, SMARTY_KEY, SMARTY_AAD),
      // smartmeter2mqtt's frame with the correct Smarty AAD (it was made with a typo AAD)
      () => decryptDlmsFrame(S2M_FRAME, Buffer.from(S2M.key_hex, 'hex'), SMARTY_AAD),
    ];
    for (const attempt of attempts) {
      expect(attempt).toThrow(DsmrDecryptError);
      expect(attempt).toThrow('decryption failed: wrong key or AAD');
    }
  });

  it('explains input that is not a frame, and a key of the wrong size', () => {
    expect(() => decryptDlmsFrame(fixture('arduino-dsmr-kaifa-minimal.txt'), SMARTY_KEY)).toThrow(
      /not a DLMS general-glo-ciphering frame/,
    );
    expect(() => decryptDlmsFrame(SMARTY_FRAME, SMARTY_KEY.subarray(0, 8))).toThrow(/16 bytes/);
    expect(() => decryptDlmsFrame(SMARTY_FRAME.subarray(0, 300), SMARTY_KEY)).toThrow(/truncated/);
  });
});

describe('DsmrFramer on encrypted frames', () => {
  it('cuts frames out of a stream split at random, skipping junk between them', () => {
    const rand = prng(99);
    const other = encryptFrame(fixture('dsmr-reader-5l-luxembourg-smarty.txt'), SMARTY_KEY, 7);
    const stream = Buffer.concat([
      Buffer.from('garbage\r\n'),
      SMARTY_FRAME,
      Buffer.of(0x00, 0xdb, 0x01),
      other,
      SMARTY_FRAME,
    ]);
    for (let round = 0; round < 20; round++) {
      const framer = new DsmrFramer();
      const frames: Buffer[] = [];
      for (let i = 0; i < stream.length;) {
        const size = 1 + Math.floor(rand() * 200);
        for (const u of framer.push(stream.subarray(i, i + size))) if (u.ok) frames.push(u.bytes);
        i += size;
      }
      expect(frames.map((f) => f.toString('hex'))).toEqual(
        [SMARTY_FRAME, other, SMARTY_FRAME].map((f) => f.toString('hex')),
      );
      expect(framer.stats).toMatchObject({ frames: 3, telegrams: 0, skippedBytes: 9 + 3 });
      expect(framer.end()).toEqual([]);
    }
  });

  it('treats a header announcing more than the frame limit as junk instead of waiting for it', () => {
    // DB 08 <title> 82 EA60: a 60000-byte frame, beyond the 16 KiB limit.
    const fake = Buffer.concat([
      Buffer.of(0xdb, 0x08),
      Buffer.alloc(8),
      Buffer.of(0x82, 0xea, 0x60, 0x30),
    ]);
    const framer = new DsmrFramer();
    const units = framer.push(Buffer.concat([fake, SMARTY_FRAME]));
    expect(units.map((u) => u.ok && u.bytes)).toEqual([SMARTY_FRAME]);
    expect(framer.stats.skippedBytes).toBe(fake.length);
  });
});

describe('DsmrDecoder with a key', () => {
  it('decrypts and parses a Smarty stream; a good telegram verifies its inner CRC', () => {
    const good = encryptFrame(fixture('dsmr-reader-5l-luxembourg-smarty.txt'), SMARTY_KEY, 1);
    const decoder = new DsmrDecoder({ key: SMARTY_KEY });
    const out = decoder.push(Buffer.concat([good, good]));
    expect(out).toMatchObject([
      { ok: true, telegram: { header: 'Lux5\\ABCDEFG123_D', crcChecked: true } },
      { ok: true },
    ]);
    expect(decoder.stats).toMatchObject({ valid: 2, frames: 2 });
  });

  it("rejects the openHAB frame's plaintext for its hand-edited CRC, as the fixture README says", () => {
    const decoder = new DsmrDecoder({ key: SMARTY_KEY, aad: SMARTY_AAD });
    expect(decoder.push(SMARTY_FRAME)).toMatchObject([{ ok: false, reason: 'crc-mismatch' }]);
    const lenient = new DsmrDecoder({ key: SMARTY_KEY, aad: SMARTY_AAD, verifyCrc: false });
    const [r] = lenient.push(SMARTY_FRAME);
    expect(r).toMatchObject({
      ok: true,
      telegram: { header: 'Lux5\\253663629_D', crcChecked: false },
    });
    expect(r?.ok && r.telegram.objects.length).toBe(28);
  });

  it('counts a wrong key as decrypt-failed and goes on with the next frame', () => {
    const wrongKey = Buffer.alloc(16, 7);
    const decoder = new DsmrDecoder({ key: wrongKey });
    const out = decoder.push(Buffer.concat([SMARTY_FRAME, SMARTY_FRAME]));
    expect(out).toEqual([
      { ok: false, reason: 'decrypt-failed', message: 'decryption failed: wrong key or AAD' },
      { ok: false, reason: 'decrypt-failed', message: 'decryption failed: wrong key or AAD' },
    ]);
    expect(decoder.stats.rejected['decrypt-failed']).toBe(2);
  });

  it('calls a frame that will not open damaged, not a wrong key, once the key has opened others', () => {
    const frame = (fc: number) =>
      encryptSmarty(fixture('dsmr-reader-5l-luxembourg-smarty.txt'), {
        key: SMARTY_KEY,
        aad: SMARTY_AAD,
        frameCounter: fc,
      });
    const garbled = frame(2);
    garbled[garbled.length - 20]! ^= 0x40; // one bit flipped on the line
    const decoder = new DsmrDecoder({ key: SMARTY_KEY, aad: SMARTY_AAD });
    expect(decoder.push(Buffer.concat([frame(1), garbled, frame(3)]))).toMatchObject([
      { ok: true },
      {
        ok: false,
        reason: 'decrypt-failed',
        message:
          'decryption failed: the frame is damaged (cut short or garbled on the line); earlier frames opened with this key',
      },
      { ok: true },
    ]);
  });

  it('reads hex text frames across chunk boundaries, any split', () => {
    const hex = fixture('smartmeter2mqtt-encrypted-example.hex');
    for (const at of [1, 2, 3, 20, 501, hex.length - 1]) {
      const framer = new DsmrFramer();
      const units = [...framer.push(hex.subarray(0, at)), ...framer.push(hex.subarray(at))];
      const end = hex.toString().trimEnd().length;
      expect(units).toEqual([{ ok: true, encrypted: true, bytes: S2M_FRAME, end }]);
      // Only the line end after the frame is outside it.
      expect(framer.stats.skippedBytes).toBe(hex.length - end);
    }
  });
});

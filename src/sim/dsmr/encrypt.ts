/**
 * Wraps a plaintext telegram the way Luxembourg (Smarty) and Austrian meters
 * send it (research/dsmr.md 2.6): a DLMS general-glo-ciphering frame
 *
 *   DB | 08 | system title (8) | length (BER) | 30 | frame counter (4) | ciphertext | tag (12)
 *
 * AES-128-GCM with IV = system title || frame counter and AAD = 0x30 ||
 * authentication key. The frame counter goes up by one per frame, as the
 * IV must never repeat under one key.
 */
import { createCipheriv } from 'node:crypto';
import {
  GENERAL_GLO_CIPHERING,
  SECURITY_AUTH_ENC,
  SMARTY_AUTH_KEY_HEX,
} from '../../dsmr/decrypt.js';

const TAG_BYTES = 12;

export interface DlmsEncryptorOptions {
  /** AES-128 key, 16 bytes. */
  key: Uint8Array;
  /** Authentication key (16 bytes) or the full AAD starting with 0x30 (17); default the Smarty key. */
  aad?: Uint8Array;
  /** 8 bytes. */
  systemTitle: Uint8Array;
  /** Counter of the first frame. */
  firstFrameCounter?: number;
}

/** BER length: one byte below 128, else 0x81/0x82 and the bytes (real Smarty frames use 82 LL LL). */
function berLength(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  if (n <= 0xff) return Buffer.of(0x81, n);
  return Buffer.of(0x82, n >> 8, n & 0xff);
}

export class DlmsEncryptor {
  private readonly key: Buffer;
  private readonly aad: Buffer;
  private readonly systemTitle: Buffer;
  private counter: number;

  constructor(o: DlmsEncryptorOptions) {
    if (o.key.length !== 16) throw new RangeError('key must be 16 bytes');
    if (o.systemTitle.length !== 8) throw new RangeError('system title must be 8 bytes');
    const aad = o.aad ? Buffer.from(o.aad) : Buffer.from(SMARTY_AUTH_KEY_HEX, 'hex');
    if (aad.length === 17 ? aad[0] !== SECURITY_AUTH_ENC : aad.length !== 16) {
      throw new RangeError('aad must be the 16-byte authentication key or 30 and that key');
    }
    this.key = Buffer.from(o.key);
    this.aad = aad.length === 16 ? Buffer.concat([Buffer.of(SECURITY_AUTH_ENC), aad]) : aad;
    this.systemTitle = Buffer.from(o.systemTitle);
    this.counter = (o.firstFrameCounter ?? 1) >>> 0;
  }

  /** The counter the next frame will carry. */
  get nextFrameCounter(): number {
    return this.counter;
  }

  seal(plaintext: Uint8Array): Buffer {
    const fc = Buffer.alloc(4);
    fc.writeUInt32BE(this.counter);
    this.counter = (this.counter + 1) >>> 0;
    const cipher = createCipheriv('aes-128-gcm', this.key, Buffer.concat([this.systemTitle, fc]), {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(this.aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    return Buffer.concat([
      Buffer.of(GENERAL_GLO_CIPHERING, this.systemTitle.length),
      this.systemTitle,
      berLength(1 + fc.length + ciphertext.length + tag.length),
      Buffer.of(SECURITY_AUTH_ENC),
      fc,
      ciphertext,
      tag,
    ]);
  }
}

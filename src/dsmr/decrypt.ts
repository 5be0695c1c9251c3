/**
 * DLMS general-glo-ciphering frames as sent by Luxembourg (Smarty) and
 * Austrian P1 ports (research/dsmr.md 2.6):
 *
 *   DB | 08 | system title (8) | length | 30 | frame counter (4) | ciphertext | GCM tag (12)
 *
 * length is BER-encoded (`82 LL LL` on real meters) and counts the security
 * byte, frame counter, ciphertext and tag. AES-128-GCM with IV = system title
 * || frame counter and AAD = security byte || authentication key.
 */
import { createDecipheriv } from 'node:crypto';

export const GENERAL_GLO_CIPHERING = 0xdb;
/** Security control: authenticated and encrypted, suite 0. */
export const SECURITY_AUTH_ENC = 0x30;
/**
 * The authentication key every Smarty meter uses (Luxmetering P1 spec 3.2.5).
 * A string, not a shared Buffer: a Buffer constant could be altered by any caller.
 */
export const SMARTY_AUTH_KEY_HEX = '00112233445566778899AABBCCDDEEFF';

const TAG_BYTES = 12;
const SYSTEM_TITLE_BYTES = 8;

export class DsmrDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DsmrDecryptError';
  }
}

export interface DlmsFrameHeader {
  /** Offset of the security control byte. */
  readonly payloadStart: number;
  /** Bytes from the security control byte to the end of the tag. */
  readonly payloadLength: number;
  /** Whole frame size in bytes. */
  readonly frameLength: number;
}

/**
 * Reads the frame header at `buf[at]`. Returns null when more bytes are
 * needed, 'invalid' when these bytes cannot start a frame.
 */
export function readDlmsHeader(buf: Uint8Array, at = 0): DlmsFrameHeader | null | 'invalid' {
  const avail = buf.length - at;
  if (avail < 1) return null;
  if (buf[at] !== GENERAL_GLO_CIPHERING) return 'invalid';
  if (avail < 2) return null;
  if (buf[at + 1] !== SYSTEM_TITLE_BYTES) return 'invalid';
  const lenAt = at + 2 + SYSTEM_TITLE_BYTES;
  if (buf.length < lenAt + 1) return null;
  const first = buf[lenAt]!;
  let lengthBytes: number;
  let payloadLength: number;
  if (first & 0x80) {
    lengthBytes = first & 0x7f;
    if (lengthBytes < 1 || lengthBytes > 3) return 'invalid';
    if (buf.length < lenAt + 1 + lengthBytes) return null;
    payloadLength = 0;
    for (let k = 1; k <= lengthBytes; k++) payloadLength = payloadLength * 256 + buf[lenAt + k]!;
    lengthBytes++;
  } else if (first === 0) {
    // smartmeter2mqtt's encryptor writes `00 LL LL` instead of `82 LL LL`; its
    // documented sample uses it, so read it when the security byte follows.
    if (buf.length < lenAt + 4) return null;
    if (buf[lenAt + 3] !== SECURITY_AUTH_ENC) return 'invalid';
    payloadLength = buf[lenAt + 1]! * 256 + buf[lenAt + 2]!;
    lengthBytes = 3;
  } else {
    payloadLength = first;
    lengthBytes = 1;
  }
  if (payloadLength < 1 + 4 + TAG_BYTES) return 'invalid';
  const payloadStart = lenAt + lengthBytes;
  return {
    payloadStart: payloadStart - at,
    payloadLength,
    frameLength: payloadStart - at + payloadLength,
  };
}

function normaliseAad(aad: Buffer | undefined, securityByte: number): Buffer {
  if (aad === undefined)
    return Buffer.concat([Buffer.of(securityByte), Buffer.from(SMARTY_AUTH_KEY_HEX, 'hex')]);
  // Accept the bare 16-byte authentication key, or the full AAD (30 || AK)
  // the way smartmeter2mqtt's --enc-aad takes it.
  return aad.length === 16 ? Buffer.concat([Buffer.of(securityByte), aad]) : aad;
}

/**
 * Decrypts one complete frame to the plaintext telegram bytes. `key` is the
 * 16-byte key from the DSO; `aad` is the authentication key (16 bytes) or the
 * full AAD (17 bytes, starting with 0x30); default: the Smarty key.
 * Throws `DsmrDecryptError` with a message a user can act on.
 */
export function decryptDlmsFrame(frame: Uint8Array, key: Uint8Array, aad?: Uint8Array): Buffer {
  if (key.length !== 16)
    throw new DsmrDecryptError(
      `decryption key must be 16 bytes (32 hex digits), got ${key.length}`,
    );
  const header = readDlmsHeader(frame);
  if (header === null || header === 'invalid') {
    throw new DsmrDecryptError(
      'not a DLMS general-glo-ciphering frame (expected DB 08 <system title> <length> 30 ...)',
    );
  }
  if (frame.length < header.frameLength) {
    throw new DsmrDecryptError(`frame truncated: ${frame.length} of ${header.frameLength} bytes`);
  }
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  const p = header.payloadStart;
  const security = buf[p]!;
  if (security !== SECURITY_AUTH_ENC) {
    throw new DsmrDecryptError(
      `unsupported security control byte 0x${security.toString(16).padStart(2, '0')} (only 0x30, authenticated encryption)`,
    );
  }
  const iv = Buffer.concat([buf.subarray(2, 2 + SYSTEM_TITLE_BYTES), buf.subarray(p + 1, p + 5)]);
  const tagStart = p + header.payloadLength - TAG_BYTES;
  const decipher = createDecipheriv('aes-128-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(normaliseAad(aad === undefined ? undefined : Buffer.from(aad), security));
  decipher.setAuthTag(buf.subarray(tagStart, tagStart + TAG_BYTES));
  const head = decipher.update(buf.subarray(p + 5, tagStart));
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    // GCM authentication failed: the plaintext would be garbage, so none is returned.
    throw new DsmrDecryptError('decryption failed: wrong key or AAD');
  }
}

/** The frame counter (increments per frame), e.g. to spot replays or gaps. */
export function dlmsFrameCounter(frame: Uint8Array): number | null {
  const header = readDlmsHeader(frame);
  if (header === null || header === 'invalid' || frame.length < header.payloadStart + 5)
    return null;
  return Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt32BE(
    header.payloadStart + 1,
  );
}

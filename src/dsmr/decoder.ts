/**
 * A P1 byte stream in, parsed telegrams and rejections out: the framer
 * (plain telegrams and encrypted frames, told apart per unit), decryption
 * for encrypted frames, then the parser. Each rejection says why; the stats
 * count every outcome so an input can report how healthy the line is.
 * Encrypted frames without a key are rejected one by one (decrypt-failed),
 * never skipped silently; plain telegrams are accepted with a key too.
 * Pure: the caller owns the socket/serial port and passes `now` when it
 * wants the clock check.
 */
import { decryptDlmsFrame, DsmrDecryptError } from './decrypt.js';
import { DsmrFramer, type FramerOutput } from './framer.js';
import { parseTelegram } from './parser.js';
import type { DsmrRejectReason, DsmrTelegram } from './types.js';

export interface DsmrDecoderOptions {
  /** AES-128 key (16 bytes) for encrypted meters' DLMS frames. */
  key?: Uint8Array;
  /** Authentication key (16 bytes) or full AAD (17 bytes); default the Smarty key. */
  aad?: Uint8Array;
  /** Verify CRCs (default true). */
  verifyCrc?: boolean;
  /** Allowed meter clock lead over `now` (see ParseOptions). */
  maxFutureMs?: number;
  maxTelegramBytes?: number;
}

export type DsmrDecodeResult =
  | { readonly ok: true; readonly telegram: DsmrTelegram; readonly raw: Buffer }
  | {
      readonly ok: false;
      readonly reason: DsmrRejectReason;
      readonly message: string;
      /** The rejected telegram's bytes when there was a whole telegram. */
      readonly raw?: Buffer;
    };

export interface DsmrDecoderStats {
  /** Telegrams accepted. */
  valid: number;
  /** Rejections by reason. */
  rejected: Record<DsmrRejectReason, number>;
  /** Bytes outside telegrams/frames. */
  skippedBytes: number;
  /** Encrypted frames seen. */
  frames: number;
}

/** The rejection of an encrypted frame when no key is set; callers may add how to pass one. */
export const NO_KEY_MESSAGE = 'encrypted DLMS frame (starts with DB), but no decryption key is set';

const WRONG_KEY = 'decryption failed: wrong key or AAD';
const DAMAGED_FRAME =
  'decryption failed: the frame is damaged (cut short or garbled on the line); earlier frames opened with this key';

export class DsmrDecoder {
  private readonly framer: DsmrFramer;
  private readonly options: DsmrDecoderOptions;
  /** Frames this key has opened: once one has, a frame that will not is damaged, not a key problem. */
  private decrypted = 0;
  private readonly counts: Pick<DsmrDecoderStats, 'valid' | 'rejected'> = {
    valid: 0,
    rejected: {
      'crc-mismatch': 0,
      'crc-missing': 0,
      truncated: 0,
      oversize: 0,
      malformed: 0,
      'future-timestamp': 0,
      'decrypt-failed': 0,
    },
  };

  constructor(options: DsmrDecoderOptions = {}) {
    this.options = options;
    this.framer = new DsmrFramer({ maxTelegramBytes: options.maxTelegramBytes });
  }

  /** A snapshot of the counters. */
  get stats(): DsmrDecoderStats {
    return {
      valid: this.counts.valid,
      rejected: { ...this.counts.rejected },
      skippedBytes: this.framer.stats.skippedBytes,
      frames: this.framer.stats.frames,
    };
  }

  /** Feeds one chunk of the stream; `now` (epoch ms) enables the future-timestamp check. */
  push(chunk: Uint8Array, now?: number): DsmrDecodeResult[] {
    const out: DsmrDecodeResult[] = [];
    this.handleFramed(this.framer.push(chunk), now, out);
    return out;
  }

  /** Ends the stream: flushes a last telegram without line end, reports a cut one. */
  end(now?: number): DsmrDecodeResult[] {
    const out: DsmrDecodeResult[] = [];
    this.handleFramed(this.framer.end(), now, out);
    return out;
  }

  private handleFramed(
    framed: FramerOutput[],
    now: number | undefined,
    out: DsmrDecodeResult[],
  ): void {
    for (const f of framed) {
      if (!f.ok) this.rejectWith(out, f.reason, f.message);
      else if (f.encrypted) this.handleFrame(f.bytes, now, out);
      else this.parse(f.bytes, now, out);
    }
  }

  private handleFrame(frame: Buffer, now: number | undefined, out: DsmrDecodeResult[]): void {
    const key = this.options.key;
    if (key === undefined) {
      this.rejectWith(out, 'decrypt-failed', NO_KEY_MESSAGE);
      return;
    }
    let plain: Buffer;
    try {
      plain = decryptDlmsFrame(frame, key, this.options.aad);
    } catch (e) {
      if (!(e instanceof DsmrDecryptError)) throw e;
      const damaged = this.decrypted > 0 && e.message === WRONG_KEY;
      this.rejectWith(out, 'decrypt-failed', damaged ? DAMAGED_FRAME : e.message);
      return;
    }
    this.decrypted++;
    this.parse(plain, now, out);
  }

  private parse(raw: Buffer, now: number | undefined, out: DsmrDecodeResult[]): void {
    const r = parseTelegram(raw, {
      verifyCrc: this.options.verifyCrc,
      now,
      maxFutureMs: this.options.maxFutureMs,
    });
    if (r.ok) {
      this.counts.valid++;
      out.push({ ok: true, telegram: r.telegram, raw });
    } else {
      this.counts.rejected[r.reason]++;
      out.push({ ok: false, reason: r.reason, message: r.message, raw });
    }
  }

  private rejectWith(out: DsmrDecodeResult[], reason: DsmrRejectReason, message: string): void {
    this.counts.rejected[reason]++;
    out.push({ ok: false, reason, message });
  }
}

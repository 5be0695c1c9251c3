/**
 * A P1 byte stream in, parsed telegrams and rejections out: the framer (or,
 * for encrypted meters, the DLMS frame splitter and decryption) followed by
 * the parser. Each rejection says why; the stats count every outcome so an
 * input can report how healthy the line is. Pure: the caller owns the
 * socket/serial port and passes `now` when it wants the clock check.
 */
import { decryptDlmsFrame, DsmrDecryptError } from './decrypt.js';
import { DlmsFramer } from './dlms-framer.js';
import { DsmrFramer, type FramerOutput } from './framer.js';
import { parseTelegram } from './parser.js';
import type { DsmrRejectReason, DsmrTelegram } from './types.js';

export interface DsmrDecoderOptions {
  /** AES-128 key (16 bytes) for encrypted meters; when set, the input is DLMS frames. */
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

export class DsmrDecoder {
  private readonly framer: DsmrFramer;
  private readonly dlms: DlmsFramer | null;
  private readonly options: DsmrDecoderOptions;
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
    this.dlms =
      options.key === undefined
        ? null
        : new DlmsFramer({ maxFrameBytes: options.maxTelegramBytes });
  }

  /** A snapshot of the counters. */
  get stats(): DsmrDecoderStats {
    return {
      valid: this.counts.valid,
      rejected: { ...this.counts.rejected },
      skippedBytes: this.framer.stats.skippedBytes + (this.dlms?.stats.skippedBytes ?? 0),
      frames: this.dlms?.stats.frames ?? 0,
    };
  }

  /** Feeds one chunk of the stream; `now` (epoch ms) enables the future-timestamp check. */
  push(chunk: Uint8Array, now?: number): DsmrDecodeResult[] {
    const out: DsmrDecodeResult[] = [];
    if (this.dlms === null) this.handleFramed(this.framer.push(chunk), now, out);
    else for (const frame of this.dlms.push(chunk)) this.handleFrame(frame, now, out);
    return out;
  }

  /** Ends the stream: flushes a last telegram without line end, reports a cut one. */
  end(now?: number): DsmrDecodeResult[] {
    const out: DsmrDecodeResult[] = [];
    if (this.dlms === null) this.handleFramed(this.framer.end(), now, out);
    else if (this.dlms.end() > 0)
      this.rejectWith(out, 'truncated', 'input ended inside an encrypted frame');
    return out;
  }

  private handleFramed(
    framed: FramerOutput[],
    now: number | undefined,
    out: DsmrDecodeResult[],
  ): void {
    for (const f of framed) {
      if (f.ok) this.parse(f.bytes, now, out);
      else this.rejectWith(out, f.reason, f.message);
    }
  }

  private handleFrame(frame: Buffer, now: number | undefined, out: DsmrDecodeResult[]): void {
    let plain: Buffer;
    try {
      plain = decryptDlmsFrame(frame, this.options.key!, this.options.aad);
    } catch (e) {
      if (!(e instanceof DsmrDecryptError)) throw e;
      this.rejectWith(out, 'decrypt-failed', e.message);
      return;
    }
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

/**
 * Streaming P1 framer: Buffer chunks in (any split), complete telegrams out
 * as raw bytes from `/` through `!`, the CRC digits (0-4 hex), an optional
 * NUL and the line end. Works on bytes, never on lines, so the CRC can be
 * checked over exactly what the meter sent.
 *
 * Resynchronisation: bytes outside a telegram (gateway junk, the tail of a
 * telegram whose start was missed) are skipped and counted; a `/` before the
 * `!` abandons the partial telegram (counted as truncated) and starts a new
 * one; a telegram longer than `maxTelegramBytes` is dropped (counted), so a
 * stream of garbage never grows memory beyond that limit.
 *
 * A telegram that lies inside one chunk is emitted as a view on that chunk
 * (no copy); chunks must not be reused by the caller after `push`.
 */
import type { DsmrRejection } from './types.js';

export interface FramedTelegram {
  readonly ok: true;
  readonly bytes: Buffer;
}

export type FramerOutput = FramedTelegram | DsmrRejection;

export interface FramerStats {
  /** Telegrams emitted (CRC not yet checked). */
  telegrams: number;
  /** Partial telegrams abandoned because a new `/` came first, or the input ended. */
  truncated: number;
  /** Telegrams dropped for exceeding `maxTelegramBytes`. */
  oversize: number;
  /** Telegrams whose line after `!` was not `[hex]{0,4} [NUL] CRLF`. */
  malformed: number;
  /** Bytes outside any telegram (junk between telegrams, fragments). */
  skippedBytes: number;
}

export interface FramerOptions {
  /** Largest accepted telegram; DSMR telegrams are 0.3-2 KB. Default 16 KiB. */
  maxTelegramBytes?: number;
}

export const DEFAULT_MAX_TELEGRAM_BYTES = 16_384;

const SLASH = 0x2f;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

/** Looking for `/`. */
const HUNT = 0;
/** Inside a telegram, looking for `!`. */
const BODY = 1;
/** After `!`: CRC digits, optional NUL, line end. */
const TRAILER = 2;
/** Most bytes after `!`: 4 CRC digits, NUL, CR, LF. */
const TRAILER_MAX = 7;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

export class DsmrFramer {
  readonly stats: FramerStats = {
    telegrams: 0,
    truncated: 0,
    oversize: 0,
    malformed: 0,
    skippedBytes: 0,
  };
  private readonly max: number;
  /** Bytes of the current telegram that arrived in earlier chunks. */
  private readonly acc: Buffer;
  private accLen = 0;
  private state = HUNT;
  private crcDigits = 0;
  private sawNul = false;
  private sawCr = false;

  constructor(options: FramerOptions = {}) {
    this.max = options.maxTelegramBytes ?? DEFAULT_MAX_TELEGRAM_BYTES;
    this.acc = Buffer.allocUnsafe(this.max + TRAILER_MAX);
  }

  /** Feeds one chunk; returns the telegrams it completed and the ones it had to drop. */
  push(chunk: Uint8Array): FramerOutput[] {
    const out: FramerOutput[] = [];
    const n = chunk.length;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, n);
    // Where the current telegram's bytes start in this chunk (0 when it began earlier).
    let seg = 0;
    let i = 0;
    while (i < n) {
      if (this.state === HUNT) {
        const j = buf.indexOf(SLASH, i);
        if (j < 0) {
          this.stats.skippedBytes += n - i;
          return out;
        }
        this.stats.skippedBytes += j - i;
        this.state = BODY;
        this.accLen = 0;
        seg = j;
        i = j + 1;
      } else if (this.state === BODY) {
        const bang = buf.indexOf(BANG, i);
        const slash = buf.indexOf(SLASH, i);
        if (slash >= 0 && (bang < 0 || slash < bang)) {
          this.stats.truncated++;
          const length = this.accLen + slash - seg;
          out.push(
            this.reject(
              'truncated',
              `truncated telegram: a new '/' came before '!' (${length} bytes dropped)`,
            ),
          );
          this.accLen = 0;
          seg = slash;
          i = slash + 1;
          continue;
        }
        if (bang < 0) {
          i = n;
          break;
        }
        if (this.accLen + bang + 1 - seg > this.max) {
          this.dropOversize(out);
          i = bang + 1;
          continue;
        }
        this.state = TRAILER;
        this.crcDigits = 0;
        this.sawNul = false;
        this.sawCr = false;
        i = bang + 1;
      } else {
        const c = buf[i]!;
        if (!this.sawCr && !this.sawNul && this.crcDigits < 4 && isHex(c)) {
          this.crcDigits++;
          i++;
        } else if (c === NUL && !this.sawCr && !this.sawNul) {
          this.sawNul = true;
          i++;
        } else if (c === CR && !this.sawCr) {
          this.sawCr = true;
          i++;
        } else if (c === LF) {
          out.push(this.complete(buf, seg, i + 1));
          i++;
        } else if (this.sawCr || c === SLASH) {
          // A bare CR, or the next telegram right after the CRC: accept, keep this byte.
          out.push(this.complete(buf, seg, i));
        } else {
          this.stats.malformed++;
          out.push(
            this.reject(
              'malformed',
              `malformed telegram end: unexpected byte 0x${c.toString(16).padStart(2, '0')} after '!'`,
            ),
          );
          this.state = HUNT;
          this.accLen = 0;
        }
      }
    }
    if (this.state !== HUNT) this.keep(buf, seg, n, out);
    return out;
  }

  /**
   * Ends the input: a telegram complete up to its CRC but missing the final
   * line end (a file without a trailing newline) is emitted; a telegram cut
   * before `!` is reported as truncated.
   */
  end(): FramerOutput[] {
    const out: FramerOutput[] = [];
    if (this.state === TRAILER) out.push(this.complete(this.acc, 0, 0));
    else if (this.state === BODY) {
      this.stats.truncated++;
      out.push(
        this.reject(
          'truncated',
          `truncated telegram: input ended before '!' (${this.accLen} bytes dropped)`,
        ),
      );
    }
    this.state = HUNT;
    this.accLen = 0;
    return out;
  }

  private reject(reason: DsmrRejection['reason'], message: string): DsmrRejection {
    return { ok: false, reason, message };
  }

  private dropOversize(out: FramerOutput[]): void {
    this.stats.oversize++;
    out.push(this.reject('oversize', `telegram longer than ${this.max} bytes without '!' dropped`));
    this.state = HUNT;
    this.accLen = 0;
  }

  /** Holds the unfinished telegram's bytes `chunk[from, to)` until the next chunk. */
  private keep(chunk: Buffer, from: number, to: number, out: FramerOutput[]): void {
    const len = to - from;
    if (this.accLen + len > this.acc.length) {
      this.dropOversize(out);
      return;
    }
    chunk.copy(this.acc, this.accLen, from, to);
    this.accLen += len;
  }

  /** Emits the telegram ending at `chunk[to)`: a view when it lies in this chunk, else a copy. */
  private complete(chunk: Buffer, from: number, to: number): FramedTelegram {
    this.state = HUNT;
    this.stats.telegrams++;
    let bytes: Buffer;
    if (this.accLen === 0) bytes = chunk.subarray(from, to);
    else {
      bytes = Buffer.allocUnsafe(this.accLen + to - from);
      this.acc.copy(bytes, 0, 0, this.accLen);
      chunk.copy(bytes, this.accLen, from, to);
      this.accLen = 0;
    }
    return { ok: true, bytes };
  }
}

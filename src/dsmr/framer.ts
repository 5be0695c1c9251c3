/**
 * Streaming P1 framer: Buffer chunks in (any split), complete units out.
 * A unit is either a plain telegram, raw bytes from `/` through `!`, the CRC
 * digits (0-4 hex), an optional NUL and the line end, or an encrypted DLMS
 * frame (`DB 08 ...`, cut by the length in its header), sent as binary or
 * written as hex text (how smartmeter2mqtt documents and logs frames; hex
 * frames come out as binary). Works on bytes, never on lines, so the CRC can
 * be checked over exactly what the meter sent.
 *
 * The format is decided per unit, not per connection: a stream may switch
 * between plain and encrypted units, and junk at the start never locks a
 * wrong mode.
 *
 * Resynchronisation: bytes outside a unit (gateway junk, the tail of a
 * telegram whose start was missed) are skipped and counted; a `/` or 0xDB before the `!`
 * abandons the partial telegram (counted as truncated) and starts a new unit;
 * a unit longer than `maxTelegramBytes` is dropped (counted), so a stream of
 * garbage never grows memory beyond that limit. A 0xDB whose header is not a
 * plausible frame (DB 08, title, length, security 0x30) is junk.
 *
 * A telegram that lies inside one chunk is emitted as a view on that chunk
 * (no copy); chunks must not be reused by the caller after `push`.
 */
// Imported, not the global: Node's global `Buffer` is a getter, called on every use.
import { Buffer } from 'node:buffer';
import { GENERAL_GLO_CIPHERING, SECURITY_AUTH_ENC, readDlmsHeader } from './decrypt.js';
import type { DsmrRejection } from './types.js';

export interface FramedTelegram {
  readonly ok: true;
  /** The plain telegram, or the binary DLMS frame when `encrypted`. */
  readonly bytes: Buffer;
  readonly encrypted: boolean;
  /** Stream offset just past the unit's last byte (counted over everything pushed). */
  readonly end: number;
}

export type FramerOutput = FramedTelegram | DsmrRejection;

export interface FramerStats {
  /** Plain telegrams emitted (CRC not yet checked). */
  telegrams: number;
  /** Encrypted frames emitted (binary or hex text). */
  frames: number;
  /** Partial units abandoned because a new one started first, or the input ended. */
  truncated: number;
  /** Units dropped for exceeding `maxTelegramBytes`. */
  oversize: number;
  /** Telegrams whose line after `!` was not `[hex]{0,4} [NUL] CRLF`. */
  malformed: number;
  /** Bytes outside any unit (junk between telegrams, fragments). */
  skippedBytes: number;
}

export interface FramerOptions {
  /** Largest accepted telegram or frame; DSMR telegrams are 0.3-2 KB. Default 16 KiB. */
  maxTelegramBytes?: number;
}

export const DEFAULT_MAX_TELEGRAM_BYTES = 16_384;

const SLASH = 0x2f;
const BANG = 0x21;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const DB = GENERAL_GLO_CIPHERING;

/** Looking for `/`, 0xDB or hex `db`. */
const HUNT = 0;
/** Inside a telegram, looking for `!`. */
const BODY = 1;
/** After `!`: CRC digits, optional NUL, line end. */
const TRAILER = 2;
/** Inside a binary frame whose header gave its length. */
const FRAME = 3;
/** Inside a hex-text frame: pairs of hex digits, blanks ignored. */
const HEX = 4;
/** Most bytes after `!`: 4 CRC digits, NUL, CR, LF. */
const TRAILER_MAX = 7;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === LF || c === CR;
}

/**
 * The frame length when a plausible encrypted frame starts at `buf[at]`;
 * 0 when it cannot; -1 when more bytes are needed to tell.
 */
function dlmsFrameLength(buf: Uint8Array, at: number, max: number): number {
  const h = readDlmsHeader(buf, at);
  if (h === null) return -1;
  if (h === 'invalid' || h.frameLength > max) return 0;
  if (buf.length <= at + h.payloadStart) return -1;
  return buf[at + h.payloadStart] === SECURITY_AUTH_ENC ? h.frameLength : 0;
}

export class DsmrFramer {
  readonly stats: FramerStats = {
    telegrams: 0,
    frames: 0,
    truncated: 0,
    oversize: 0,
    malformed: 0,
    skippedBytes: 0,
  };
  private readonly max: number;
  /** Bytes of the current unit that arrived in earlier chunks (decoded bytes for hex). */
  private readonly acc: Buffer;
  private accLen = 0;
  private state = HUNT;
  private crcDigits = 0;
  private sawNul = false;
  private sawCr = false;
  /** FRAME/HEX: the frame's length once its header is known (0 before). */
  private frameLength = 0;
  /** HEX: the pending high nibble, or -1. */
  private high = -1;
  /** HEX: characters read for the current frame, to bound blank runs too. */
  private hexChars = 0;
  /** Stream offset of the next pushed byte. */
  private offset = 0;
  /** The start of a frame header cut by the chunk end, re-read with the next chunk. */
  private carry: Buffer | null = null;
  /** Index of the next 0xDB in the chunk being read; -1 none left, -2 not looked up yet. */
  private dbAt = -2;

  constructor(options: FramerOptions = {}) {
    this.max = options.maxTelegramBytes ?? DEFAULT_MAX_TELEGRAM_BYTES;
    this.acc = Buffer.allocUnsafe(this.max + TRAILER_MAX);
  }

  /** Feeds one chunk; returns the units it completed and the ones it had to drop. */
  push(chunk: Uint8Array): FramerOutput[] {
    const out: FramerOutput[] = [];
    let buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let base = this.offset;
    this.offset += buf.length;
    if (this.carry !== null) {
      base -= this.carry.length;
      buf = Buffer.concat([this.carry, buf]);
      this.carry = null;
    }
    const n = buf.length;
    this.dbAt = -2;
    // Where the current unit's bytes start in this chunk (0 when it began earlier).
    let seg = 0;
    let i = 0;
    while (i < n) {
      if (this.state === HUNT) {
        const j = this.hunt(buf, i);
        if (j < 0) return out;
        const c = buf[j]!;
        this.accLen = 0;
        seg = j;
        if (c === SLASH) {
          this.state = BODY;
          i = j + 1;
        } else if (c === DB) {
          const length = dlmsFrameLength(buf, j, this.max);
          if (length < 0) {
            // A header cut by the chunk end (at most 15 bytes: DB 08 title 83 LLLLLL 30) waits for the next chunk.
            this.carry = Buffer.from(buf.subarray(j));
            return out;
          }
          if (length === 0) {
            this.stats.skippedBytes++;
            i = j + 1;
            continue;
          }
          this.state = FRAME;
          this.frameLength = length;
          i = j + 1;
        } else {
          this.state = HEX;
          this.frameLength = 0;
          this.high = -1;
          this.hexChars = 0;
          i = j;
        }
      } else if (this.state === BODY) {
        i = this.body(buf, seg, i, out);
        if (i < 0) {
          i = -i - 1;
          seg = i;
        }
      } else if (this.state === TRAILER) {
        i = this.trailer(buf, seg, i, base, out);
      } else if (this.state === FRAME) {
        const need = this.frameLength - this.accLen + seg;
        if (need > n) {
          i = n;
          break;
        }
        out.push(this.complete(buf, seg, need, base + need, true));
        i = need;
      } else {
        i = this.hex(buf, i, base, out);
      }
    }
    if (this.state === BODY || this.state === TRAILER || this.state === FRAME)
      this.keep(buf, seg, n, out);
    return out;
  }

  /**
   * Ends the input: a telegram complete up to its CRC but missing the final
   * line end (a file without a trailing newline) is emitted; a unit cut
   * before its end is reported as truncated.
   */
  end(): FramerOutput[] {
    const out: FramerOutput[] = [];
    if (this.carry !== null) {
      // A header that never completed: its bytes are junk.
      this.stats.skippedBytes += this.carry.length;
      this.carry = null;
    }
    if (this.state === TRAILER) out.push(this.complete(this.acc, 0, 0, this.offset, false));
    else if (this.state === BODY) {
      out.push(this.truncated(`input ended before '!' (${this.accLen} bytes dropped)`, 'telegram'));
    } else if (this.state === FRAME || this.inHexFrame()) {
      out.push(
        this.truncated(`input ended inside an encrypted frame (${this.accLen} bytes dropped)`),
      );
    } else if (this.state === HEX) this.stats.skippedBytes += this.hexChars;
    this.state = HUNT;
    this.accLen = 0;
    return out;
  }

  /** The next unit start at or after `i`, counting the junk before it; -1 when none in `buf`. */
  private hunt(buf: Buffer, i: number): number {
    const n = buf.length;
    let j = i;
    for (; j < n; j++) {
      const c = buf[j]!;
      if (c === SLASH || c === DB) break;
      // 'd' starts a hex frame when 'b' follows (or may follow, at the chunk end).
      if ((c | 0x20) === 0x64 && (j + 1 === n || (buf[j + 1]! | 0x20) === 0x62)) break;
    }
    this.stats.skippedBytes += j - i;
    return j < n ? j : -1;
  }

  /**
   * BODY: finds `!`; returns the index to go on from, or `-(k + 1)` when a
   * new unit starts at k (the partial telegram was abandoned).
   */
  private body(buf: Buffer, seg: number, i: number, out: FramerOutput[]): number {
    const n = buf.length;
    const bang = buf.indexOf(BANG, i);
    const stop = bang < 0 ? n : bang;
    // A new telegram or frame before `!` means this one was cut.
    let next = buf.indexOf(SLASH, i);
    if (next >= stop) next = -1;
    // The next 0xDB of this chunk is looked up once, not per telegram: a plain
    // stream has none, and a search to the chunk end per telegram would make
    // a chunk of many telegrams cost quadratic time.
    if (this.dbAt !== -1 && this.dbAt < i) this.dbAt = buf.indexOf(DB, i);
    const db = this.dbAt;
    if (db >= 0 && db < stop && (next < 0 || db < next)) next = db;
    if (next >= 0) {
      const length = this.accLen + next - seg;
      out.push(
        this.truncated(`a new '/' or frame came before '!' (${length} bytes dropped)`, 'telegram'),
      );
      this.state = HUNT;
      this.accLen = 0;
      return -(next + 1);
    }
    if (bang < 0) return n;
    if (this.accLen + bang + 1 - seg > this.max) {
      this.dropOversize(out);
      return bang + 1;
    }
    this.state = TRAILER;
    this.crcDigits = 0;
    this.sawNul = false;
    this.sawCr = false;
    return bang + 1;
  }

  /** TRAILER: one byte of the CRC line; returns the index to go on from. */
  private trailer(buf: Buffer, seg: number, i: number, base: number, out: FramerOutput[]): number {
    // The usual line, four CRC digits and CRLF, whole in this chunk: one
    // step instead of six trips through the state machine.
    if (this.crcDigits === 0 && !this.sawNul && !this.sawCr && i + 6 <= buf.length) {
      if (
        isHex(buf[i]!) &&
        isHex(buf[i + 1]!) &&
        isHex(buf[i + 2]!) &&
        isHex(buf[i + 3]!) &&
        buf[i + 4] === CR &&
        buf[i + 5] === LF
      ) {
        out.push(this.complete(buf, seg, i + 6, base + i + 6, false));
        return i + 6;
      }
    }
    const c = buf[i]!;
    if (!this.sawCr && !this.sawNul && this.crcDigits < 4 && isHex(c)) {
      this.crcDigits++;
    } else if (c === NUL && !this.sawCr && !this.sawNul) {
      this.sawNul = true;
    } else if (c === CR && !this.sawCr) {
      this.sawCr = true;
    } else if (c === LF) {
      out.push(this.complete(buf, seg, i + 1, base + i + 1, false));
    } else if (this.sawCr || c === SLASH || c === DB) {
      // A bare CR, or the next unit right after the CRC: accept, keep this byte.
      out.push(this.complete(buf, seg, i, base + i, false));
      return i;
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
      return i;
    }
    return i + 1;
  }

  /** HEX: decodes digits into `acc` until the frame is whole; returns the index to go on from. */
  private hex(buf: Buffer, i: number, base: number, out: FramerOutput[]): number {
    const n = buf.length;
    for (; i < n; i++) {
      const c = buf[i]!;
      const v = hexValue(c);
      if (v < 0) {
        if (isBlank(c) && this.hexChars < 2 * this.max + TRAILER_MAX) {
          this.hexChars++;
          continue;
        }
        // Anything else ends the hex run; the byte is read again as a possible unit start.
        this.abandonHex(out);
        return i;
      }
      this.hexChars++;
      if (this.high < 0) {
        this.high = v;
        continue;
      }
      const byte = (this.high << 4) | v;
      this.high = -1;
      if (this.accLen < 2 && byte !== (this.accLen === 0 ? DB : 0x08)) {
        // Not `db08`: junk. In `dbdb08` the second `db` starts over.
        if (byte === DB) {
          this.stats.skippedBytes += this.hexChars - 2;
          this.hexChars = 2;
          continue;
        }
        this.state = HUNT;
        this.accLen = 0;
        // The pair's second digit may be the `d` of a real start: read it again.
        const again = (c | 0x20) === 0x64;
        this.stats.skippedBytes += again ? this.hexChars - 1 : this.hexChars;
        return again ? i : i + 1;
      }
      this.acc[this.accLen++] = byte;
      if (this.frameLength === 0) {
        const length = dlmsFrameLength(this.acc.subarray(0, this.accLen), 0, this.max);
        if (length === 0) {
          this.abandonHex(out);
          return i + 1;
        }
        if (length > 0) this.frameLength = length;
      }
      if (this.accLen === this.frameLength) {
        out.push(this.complete(this.acc, 0, 0, base + i + 1, true));
        return i + 1;
      }
    }
    return n;
  }

  /** Leaves HEX: a frame whose header was read is truncated; anything shorter was junk. */
  private abandonHex(out: FramerOutput[]): void {
    if (this.inHexFrame())
      out.push(
        this.truncated(`hex text ended inside an encrypted frame (${this.accLen} bytes dropped)`),
      );
    else this.stats.skippedBytes += this.hexChars;
    this.state = HUNT;
    this.accLen = 0;
  }

  private inHexFrame(): boolean {
    return this.state === HEX && this.frameLength > 0;
  }

  private truncated(why: string, what = 'frame'): DsmrRejection {
    this.stats.truncated++;
    return this.reject('truncated', `truncated ${what}: ${why}`);
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

  /** Holds the unfinished unit's bytes `chunk[from, to)` until the next chunk. */
  private keep(chunk: Buffer, from: number, to: number, out: FramerOutput[]): void {
    const len = to - from;
    if (this.accLen + len > this.acc.length) {
      this.dropOversize(out);
      return;
    }
    chunk.copy(this.acc, this.accLen, from, to);
    this.accLen += len;
  }

  /**
   * Emits the unit ending at `chunk[to)`: a view when it lies in this chunk
   * (the chunk itself when the unit is all of it: a gateway that writes one
   * telegram per packet, and a view costs more than framing a small
   * telegram), else a copy. For hex frames `chunk` is `acc` itself (always
   * copied).
   */
  private complete(
    chunk: Buffer,
    from: number,
    to: number,
    end: number,
    encrypted: boolean,
  ): FramedTelegram {
    this.state = HUNT;
    if (encrypted) this.stats.frames++;
    else this.stats.telegrams++;
    let bytes: Buffer;
    if (this.accLen === 0)
      bytes =
        from === 0 && to === chunk.length && chunk !== this.acc ? chunk : chunk.subarray(from, to);
    else if (chunk === this.acc) bytes = Buffer.from(this.acc.subarray(0, this.accLen));
    else {
      bytes = Buffer.allocUnsafe(this.accLen + to - from);
      this.acc.copy(bytes, 0, 0, this.accLen);
      chunk.copy(bytes, this.accLen, from, to);
    }
    this.accLen = 0;
    return { ok: true, bytes, encrypted, end };
  }
}

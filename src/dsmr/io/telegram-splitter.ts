/**
 * Cuts a recorded P1 stream into pieces that each end with one telegram (or
 * one encrypted frame, binary or hex text), so a replay can hand them on one
 * at a time. Every byte is kept as recorded, junk and broken telegrams
 * included, so the decoder behind the replay sees and counts exactly what
 * the recording holds. Boundaries come from the parser's own framer, which
 * tells plain and encrypted units apart one by one. Pure: no I/O, no timers.
 */
import { DsmrFramer, DEFAULT_MAX_TELEGRAM_BYTES } from '../index.js';

export interface SplitPiece {
  readonly bytes: Buffer;
  /** True when the piece ends with a complete telegram or frame. */
  readonly telegram: boolean;
}

export class TelegramSplitter {
  private readonly framer: DsmrFramer;
  /** Bytes not handed out yet. */
  private window: Buffer = Buffer.alloc(0);
  /** Stream offset of `window[0]`. */
  private windowStart = 0;

  constructor(private readonly maxTelegramBytes = DEFAULT_MAX_TELEGRAM_BYTES) {
    this.framer = new DsmrFramer({ maxTelegramBytes });
  }

  push(chunk: Buffer): SplitPiece[] {
    this.window = this.window.length === 0 ? chunk : Buffer.concat([this.window, chunk]);
    return this.cut(this.framer.push(chunk));
  }

  end(): SplitPiece[] {
    const pieces = this.cut(this.framer.end());
    if (this.window.length > 0) pieces.push({ bytes: this.window, telegram: false });
    this.windowStart += this.window.length;
    this.window = Buffer.alloc(0);
    return pieces;
  }

  /** Hands out the window up to the end of each whole unit; rejected ones stay with the next. */
  private cut(units: ReturnType<DsmrFramer['push']>): SplitPiece[] {
    const pieces: SplitPiece[] = [];
    let at = 0;
    for (const u of units) {
      if (!u.ok) continue;
      const end = u.end - this.windowStart;
      pieces.push({ bytes: this.window.subarray(at, end), telegram: true });
      at = end;
    }
    // Hand on all but the last `max` bytes, keeping memory bounded. Those
    // are junk or the start of a long hex-text unit; either way the decoder
    // completes the unit only when its end arrives, on schedule.
    const keep = Math.max(at, this.window.length - this.maxTelegramBytes);
    if (keep > at) pieces.push({ bytes: this.window.subarray(at, keep), telegram: false });
    this.window = Buffer.from(this.window.subarray(keep));
    this.windowStart += keep;
    return pieces;
  }
}

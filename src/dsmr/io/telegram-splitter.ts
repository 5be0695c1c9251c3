/**
 * Cuts a recorded P1 stream into pieces that each end with one telegram (or
 * one encrypted frame), so a replay can hand them on one at a time. Every
 * byte is kept, junk and broken telegrams included, so the decoder behind
 * the replay sees and counts exactly what the recording holds. Boundaries
 * come from the parser's own framers; hex-text frames are turned into
 * binary first (the decoder recognises both). Pure: no I/O, no timers.
 */
import {
  DlmsFramer,
  DsmrFramer,
  DEFAULT_MAX_TELEGRAM_BYTES,
  HexTextDecoder,
  sniffP1Input,
  type P1InputFormat,
} from '../index.js';

export interface SplitPiece {
  readonly bytes: Buffer;
  /** True when the piece ends with a complete telegram or frame. */
  readonly telegram: boolean;
}

export class TelegramSplitter {
  private format: P1InputFormat | null = null;
  private framer: { push(chunk: Uint8Array): Buffer[]; end(): Buffer[] } | null = null;
  private hex: HexTextDecoder | null = null;
  /** Bytes not handed out yet (before the format is known: the head). */
  private window: Buffer = Buffer.alloc(0);

  constructor(private readonly maxTelegramBytes = DEFAULT_MAX_TELEGRAM_BYTES) {}

  push(chunk: Buffer): SplitPiece[] {
    if (this.format === null) {
      this.window = Buffer.concat([this.window, chunk]);
      const format = sniffP1Input(this.window);
      if (format === null) return [];
      const head = this.window;
      this.window = Buffer.alloc(0);
      this.begin(format);
      return this.feed(head);
    }
    return this.feed(chunk);
  }

  end(): SplitPiece[] {
    if (this.format === null) {
      const head = this.window;
      this.window = Buffer.alloc(0);
      this.begin(sniffP1Input(head, true) ?? 'plain');
      return [...this.feed(head), ...this.finish()];
    }
    return this.finish();
  }

  private begin(format: P1InputFormat): void {
    this.format = format;
    if (format === 'dlms-hex') this.hex = new HexTextDecoder();
    if (format === 'plain') {
      const framer = new DsmrFramer({ maxTelegramBytes: this.maxTelegramBytes });
      // Only whole telegrams mark a boundary; rejected pieces stay in the window.
      const whole = (out: ReturnType<DsmrFramer['push']>) =>
        out.flatMap((o) => (o.ok ? [o.bytes] : []));
      this.framer = { push: (c) => whole(framer.push(c)), end: () => whole(framer.end()) };
    } else {
      const framer = new DlmsFramer({ maxFrameBytes: this.maxTelegramBytes });
      this.framer = {
        push: (c) => framer.push(c),
        end: () => {
          framer.end();
          return [];
        },
      };
    }
  }

  private feed(chunk: Buffer): SplitPiece[] {
    const bytes = this.hex === null ? chunk : this.hex.push(chunk);
    this.window = this.window.length === 0 ? bytes : Buffer.concat([this.window, bytes]);
    return this.cut(this.framer!.push(bytes));
  }

  private finish(): SplitPiece[] {
    const pieces = this.cut(this.framer!.end());
    if (this.window.length > 0) pieces.push({ bytes: this.window, telegram: false });
    this.window = Buffer.alloc(0);
    return pieces;
  }

  /** Hands out the window up to the end of each framed telegram, which lies in it verbatim. */
  private cut(telegrams: Buffer[]): SplitPiece[] {
    const pieces: SplitPiece[] = [];
    let at = 0;
    for (const t of telegrams) {
      const start = this.window.indexOf(t, at);
      if (start < 0) continue;
      pieces.push({ bytes: this.window.subarray(at, start + t.length), telegram: true });
      at = start + t.length;
    }
    // A telegram in progress is never longer than the framer's limit, so
    // anything before the last `max` bytes is junk: hand it on, keep memory bounded.
    const keep = Math.max(at, this.window.length - this.maxTelegramBytes);
    if (keep > at) pieces.push({ bytes: this.window.subarray(at, keep), telegram: false });
    this.window = Buffer.from(this.window.subarray(keep));
    return pieces;
  }
}

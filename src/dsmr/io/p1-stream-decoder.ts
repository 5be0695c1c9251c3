/**
 * One P1 input's bytes to decode results, across reconnects: each
 * connection (a segment) is sniffed on its first bytes as plain telegrams,
 * binary DLMS frames or DLMS hex text, and decoded with a fresh DsmrDecoder,
 * so a telegram cut by a dropped connection is reported as truncated instead
 * of being glued to the next connection's bytes. Encrypted frames without a
 * key are rejected one by one (decrypt-failed) rather than skipped silently;
 * plain telegrams are accepted even when a key is set. Pure: no I/O.
 */
import {
  DlmsFramer,
  DsmrDecoder,
  HexTextDecoder,
  sniffP1Input,
  type DsmrDecodeResult,
  type P1InputFormat,
} from '../index.js';

export interface P1StreamDecoderOptions {
  /** AES-128 key of an encrypted meter. */
  key?: Uint8Array;
  /** Authentication key or full AAD; default the Smarty key. */
  aad?: Uint8Array;
  /** Allowed meter clock lead over `now`. */
  maxFutureMs?: number;
}

const NO_KEY = 'encrypted DLMS frame, but no decryption key is set (--p1-key)';

export class P1StreamDecoder {
  private format: P1InputFormat | null = null;
  private head: Buffer = Buffer.alloc(0);
  private decoder: DsmrDecoder | null = null;
  private hex: HexTextDecoder | null = null;
  /** Counts the frames of an encrypted input that cannot be decrypted. */
  private keyless: DlmsFramer | null = null;
  private skippedBefore = 0;

  constructor(private readonly options: P1StreamDecoderOptions = {}) {}

  /** What the current segment carries; null until its first bytes tell. */
  get inputFormat(): P1InputFormat | null {
    return this.format;
  }

  /** Bytes outside telegrams and frames, over all segments. */
  get skippedBytes(): number {
    return this.skippedBefore + this.currentSkipped();
  }

  push(chunk: Buffer, now?: number): DsmrDecodeResult[] {
    if (this.format === null) {
      this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      const format = sniffP1Input(this.head);
      if (format === null) return [];
      chunk = this.head;
      this.head = Buffer.alloc(0);
      this.begin(format);
    }
    return this.decode(chunk, now);
  }

  /** Ends the segment (connection lost, input ended); the next push sniffs anew. */
  end(now?: number): DsmrDecodeResult[] {
    if (this.format === null) {
      if (this.head.length === 0) return [];
      this.begin(sniffP1Input(this.head, true) ?? 'plain');
      const out = this.decode(this.head, now);
      this.head = Buffer.alloc(0);
      return [...out, ...this.end(now)];
    }
    const out = this.decoder?.end(now) ?? [];
    if (this.keyless !== null) this.keyless.end();
    this.skippedBefore += this.currentSkipped();
    this.format = null;
    this.decoder = null;
    this.hex = null;
    this.keyless = null;
    return out;
  }

  private begin(format: P1InputFormat): void {
    this.format = format;
    if (format === 'dlms-hex') this.hex = new HexTextDecoder();
    if (format === 'plain')
      this.decoder = new DsmrDecoder({ maxFutureMs: this.options.maxFutureMs });
    else if (this.options.key === undefined) this.keyless = new DlmsFramer();
    else
      this.decoder = new DsmrDecoder({
        key: this.options.key,
        aad: this.options.aad,
        maxFutureMs: this.options.maxFutureMs,
      });
  }

  private decode(chunk: Buffer, now: number | undefined): DsmrDecodeResult[] {
    const bytes = this.hex === null ? chunk : this.hex.push(chunk);
    if (this.decoder !== null) return this.decoder.push(bytes, now);
    return this.keyless!.push(bytes).map(() => ({
      ok: false,
      reason: 'decrypt-failed',
      message: NO_KEY,
    }));
  }

  private currentSkipped(): number {
    return (this.decoder?.stats.skippedBytes ?? 0) + (this.keyless?.stats.skippedBytes ?? 0);
  }
}

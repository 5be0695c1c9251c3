/**
 * Streaming splitter for encrypted P1 streams: binary DLMS frames
 * (`DB 08 ...`, see decrypt.ts) have no line framing, so frames are cut by
 * the length in their header. Bytes that cannot start a frame are skipped
 * and counted; a frame header announcing more than `maxFrameBytes` is
 * treated as junk, so memory stays bounded.
 */
import { GENERAL_GLO_CIPHERING, readDlmsHeader } from './decrypt.js';

export interface DlmsFramerStats {
  frames: number;
  skippedBytes: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 16_384;

export class DlmsFramer {
  readonly stats: DlmsFramerStats = { frames: 0, skippedBytes: 0 };
  private readonly max: number;
  private pending: Buffer = Buffer.alloc(0);

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Feeds one chunk; returns the complete frames it finished. */
  push(chunk: Uint8Array): Buffer[] {
    const frames: Buffer[] = [];
    let buf = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    let at = 0;
    while (at < buf.length) {
      const start = buf.indexOf(GENERAL_GLO_CIPHERING, at);
      if (start < 0) {
        this.stats.skippedBytes += buf.length - at;
        at = buf.length;
        break;
      }
      this.stats.skippedBytes += start - at;
      at = start;
      const header = readDlmsHeader(buf, at);
      if (header === null) break; // need more bytes
      if (header === 'invalid' || header.frameLength > this.max) {
        this.stats.skippedBytes++;
        at++;
        continue;
      }
      if (buf.length - at < header.frameLength) break;
      frames.push(buf.subarray(at, at + header.frameLength));
      this.stats.frames++;
      at += header.frameLength;
    }
    buf = buf.subarray(at);
    this.pending = buf;
    return frames;
  }

  /** Ends the input; returns how many bytes of an unfinished frame were dropped. */
  end(): number {
    const dropped = this.pending.length;
    this.stats.skippedBytes += dropped;
    this.pending = Buffer.alloc(0);
    return dropped;
  }
}

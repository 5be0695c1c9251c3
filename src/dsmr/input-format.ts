/**
 * What a P1 byte stream carries, judged from its first bytes: plain
 * telegrams, binary DLMS frames (encrypted meters), or DLMS frames written
 * as hex text (how smartmeter2mqtt documents and logs them). And a streaming
 * hex-text decoder for the last case.
 */

export type P1InputFormat = 'plain' | 'dlms' | 'dlms-hex';

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/**
 * The format of a stream starting with `head`, or null when `head` has too
 * few non-blank bytes to tell (pass `final` at the end of the input).
 */
export function sniffP1Input(head: Uint8Array, final = false): P1InputFormat | null {
  let i = 0;
  while (i < head.length && isSpace(head[i]!)) i++;
  if (i >= head.length) return final ? 'plain' : null;
  if (head[i] === 0xdb) return 'dlms';
  if ((head[i]! | 0x20) === 0x64) {
    // 'd' - hex text when followed by 'b'
    if (i + 1 >= head.length) return final ? 'plain' : null;
    if ((head[i + 1]! | 0x20) === 0x62) return 'dlms-hex';
  }
  return 'plain';
}

/** Hex text to bytes, across chunk boundaries; blanks are ignored, other characters counted and skipped. */
export class HexTextDecoder {
  invalidChars = 0;
  private high = -1;

  push(chunk: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe((chunk.length >> 1) + 1);
    let k = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const v = hexValue(c);
      if (v < 0) {
        if (!isSpace(c)) this.invalidChars++;
        continue;
      }
      if (this.high < 0) this.high = v;
      else {
        out[k++] = (this.high << 4) | v;
        this.high = -1;
      }
    }
    return out.subarray(0, k);
  }
}

/**
 * Moko's AP-mode socket has no framing (research/conventions.md §3.2): each
 * side writes one bare JSON object, with no newline or length, and a device
 * may pad its answer with NUL bytes. Objects are therefore cut out of the
 * byte stream by brace balance, minding strings and escapes. Pure: bytes in,
 * pieces out.
 */
import { StringDecoder } from 'node:string_decoder';

/** One piece of the stream: a brace-balanced object's text, or bytes that are no object. */
export type Piece = { kind: 'object'; text: string } | { kind: 'garbage'; text: string };

/** An object longer than this is garbage (the apps read at most 1024 bytes). */
export const MAX_OBJECT_CHARS = 4096;

export class JsonObjectSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private current = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** Objects (and garbage) completed by `chunk`, in order. */
  push(chunk: Buffer): Piece[] {
    const out: Piece[] = [];
    let garbage = '';
    for (const c of this.decoder.write(chunk)) {
      if (this.depth === 0) {
        if (c === '{') {
          if (garbage) out.push({ kind: 'garbage', text: garbage.trimEnd() });
          garbage = '';
          this.start();
        } else if (garbage || (c !== '\u0000' && !/\s/.test(c))) {
          garbage += c;
        }
        continue;
      }
      this.current += c;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') {
        this.inString = true;
      } else if (c === '{' || c === '[') {
        this.depth++;
      } else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          out.push({ kind: 'object', text: this.current });
          this.current = '';
        }
      }
      if (this.current.length > MAX_OBJECT_CHARS) {
        out.push({ kind: 'garbage', text: this.current });
        this.reset();
      }
    }
    if (garbage) out.push({ kind: 'garbage', text: garbage.trimEnd() });
    return out;
  }

  /** Part of an object has arrived and the rest not yet. */
  get partial(): boolean {
    return this.depth > 0;
  }

  private start(): void {
    this.current = '{';
    this.depth = 1;
    this.inString = false;
    this.escaped = false;
  }

  private reset(): void {
    this.current = '';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

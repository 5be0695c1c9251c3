/**
 * One complete telegram (bytes from `/` to the CRC line) in, a typed
 * `DsmrTelegram` or a rejection with its reason out. Pure: no I/O, no clock
 * (the caller passes `now` for the future-timestamp check).
 *
 * The CRC is computed over the exact received bytes and compared as a number,
 * so unpadded CRCs (`!B9F`) verify. The body is scanned in place, without
 * splitting it into lines or strings: no fixed blank line after the header,
 * values may wrap over lines, the object order is free.
 */
// Imported, not the global: Node's global `Buffer` is a getter, called on every use.
import { Buffer } from 'node:buffer';
import { crc16, formatCrc } from './crc16.js';
import { decodeObject, type GroupBounds } from './decode-object.js';
import { lookupObis, MAX_KEY_BYTES, MIN_ID_BYTES, type ObisDef } from './obis-table.js';
import type { DsmrObject, DsmrParseResult, DsmrRejection, DsmrTelegram } from './types.js';
import { NumberSlot, readPlainNumber } from './values.js';

export interface ParseOptions {
  /**
   * Check the CRC (default true). With false a telegram whose CRC does not
   * match is still parsed, marked `crcChecked: false` (for inspecting test
   * data such as the spec examples, whose printed CRCs are wrong).
   */
  verifyCrc?: boolean;
  /** When given, a telegram dated more than `maxFutureMs` after `now` is rejected. */
  now?: number;
  /** Allowed clock lead of the meter over `now`; default 1 hour. */
  maxFutureMs?: number;
}

export const DEFAULT_MAX_FUTURE_MS = 3_600_000;

const SLASH = 0x2f;
const BANG = 0x21;
const LPAREN = 0x28;
const RPAREN = 0x29;
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const STAR = 0x2a;

function reject(reason: DsmrRejection['reason'], message: string): DsmrRejection {
  return { ok: false, reason, message };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x61 + 10;
  return -1;
}

function dotCount(b: Uint8Array, from: number, to: number): number {
  let dots = 0;
  for (let i = from; i < to; i++) if (b[i] === DOT) dots++;
  return dots;
}

/**
 * The end of the reduced id `A-B:C.D.E` in `b[lineStart, paren)`: a sixth
 * value group `*255` / `.255` (Q3D, ACE4000, the spec's 31.7.0.255) is
 * dropped.
 */
function reducedIdEnd(b: Uint8Array, lineStart: number, paren: number): number {
  if (
    paren - lineStart > 4 &&
    b[paren - 1] === 0x35 &&
    b[paren - 2] === 0x35 &&
    b[paren - 3] === 0x32
  ) {
    const sep = b[paren - 4];
    if (sep === STAR || (sep === DOT && dotCount(b, lineStart, paren) === 3)) return paren - 4;
  }
  return paren;
}

/** The table's definition of the id `b[lineStart, idEnd)`, if it has one. */
function lookupId(b: Uint8Array, lineStart: number, idEnd: number): ObisDef | undefined {
  const len = idEnd - lineStart;
  if (len > MAX_KEY_BYTES || lineStart + MAX_KEY_BYTES > b.length) return undefined;
  return lookupObis(b, lineStart, len);
}

/**
 * Reads the `(...)` groups of the object whose first `(` is at `paren` into
 * `groups`; returns where the next line starts. A value may wrap over a line
 * break (96.13.0 in the spec examples), and DSMR 2.2/3 put the gas value in
 * a `(...)` on the next line.
 */
function readGroups(b: Uint8Array, paren: number, n: number, groups: GroupBounds): number {
  let count = 0;
  let wrapped = false;
  let r = paren;
  for (;;) {
    const groupStart = r + 1;
    // Usually the ')' comes before any line break or '(' on the same line.
    let groupEnd = groupStart;
    let c = b[groupEnd];
    while (c !== RPAREN && c !== LPAREN && c !== CR && c !== LF && groupEnd < n) c = b[++groupEnd];
    if (c === RPAREN && groupEnd < n) {
      r = groupEnd + 1;
    } else {
      // Rare: the value wraps over lines, or has no ')'.
      let e = groupStart;
      let lineBreak = -1;
      for (; e < n; e++) {
        c = b[e]!;
        if (c === RPAREN || c === LPAREN) break;
        if ((c === CR || c === LF) && lineBreak < 0) lineBreak = e;
      }
      if (e < n && c === RPAREN) {
        groupEnd = e;
        wrapped ||= lineBreak >= 0;
        r = e + 1;
      } else {
        // No ')' before the next '(' or the end: the group stops at its line end.
        groupEnd = lineBreak >= 0 ? lineBreak : e;
        r = groupEnd;
      }
    }
    groups.bounds[2 * count] = groupStart;
    groups.bounds[2 * count + 1] = groupEnd;
    count++;
    if (b[r] === LPAREN) continue;
    // Skip anything after the last ')' on this line, then the line break.
    while (r < n && b[r] !== CR && b[r] !== LF) r++;
    let t = r;
    while (t < n && (b[t] === CR || b[t] === LF)) t++;
    if (b[t] === LPAREN) {
      r = t;
      continue;
    }
    groups.count = count;
    groups.wrapped = wrapped;
    return t;
  }
}

/**
 * Where the next object starts when only a line break follows an object's
 * last `)` (at `r - 1`): the first byte after the break, or -1 when there is
 * text after the `)` or the next line goes on with `(` groups of this object.
 */
function nextLine(b: Uint8Array, r: number, n: number): number {
  if (r < n && b[r] !== CR && b[r] !== LF) return -1;
  let t = r;
  while (t < n && (b[t] === CR || b[t] === LF)) t++;
  return b[t] === LPAREN ? -1 : t;
}

/**
 * Parses the telegram text from the `/` at `start` up to `s.length` (the
 * `!`). `s` is the latin1 string of `b[0, s.length)`, so one index serves
 * both: `indexOf` and `slice` run on the string, the byte-by-byte loops
 * (group ends, digits) on the bytes, which V8 reads faster than char codes.
 */
function parseBody(
  s: string,
  b: Uint8Array,
  start: number,
): Pick<DsmrTelegram, 'header' | 'objects' | 'malformedLines' | 'timestamp'> {
  const n = s.length;
  let p = start + 1;
  while (p < n) {
    const c = b[p];
    if (c === CR || c === LF) break;
    p++;
  }
  const header = s.slice(start + 1, p);
  const objects: DsmrObject[] = [];
  const malformedLines: string[] = [];
  let timestamp: number | null = null;
  const groups: GroupBounds = { bounds: [], count: 0, wrapped: false };
  const slot = new NumberSlot();

  while (p < n) {
    const first = b[p];
    if (first === CR || first === LF) {
      p++;
      continue;
    }
    // The id runs up to '(' on its line. A known id is recognised from
    // three word reads (obis-table.ts), and found without a byte-by-byte
    // scan for its end: the table's ids are MIN_ID_BYTES..MAX_KEY_BYTES
    // long, so only those few positions can hold its '('. The first '('
    // among them decides: when the table knows the bytes before it (less a
    // `*255` suffix), they hold no '(', CR or LF, so it is the '(' the full
    // scan would find. Only an unknown id is scanned for and copied out.
    const lineStart = p;
    let paren = -1;
    let def: ObisDef | undefined;
    const lastCandidate = Math.min(n - 1, lineStart + MAX_KEY_BYTES);
    for (let k = lineStart + MIN_ID_BYTES; k <= lastCandidate; k++) {
      if (b[k] !== LPAREN) continue;
      def = lookupId(b, lineStart, reducedIdEnd(b, lineStart, k));
      if (def !== undefined) paren = k;
      break;
    }
    if (def === undefined) {
      paren = lineStart;
      let c = first;
      while (c !== LPAREN && c !== CR && c !== LF && paren < n) c = b[++paren];
      if (c !== LPAREN || paren === lineStart || paren >= n) {
        // A stray line inside the telegram (no `id(`). Keep it for inspection.
        let e = paren;
        while (e < n && b[e] !== CR && b[e] !== LF) e++;
        const text = s.slice(lineStart, e).trim();
        if (text !== '') malformedLines.push(text);
        p = e;
        continue;
      }
      def = lookupId(b, lineStart, reducedIdEnd(b, lineStart, paren));
    }
    const idEnd = reducedIdEnd(b, lineStart, paren);
    // A known id reuses the table's string; only unknown ids are copied out.
    const obis = def === undefined ? s.slice(lineStart, idEnd) : def.obis;

    // Most objects are one number on one line: read it in the same pass that
    // finds its ')', without the general group scan and a second pass over
    // the digits. Anything else (a second group, text after the ')') falls
    // through to the general path, which reads the line again from its '('.
    if (def !== undefined && def.kind === 'number') {
      const close = readPlainNumber(b, paren + 1, def.unit, slot);
      const next = close >= 0 && close < n ? nextLine(b, close + 1, n) : -1;
      if (next >= 0) {
        objects.push({ kind: 'number', obis, value: slot.value, unit: slot.unit });
        p = next;
        continue;
      }
    }

    p = readGroups(b, paren, n, groups);
    const object = decodeObject(def, obis, s, b, groups, slot);
    if (timestamp === null && object.kind === 'timestamp' && obis === '0-0:1.0.0') {
      timestamp = object.timestamp;
    }
    objects.push(object);
  }
  return { header, objects, malformedLines, timestamp };
}

function toBuffer(input: Uint8Array | string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'latin1');
  return Buffer.isBuffer(input)
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * Parses one telegram: the bytes from `/` through `!` and the CRC line (what
 * `DsmrFramer` emits). Leading bytes before `/` and anything after the CRC
 * digits are ignored.
 */
export function parseTelegram(
  input: Uint8Array | string,
  options: ParseOptions = {},
): DsmrParseResult {
  const bytes = toBuffer(input);
  // The '/' is the first byte of a framed telegram and the '!' a few bytes
  // before its end: loops find them in a step or two, where Buffer#indexOf
  // and #lastIndexOf cost more in call overhead than the whole search.
  let start = 0;
  while (start < bytes.length && bytes[start] !== SLASH) start++;
  if (start === bytes.length) return reject('malformed', "not a telegram: no '/' header");
  let bang = bytes.length - 1;
  while (bang >= 0 && bytes[bang] !== BANG) bang--;
  if (bang < start) return reject('malformed', "not a telegram: no '!' end");

  let crc: number | null = null;
  let digits = 0;
  let value = 0;
  for (let k = bang + 1; k < bytes.length && digits < 4; k++) {
    const h = hexValue(bytes[k]!);
    if (h < 0) break;
    value = value * 16 + h;
    digits++;
  }
  if (digits > 0) crc = value;
  let crcChecked = false;
  if (crc !== null && options.verifyCrc !== false) {
    const computed = crc16(bytes, start, bang + 1);
    if (computed !== crc) {
      return reject(
        'crc-mismatch',
        `CRC mismatch: telegram says ${formatCrc(crc)}, its bytes give ${formatCrc(computed)}`,
      );
    }
    crcChecked = true;
  }

  const body = parseBody(bytes.toString('latin1', 0, bang), bytes, start);
  if (options.now !== undefined && body.timestamp !== null) {
    const lead = body.timestamp - options.now;
    const max = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    if (lead > max) {
      return reject(
        'future-timestamp',
        `telegram time ${new Date(body.timestamp).toISOString()} is ${Math.round(lead / 60_000)} min ahead of the clock`,
      );
    }
  }
  const { header, timestamp, objects, malformedLines } = body;
  if (crc === null && options.verifyCrc !== false) {
    const why = crclessProblem(header, objects);
    if (why) return reject('crc-missing', why);
  }
  return { ok: true, telegram: { header, crc, crcChecked, timestamp, objects, malformedLines } };
}

/** A DSMR header: three letters of the maker, the baud-rate digit, then the identification. */
const HEADER_SHAPE = /^[A-Za-z]{3}\d/;

/**
 * Only DSMR 2.2/3-era meters (and Q3D, ACE4000) send telegrams without a CRC.
 * Without the CRC nothing else vouches for the bytes, so a CRC-less block
 * must look like a telegram: a real header, at least one object the table
 * knows, and no P1 version that requires a CRC. Otherwise random bytes between
 * a '/' and a '!' would pass as a meter reading.
 */
function crclessProblem(header: string, objects: readonly DsmrObject[]): string | undefined {
  if (!HEADER_SHAPE.test(header))
    return `no CRC and no DSMR header (got "${header.slice(0, 20)}"): not taken as a telegram`;
  // DSMR's P1 version, or the Belgian e-MUCS version: both only exist on meters that send a CRC.
  const version = objects.find((o) => o.obis === '1-3:0.2.8' || o.obis === '0-0:96.1.4');
  const v =
    version?.kind === 'text' && version.value !== null ? Number.parseInt(version.value, 10) : NaN;
  if (v >= 40)
    return `no CRC, but P1 version ${version?.kind === 'text' ? version.value : ''} requires one`;
  if (!objects.some((o) => o.kind !== 'unknown'))
    return 'no CRC and no known DSMR object: not taken as a telegram';
  return undefined;
}

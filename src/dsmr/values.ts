/**
 * Reading the text inside one pair of parentheses: numbers from the bytes
 * (no regex, no substring, no parseFloat), text as latin1 substrings.
 */
import { unitSpec } from './units.js';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];
// Up to 15 decimal digits the integer mantissa is exact, so mantissa / 10^k
// is the correctly rounded double, the same as parseFloat would give.
const MAX_EXACT_DIGITS = 15;

const SPACE = 0x20;
const STAR = 0x2a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const RPAREN = 0x29;

/**
 * Output slot for `readNumber`, so one call can return a value and a unit
 * without allocating a pair. One instance per parse call.
 */
export class NumberSlot {
  value: number | null = null;
  unit: string | null = null;
}

function scale(mantissa: number, exp10: number): number {
  if (exp10 === 0) return mantissa;
  if (exp10 < 0) {
    const k = -exp10;
    return k < POW10.length ? mantissa / POW10[k]! : mantissa / 10 ** k;
  }
  return exp10 < POW10.length ? mantissa * POW10[exp10]! : mantissa * 10 ** exp10;
}

/**
 * Reads `[sign]digits[.digits][*]unit` from `b[a, end)` into `out`: the
 * value scaled to the canonical unit, and the unit (`defaultUnit` when none
 * was sent). A group with no digits gives value null. Fluvius firmware omits
 * the `*` (`000123.456kWh`), so a unit may follow the digits directly. `s`
 * is the same text as a string, for the unit's substring.
 */
export function readNumber(
  s: string,
  b: Uint8Array,
  a: number,
  end: number,
  defaultUnit: string | null,
  out: NumberSlot,
): void {
  while (a < end && b[a] === SPACE) a++;
  while (end > a && b[end - 1] === SPACE) end--;
  let i = a;
  let negative = false;
  if (i < end) {
    const c = b[i];
    if (c === MINUS) {
      negative = true;
      i++;
    } else if (c === PLUS) i++;
  }
  const digitsStart = i;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === DOT && decimals < 0) decimals = 0;
    else break;
  }
  const digitsEnd = i;
  let exp = 0;
  if (i < end && b[i] === STAR) i++;
  if (i >= end) out.unit = defaultUnit;
  else if (defaultUnit !== null && sameText(b, i, end, defaultUnit)) {
    // The usual case, the code's own unit: no substring, no lookup.
    out.unit = defaultUnit;
  } else {
    const spec = unitSpec(s.slice(i, end));
    out.unit = spec.unit;
    exp = spec.exp;
  }
  if (digits === 0) {
    out.value = null;
    return;
  }
  const v =
    digits <= MAX_EXACT_DIGITS
      ? scale(mantissa, exp - (decimals < 0 ? 0 : decimals))
      : scale(Number(s.slice(digitsStart, digitsEnd)), exp);
  out.value = negative ? -v : v;
}

/**
 * The usual number group, read in the pass that also finds its end:
 * `[sign]digits[.digits][*][unit])` with no unit or the code's own `unit`.
 * Returns the index of the `)`, with `out` filled as `readNumber` fills it
 * for that group; -1 for any other shape (blanks, another unit, more than 15
 * digits, a line break), which the caller then reads the general way. Every
 * byte it accepts is a digit, sign, dot, `*` or unit letter, so the `)` it
 * stops at is the one the general scan finds. The telegram's `!` after the
 * last group stops the loops.
 */
export function readPlainNumber(
  b: Uint8Array,
  a: number,
  unit: string | null,
  out: NumberSlot,
): number {
  let i = a;
  let c = b[i]!;
  let negative = false;
  if (c === MINUS) {
    negative = true;
    c = b[++i]!;
  } else if (c === PLUS) c = b[++i]!;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; ; c = b[++i]!) {
    if (c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === DOT && decimals < 0) decimals = 0;
    else break;
  }
  if (digits > MAX_EXACT_DIGITS) return -1;
  if (c === STAR) c = b[++i]!;
  if (c !== RPAREN) {
    if (unit === null || !sameText(b, i, i + unit.length, unit)) return -1;
    i += unit.length;
    if (b[i] !== RPAREN) return -1;
  }
  out.unit = unit;
  if (digits === 0) out.value = null;
  else {
    const v = scale(mantissa, decimals < 0 ? 0 : -decimals);
    out.value = negative ? -v : v;
  }
  return i;
}

/** Whether `b[a, end)` holds exactly the characters of `text`. */
function sameText(b: Uint8Array, a: number, end: number, text: string): boolean {
  if (end - a !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (b[a + k] !== text.charCodeAt(k)) return false;
  return true;
}

/**
 * The text of a group: null when empty; line breaks inside a wrapped value
 * (the spec's 96.13.0 example) removed; padding spaces (ACE4000 ids) trimmed.
 */
export function readText(s: string, a: number, b: number, wrapped: boolean): string | null {
  if (a >= b) return null;
  let t = s.slice(a, b);
  if (wrapped && (t.includes('\r') || t.includes('\n'))) t = t.replace(/[\r\n]/g, '');
  if (t.charCodeAt(0) === SPACE || t.charCodeAt(t.length - 1) === SPACE) t = t.trim();
  return t === '' ? null : t;
}

/** The raw text of a group, line breaks inside it removed. */
export function groupText(s: string, a: number, b: number, wrapped: boolean): string {
  const t = s.slice(a, b);
  return wrapped && (t.includes('\r') || t.includes('\n')) ? t.replace(/[\r\n]/g, '') : t;
}

/**
 * Line faults a P1 reader has to survive, injected on purpose:
 *
 * - bad-crc: one digit of the body changes on the way (a bit error), so the
 *   CRC no longer matches. In an encrypted stream the plaintext is damaged
 *   before encryption, so the frame decrypts and the CRC check catches it.
 * - truncate: the telegram (or frame) stops part-way, as when a reader
 *   starts or the cable is pulled mid-telegram. In an encrypted stream the
 *   cut frame's announced length swallows the start of the next frame, so
 *   that one is lost too, as on a real line.
 * - junk: stray bytes before the telegram (gateway chatter, line noise);
 *   they never contain `/` or 0xDB, so the next telegram must not be lost.
 *
 * Each fault fires on every Nth telegram or with a probability; the
 * decisions are hashed from the seed and the telegram number, so a run is
 * reproducible.
 */
import { STREAM, unitHash } from './random.js';

export const FAULT_KINDS = ['bad-crc', 'truncate', 'junk'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** When a fault fires: on telegrams N, 2N, 3N... (`every`) or at random (`probability`). */
export type FaultRule = { kind: FaultKind } & ({ every: number } | { probability: number });

export function faultFires(rule: FaultRule, seed: number, index: number): boolean {
  if ('every' in rule) return (index + 1) % rule.every === 0;
  const k = FAULT_KINDS.indexOf(rule.kind);
  return unitHash(seed, STREAM.faults, k, index) < rule.probability;
}

const SLASH = 0x2f;
const BANG = 0x21;
const LF = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;

/** The telegram with one digit of an object value changed; the CRC line is left as it was. */
export function corruptDigit(telegram: Buffer, seed: number, index: number): Buffer {
  const bodyStart = telegram.indexOf(LF) + 1;
  const bang = telegram.lastIndexOf(BANG);
  const digits: number[] = [];
  for (let i = bodyStart; i < bang; i++) {
    const c = telegram[i]!;
    if (c >= ZERO && c <= NINE) digits.push(i);
  }
  const out = Buffer.from(telegram);
  if (digits.length === 0) return out;
  const at = digits[Math.floor(unitHash(seed, STREAM.faults, 10, index) * digits.length)]!;
  out[at] = ZERO + ((out[at]! - ZERO + 1) % 10);
  return out;
}

/** The first 20-90 % of the bytes (always short of the end, so `!`/the tag is missing). */
export function truncate(bytes: Buffer, seed: number, index: number): Buffer {
  const f = 0.2 + 0.7 * unitHash(seed, STREAM.faults, 11, index);
  return bytes.subarray(0, Math.max(1, Math.floor(bytes.length * f)));
}

/** 4-64 stray bytes, none of them a telegram or frame start. */
export function junk(seed: number, index: number): Buffer {
  const length = 4 + Math.floor(61 * unitHash(seed, STREAM.faults, 12, index));
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    let b = Math.floor(256 * unitHash(seed, STREAM.faults, 13, index, i));
    if (b === SLASH || b === 0xdb) b ^= 0x01;
    out[i] = b;
  }
  return out;
}

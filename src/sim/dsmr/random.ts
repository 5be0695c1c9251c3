/**
 * Seeded randomness, two ways:
 *
 * - `unitHash(seed, ...keys)`: a value in [0, 1) that depends only on its
 *   arguments. The load profile asks "is the kettle on in slot 123456?" by
 *   hashing the slot number, so a value at any time can be computed without
 *   replaying everything before it, and the same seed always gives the same
 *   household whatever the telegram interval.
 * - `SeededRandom`: a plain sequence (mulberry32) for one-off choices made
 *   once per meter (ids, initial counter values).
 */

const TWO_POW_32 = 4_294_967_296;

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one non-negative integer below 2^53 into the hash, both 32-bit halves. */
function mix(h: number, key: number): number {
  const lo = key >>> 0;
  const hi = Math.floor(key / TWO_POW_32) >>> 0;
  h = fmix((h ^ lo) + 0x9e3779b9);
  return fmix((h ^ hi) + 0x7f4a7c15);
}

/** A 32-bit hash of the seed and keys (integers, 0 <= key < 2^53). */
export function hash32(seed: number, ...keys: number[]): number {
  let h = mix(0x2545f491, seed);
  for (const k of keys) h = mix(h, k);
  return h;
}

/** A value in [0, 1) fixed by the seed and keys. */
export function unitHash(seed: number, ...keys: number[]): number {
  return hash32(seed, ...keys) / TWO_POW_32;
}

/** mulberry32: small, fast, good enough for picking simulated values. */
export class SeededRandom {
  private state: number;

  /** `stream` (STREAM below) keeps the sequences of one seed apart. */
  constructor(seed: number, stream: number) {
    this.state = hash32(seed, stream) | 0;
  }

  /** The next value in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.next());
  }

  /** `count` decimal digits. */
  digits(count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += String(this.int(0, 9));
    return s;
  }
}

/**
 * First hash key of each independent stream, so that e.g. the kettle's
 * schedule and the voltage noise never share values.
 */
export const STREAM = {
  appliance: 1,
  loadNoise: 2,
  solar: 3,
  heating: 4,
  voltage: 5,
  faults: 6,
  setup: 7,
  identity: 8,
  demand: 9,
  household: 10,
} as const;

/**
 * The electricity a household draws, per phase, at any second: a standby
 * base load, a fridge compressor cycling on and off, and appliances that run
 * for a while in slots of the local day with a chance that depends on the
 * hour and on weekends (kettle in the morning, hob around dinner, dishwasher
 * late). A pure function of the seed and the time (random.ts), so the meter
 * can be asked about any moment and always gets the same answer.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, weekdayOf } from './local-time.js';
import { STREAM, SeededRandom, unitHash } from './random.js';
import type { PhaseCount } from './types.js';

export interface Household {
  readonly seed: number;
  readonly phases: PhaseCount;
  /** Standby load (router, chargers, heating pump), kW. */
  readonly baseKw: number;
  /** Where in its cycle the fridge was at epoch 0, s. */
  readonly fridgeOffsetS: number;
}

interface Appliance {
  readonly kw: number;
  /** Phase in a three-phase home (0 = L1); a single-phase home puts everything on L1. */
  readonly phase: 0 | 1 | 2;
  /** The appliance runs at most once per slot of this many minutes. */
  readonly slotMin: number;
  readonly minRunMin: number;
  readonly maxRunMin: number;
  /** Chance it runs in a slot starting at local `hour` (0..23). */
  chance(hour: number, weekend: boolean): number;
}

function within(hour: number, from: number, to: number): boolean {
  return hour >= from && hour < to;
}

const APPLIANCES: readonly Appliance[] = [
  // kettle: breakfast, tea in the afternoon, evening
  {
    kw: 2.2,
    phase: 0,
    slotMin: 60,
    minRunMin: 2,
    maxRunMin: 4,
    chance: (h, we) =>
      within(h, 7, 9) ? 0.7 : within(h, 9, 17) ? (we ? 0.4 : 0.2) : within(h, 17, 23) ? 0.4 : 0,
  },
  // induction hob: dinner, lunch at weekends
  {
    kw: 2.8,
    phase: 1,
    slotMin: 60,
    minRunMin: 15,
    maxRunMin: 35,
    chance: (h, we) =>
      within(h, 17, 18) ? 0.6 : within(h, 18, 19) ? 0.3 : h === 12 && we ? 0.3 : 0,
  },
  // oven
  {
    kw: 2.0,
    phase: 2,
    slotMin: 120,
    minRunMin: 30,
    maxRunMin: 60,
    chance: (h, we) => (within(h, 16, 18) ? (we ? 0.35 : 0.2) : 0),
  },
  // washing machine (its heating phase dominates)
  {
    kw: 2.0,
    phase: 1,
    slotMin: 180,
    minRunMin: 20,
    maxRunMin: 40,
    chance: (h, we) => (within(h, 8, 20) ? (we ? 0.3 : 0.15) : 0),
  },
  // tumble dryer
  {
    kw: 2.4,
    phase: 2,
    slotMin: 240,
    minRunMin: 45,
    maxRunMin: 75,
    chance: (h, we) => (within(h, 10, 20) ? (we ? 0.2 : 0.08) : 0),
  },
  // dishwasher after dinner
  {
    kw: 1.9,
    phase: 0,
    slotMin: 120,
    minRunMin: 20,
    maxRunMin: 35,
    chance: (h) => (within(h, 19, 23) ? 0.45 : 0),
  },
  // microwave
  {
    kw: 1.1,
    phase: 0,
    slotMin: 30,
    minRunMin: 2,
    maxRunMin: 6,
    chance: (h) => (h === 12 ? 0.3 : h === 18 ? 0.2 : 0),
  },
  // television and lights in the evening, the whole slot
  {
    kw: 0.25,
    phase: 0,
    slotMin: 60,
    minRunMin: 60,
    maxRunMin: 60,
    chance: (h) => (within(h, 18, 23) ? 0.85 : within(h, 6, 8) ? 0.5 : 0),
  },
  // home office computer and screen
  {
    kw: 0.15,
    phase: 2,
    slotMin: 60,
    minRunMin: 60,
    maxRunMin: 60,
    chance: (h, we) => (!we && within(h, 9, 17) ? 0.5 : 0),
  },
];

const FRIDGE_KW = 0.09;
const FRIDGE_PERIOD_S = 50 * 60;
const FRIDGE_DUTY = 0.35;
/** How the base load spreads over L1..L3 in a three-phase home. */
const BASE_SHARE = [0.5, 0.3, 0.2] as const;

export function createHousehold(seed: number, phases: PhaseCount): Household {
  const rng = new SeededRandom(seed, STREAM.household);
  return {
    seed,
    phases,
    baseKw: rng.between(0.12, 0.25),
    fridgeOffsetS: rng.int(0, FRIDGE_PERIOD_S - 1),
  };
}

/** Power of appliance `index` at local wall-clock `localMs` (kW), 0 when it is not running. */
function applianceKw(h: Household, index: number, a: Appliance, localMs: number): number {
  const slotMs = a.slotMin * MINUTE_MS;
  const slot = Math.floor(localMs / slotMs);
  const slotStart = slot * slotMs;
  // The chance is that of the hour and day the slot starts in.
  const day = Math.floor(slotStart / DAY_MS);
  const hour = Math.floor((slotStart - day * DAY_MS) / HOUR_MS);
  const weekday = weekdayOf(day);
  const weekend = weekday === 0 || weekday === 6;
  const u = (k: number): number => unitHash(h.seed, STREAM.appliance, index, slot, k);
  if (u(0) >= a.chance(hour, weekend)) return 0;
  const run = (a.minRunMin + (a.maxRunMin - a.minRunMin) * u(1)) * MINUTE_MS;
  const start = slotStart + (slotMs - run) * u(2);
  return localMs >= start && localMs < start + run ? a.kw : 0;
}

export type PhaseKw = [number, number, number];

/**
 * Load per phase (kW) during the second starting at `ms`; L2 and L3 stay 0
 * in a single-phase home. `localMs` is the local wall clock of `ms`.
 */
export function householdLoadKw(h: Household, ms: number, localMs: number): PhaseKw {
  const second = Math.floor(ms / SECOND_MS);
  const three = h.phases === 3;
  const out: PhaseKw = [0, 0, 0];
  for (let p = 0; p < 3; p++) {
    const share = three ? BASE_SHARE[p]! : p === 0 ? 1 : 0;
    // +-5 % wobble every second: switch-mode supplies, the heating pump
    out[p] = share * h.baseKw * (0.95 + 0.1 * unitHash(h.seed, STREAM.loadNoise, second, p));
  }
  const fridgeOn = (second + h.fridgeOffsetS) % FRIDGE_PERIOD_S < FRIDGE_DUTY * FRIDGE_PERIOD_S;
  if (fridgeOn) out[three ? 1 : 0] += FRIDGE_KW;
  APPLIANCES.forEach((a, i) => {
    const kw = applianceKw(h, i, a, localMs);
    if (kw > 0) out[three ? a.phase : 0] += kw;
  });
  return out;
}

/**
 * Gas a household burns (m3/h): central heating that makes up for the heat
 * lost to the outside air (colder in January than in July, colder at night,
 * a milder or colder day now and then), a thermostat at 20 C by day and
 * 16 C at night, a boiler that switches on and off when little heat is
 * needed, and hot water for showers. Pure function of the seed and the time.
 */
import { MINUTE_MS, type LocalTime } from './local-time.js';
import { STREAM, unitHash } from './random.js';

/** m3/h per kelvin between the thermostat and the outside air, for an average home. */
const LOSS_M3H_PER_K = 0.02;
/** The boiler's lowest modulation: below it, it cycles on and off. */
const BOILER_MIN_M3H = 0.15;
const BOILER_CYCLE_MS = 10 * MINUTE_MS;
const SHOWER_M3H = 1.8;

function outsideTemperatureC(seed: number, lt: LocalTime): number {
  // Coldest about 15 January, warmest mid-July; warmest hour 15:00.
  const season = 10.5 - 7.5 * Math.cos(2 * Math.PI * (lt.yearFraction - 15 / 365));
  const daily = 3 * Math.cos((2 * Math.PI * (lt.hour - 15)) / 24);
  const weather = 6 * (unitHash(seed, STREAM.heating, lt.day) - 0.5);
  return season + daily + weather;
}

function setpointC(lt: LocalTime): number {
  return lt.hour >= 6.5 && lt.hour < 22.5 ? 20 : 16;
}

/** Hot water: a shower of 8-15 minutes in the morning most days, sometimes in the evening. */
function showerM3h(seed: number, lt: LocalTime): number {
  const localMs = lt.wallMs;
  const hour = Math.floor(lt.hour);
  const chance = hour === 7 ? 0.8 : hour === 8 ? 0.3 : hour === 21 ? 0.2 : 0;
  if (chance === 0) return 0;
  const slot = Math.floor(localMs / (60 * MINUTE_MS));
  if (unitHash(seed, STREAM.heating, slot, 1) >= chance) return 0;
  const run = (8 + 7 * unitHash(seed, STREAM.heating, slot, 2)) * MINUTE_MS;
  const start =
    slot * 60 * MINUTE_MS + (60 * MINUTE_MS - run) * unitHash(seed, STREAM.heating, slot, 3);
  return localMs >= start && localMs < start + run ? SHOWER_M3H : 0;
}

/** Gas flow in m3/h at local time `lt` for a home whose losses are `houseFactor` times the average. */
export function gasFlowM3h(seed: number, houseFactor: number, lt: LocalTime): number {
  const demand =
    Math.max(0, setpointC(lt) - outsideTemperatureC(seed, lt)) * LOSS_M3H_PER_K * houseFactor;
  let heating = demand;
  if (demand > 0 && demand < BOILER_MIN_M3H) {
    // Same gas per cycle as the demand, burnt at the minimum in part of each cycle.
    const phase = (lt.wallMs % BOILER_CYCLE_MS) / BOILER_CYCLE_MS;
    heating = phase < demand / BOILER_MIN_M3H ? BOILER_MIN_M3H : 0;
  }
  return heating + showerM3h(seed, lt);
}

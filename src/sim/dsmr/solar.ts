/**
 * Rooftop solar: output follows the sun's elevation for the latitude of the
 * Low Countries (so short, low winter days and long summer ones), scaled by
 * the system's peak power, with clouds drawn per day (how cloudy) and per
 * 10 minutes (whether a cloud is in front of the sun). Pure function of the
 * seed and the time.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from './local-time.js';
import { STREAM, unitHash } from './random.js';

const LATITUDE_RAD = (51.5 * Math.PI) / 180;
/** Solar noon at about 5 degrees east: 11:40 UTC. */
const SOLAR_NOON_UTC_H = 11 + 40 / 60;
/** Inverter, wiring and temperature losses. */
const SYSTEM_EFFICIENCY = 0.85;
const CLOUD_SLOT_MS = 10 * MINUTE_MS;

/** Output in kW of a `kwp` system at `ms`; 0 at night. */
export function solarKw(seed: number, kwp: number, ms: number): number {
  if (kwp <= 0) return 0;
  const day = Math.floor(ms / DAY_MS);
  const dayOfYear = day % 365.2425;
  const declination =
    ((23.44 * Math.PI) / 180) * Math.sin((2 * Math.PI * (284 + dayOfYear)) / 365.2425);
  const hourAngle = (((ms - day * DAY_MS) / HOUR_MS - SOLAR_NOON_UTC_H) * Math.PI) / 12;
  const sinElevation =
    Math.sin(LATITUDE_RAD) * Math.sin(declination) +
    Math.cos(LATITUDE_RAD) * Math.cos(declination) * Math.cos(hourAngle);
  if (sinElevation <= 0) return 0;
  const cloudiness = unitHash(seed, STREAM.solar, day);
  const slot = Math.floor(ms / CLOUD_SLOT_MS);
  const shaded = unitHash(seed, STREAM.solar, slot, 1) < cloudiness * 0.8;
  const light = shaded ? 0.2 + 0.2 * unitHash(seed, STREAM.solar, slot, 2) : 0.95;
  // Power ~ sin(elevation)^1.2: more air to cross when the sun is low.
  return kwp * SYSTEM_EFFICIENCY * Math.pow(sinElevation, 1.2) * light;
}

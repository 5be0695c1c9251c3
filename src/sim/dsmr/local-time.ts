/**
 * Meter clock: Dutch, Belgian and Luxembourg meters all keep Central
 * European time with the EU summer-time rule (last Sunday of March 01:00 UTC
 * to last Sunday of October 01:00 UTC), and print `YYMMDDhhmmssX` with
 * X = S in summer, W in winter. Computed from the rule rather than Intl so
 * the result does not depend on the ICU data Node was built with.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Epoch ms of 01:00 UTC on the last Sunday of `month` (0-based). */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  return lastDay - new Date(lastDay).getUTCDay() * DAY_MS + HOUR_MS;
}

export function isSummerTime(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  return ms >= lastSundayAt0100Utc(year, 2) && ms < lastSundayAt0100Utc(year, 9);
}

export function utcOffsetMs(ms: number): number {
  return isSummerTime(ms) ? 2 * HOUR_MS : HOUR_MS;
}

/** The parts of local time the load profile and tariffs need. */
export interface LocalTime {
  /** The local wall clock in ms, as if it were UTC. */
  readonly wallMs: number;
  /** Local days since 1970-01-01. */
  readonly day: number;
  /** Hour of the local day, fractional (13.5 = 13:30). */
  readonly hour: number;
  /** 0 = Sunday ... 6 = Saturday. */
  readonly weekday: number;
  /** Position in the year, 0 = 1 January, 1 = a year later. */
  readonly yearFraction: number;
}

/** Mean Gregorian year, for seasons. */
const YEAR_DAYS = 365.2425;

export function localTime(ms: number): LocalTime {
  const wall = ms + utcOffsetMs(ms);
  const day = Math.floor(wall / DAY_MS);
  return {
    wallMs: wall,
    day,
    hour: (wall - day * DAY_MS) / HOUR_MS,
    weekday: weekdayOf(day),
    yearFraction: (day % YEAR_DAYS) / YEAR_DAYS,
  };
}

/** Weekday of a day count since 1970-01-01 (a Thursday), 0 = Sunday. */
export function weekdayOf(day: number): number {
  return (day + 4) % 7;
}

export function isWeekend(t: LocalTime): boolean {
  return t.weekday === 0 || t.weekday === 6;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * `YYMMDDhhmmssX` for a telegram or M-Bus timestamp; DSMR 2.2/3 M-Bus
 * timestamps carry no X (`withFlag` false).
 */
export function dsmrTimestamp(ms: number, withFlag = true): string {
  const summer = isSummerTime(ms);
  const d = new Date(Math.floor(ms / SECOND_MS) * SECOND_MS + (summer ? 2 : 1) * HOUR_MS);
  const text =
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds());
  return withFlag ? text + (summer ? 'S' : 'W') : text;
}

/** Epoch ms of a local wall-clock time given as if it were UTC (midnights are never ambiguous). */
function fromWall(wallMs: number): number {
  const summer = wallMs - 2 * HOUR_MS;
  return isSummerTime(summer) ? summer : wallMs - HOUR_MS;
}

/** Epoch ms of local midnight on the first day of the month `ms` falls in, `monthsLater` months on. */
export function localMonthStart(ms: number, monthsLater = 0): number {
  const d = new Date(ms + utcOffsetMs(ms));
  return fromWall(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsLater, 1));
}

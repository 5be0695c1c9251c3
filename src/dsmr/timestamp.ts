/**
 * DSMR timestamps: `YYMMDDhhmmssX`, local time of the meter, X = `S` (summer
 * time active, UTC+2) or `W` (UTC+1). DSMR 2.2/3 M-Bus timestamps carry no
 * X; for those the Dutch/Belgian/Luxembourg rule (EU summer time) decides.
 * A lower-case flag (`s`, seen on a Landis+Gyr E350) is read like the upper
 * case one: it names the same offset, and dropping the reading helps nobody.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Days before the first of each month in a common year. */
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const Y2000_MS = 946_684_800_000;

/** The number of the two digit characters `hi` `lo`; -1 when one is not a digit. */
function pair(hi: number, lo: number): number {
  const a = hi - 48;
  const b = lo - 48;
  // A non-digit makes the field negative, so the caller's range checks reject it.
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function twoDigits(s: string, i: number): number {
  return pair(s.charCodeAt(i), s.charCodeAt(i + 1));
}

/** Epoch ms of 01:00 UTC on the last Sunday of `month` (0-based), when EU summer time switches. */
function lastSundayAt0100Utc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month + 1, 0);
  const weekday = (Math.floor(lastDay / MS_PER_DAY) + 4) % 7; // 1970-01-01 was a Thursday (4)
  return lastDay - weekday * MS_PER_DAY + 3_600_000;
}

/** UTC offset in minutes of a local wall-clock time under the EU rule for CET/CEST. */
function euCentralOffsetMinutes(year: number, localAsUtc: number): number {
  const asSummer = localAsUtc - 120 * MS_PER_MINUTE;
  const start = lastSundayAt0100Utc(year, 2);
  const end = lastSundayAt0100Utc(year, 9);
  return asSummer >= start && asSummer < end ? 120 : 60;
}

/** The wall-clock time of the six fields `YYMMDDhhmmss` as if it were UTC, or NaN when it is not a valid date. */
function wallClockOf(
  yy: number,
  mo: number,
  dd: number,
  hh: number,
  mi: number,
  ss: number,
): number {
  if (yy < 0 || mo < 1 || mo > 12 || dd < 1 || hh < 0 || hh > 23) return NaN;
  if (mi < 0 || mi > 59 || ss < 0 || ss > 59) return NaN;
  const year = 2000 + yy;
  const leap = mo === 2 && year % 4 === 0; // 2000..2099: every 4th year is a leap year
  if (dd > DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0)) return NaN;
  // Date.UTC by hand (years 2000-2099 only): a fifth of the cost, and
  // timestamps are a good part of a telegram's parse time.
  const days =
    365 * yy +
    ((yy + 3) >> 2) +
    DAYS_BEFORE_MONTH[mo - 1]! +
    (mo > 2 && (yy & 3) === 0 ? 1 : 0) +
    dd -
    1;
  return Y2000_MS + days * MS_PER_DAY + hh * 3_600_000 + mi * MS_PER_MINUTE + ss * 1000;
}

/**
 * UTC offset in minutes for a valid wall-clock time: from the flag's
 * character code for 13-character timestamps, by the EU rule for the
 * flag-less 12-character ones; NaN for an unknown flag.
 */
function offsetOf(length: number, flag: number, yy: number, wall: number): number {
  if (length === 12) return euCentralOffsetMinutes(2000 + yy, wall);
  // Lower-cased, so 0x73 is S/s (summer, UTC+2) and 0x77 is W/w (winter, UTC+1).
  const f = flag | 0x20;
  return f === 0x73 ? 120 : f === 0x77 ? 60 : NaN;
}

/** The wall-clock time of `s[start, end)` as if it were UTC, or NaN when it is not a valid date. */
function wallClock(s: string, start: number, end: number): number {
  const len = end - start;
  if (len !== 12 && len !== 13) return NaN;
  return wallClockOf(
    twoDigits(s, start),
    twoDigits(s, start + 2),
    twoDigits(s, start + 4),
    twoDigits(s, start + 6),
    twoDigits(s, start + 8),
    twoDigits(s, start + 10),
  );
}

/** UTC offset in minutes for a valid wall-clock time, or NaN for an unknown DST flag. */
function offsetMinutes(s: string, start: number, end: number, wall: number): number {
  return offsetOf(end - start, s.charCodeAt(start + 12), twoDigits(s, start), wall);
}

/** Epoch ms of the DSMR timestamp in `s[start, end)`, or null when it is not a valid date. */
export function parseDsmrTimestamp(s: string, start = 0, end = s.length): number | null {
  const wall = wallClock(s, start, end);
  const epoch = wall - offsetMinutes(s, start, end, wall) * MS_PER_MINUTE;
  return Number.isNaN(epoch) ? null : epoch;
}

/**
 * `parseDsmrTimestamp` over the telegram's bytes `b[start, end)`, for the
 * parser: a byte read costs a fraction of a `charCodeAt`, and a telegram
 * has a timestamp per M-Bus reading and power failure besides its own.
 */
export function readDsmrTimestamp(b: Uint8Array, start: number, end: number): number | null {
  const len = end - start;
  if (len !== 12 && len !== 13) return null;
  const yy = pair(b[start]!, b[start + 1]!);
  const wall = wallClockOf(
    yy,
    pair(b[start + 2]!, b[start + 3]!),
    pair(b[start + 4]!, b[start + 5]!),
    pair(b[start + 6]!, b[start + 7]!),
    pair(b[start + 8]!, b[start + 9]!),
    pair(b[start + 10]!, b[start + 11]!),
  );
  const epoch = wall - offsetOf(len, b[start + 12]!, yy, wall) * MS_PER_MINUTE;
  return Number.isNaN(epoch) ? null : epoch;
}

/**
 * ISO 8601 with the meter's own offset (`2019-05-14T21:36:20+02:00`), or
 * null when invalid. Keeps the wall-clock time a person reads on the meter.
 */
export function dsmrTimestampToIso(raw: string): string | null {
  const wall = wallClock(raw, 0, raw.length);
  const offset = offsetMinutes(raw, 0, raw.length, wall);
  if (Number.isNaN(wall) || Number.isNaN(offset)) return null;
  return `${new Date(wall).toISOString().slice(0, 19)}+0${offset / 60}:00`;
}

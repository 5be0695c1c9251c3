/**
 * Tasmota telemetry: the `ENERGY` object (tele SENSOR, STATUS8/STATUS10
 * `StatusSNS`) and the message `Time`.
 *
 * Timestamps: Tasmota's `Time` is local time without a zone unless the
 * device has SetOption52 (research/tasmota-ha-z2m.md §1.5). Read as UTC it
 * would be hours off, and at the autumn DST change one hour of readings
 * would overwrite another. So a reading is stamped with the hub's receive
 * time unless the message carries an unambiguous time: an `Epoch` (`Time 2`),
 * a numeric `Time` (`Time 3/4`), or a `Time` string with `Z` or an offset.
 */
import { isObject, show, typeName, type DecodeContext } from './context.js';

/** 2016-01-01T00:00:00Z: device clocks before this were never set (no NTP). */
export const MIN_VALID_TIME = 1_451_606_400_000;
/** How far ahead of our clock a device's time may be before we distrust it. */
export const MAX_CLOCK_AHEAD_MS = 86_400_000;

/**
 * Epoch milliseconds of a Tasmota `Time` string: `YYYY-MM-DDTHH:MM:SS`
 * with optional fraction and optional `Z` / `±HH:MM` / `±HHMM` / `±HH`.
 * Without a zone the text is the device's local time, which says nothing
 * about the instant: NaN when `zoneRequired`, else it is read as UTC.
 * NaN if the text is not such a time.
 */
export function parseTasmotaTime(s: string, zoneRequired = false): number {
  const n = s.length;
  if (n < 19) return NaN;
  const sep = s.charCodeAt(10);
  if (
    s.charCodeAt(4) !== 45 ||
    s.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) ||
    s.charCodeAt(13) !== 58 ||
    s.charCodeAt(16) !== 58
  ) {
    return NaN;
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    se < 0 ||
    se > 60
  ) {
    return NaN;
  }
  let i = 19;
  let ms = 0;
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    const from = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      ms += (c - 48) * scale;
      scale /= 10;
      i++;
    }
    if (i === from) return NaN;
    ms = Math.floor(ms);
  }
  let offsetMin = 0;
  if (i === n) {
    if (zoneRequired) return NaN;
  } else {
    const c = s.charCodeAt(i);
    if (c === 90 && i === n - 1) {
      // Z
    } else if (c === 43 || c === 45) {
      const oh = digits(s, i + 1, 2);
      let om: number;
      if (n - i === 6 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
      else if (n - i === 5) om = digits(s, i + 3, 2);
      else if (n - i === 3) om = 0;
      else return NaN;
      if (oh < 0 || oh > 14 || om < 0 || om > 59) return NaN;
      offsetMin = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return NaN;
    }
  }
  const days = daysFromCivil(y, mo, d);
  return ((days * 24 + h) * 60 + mi - offsetMin) * 60_000 + se * 1000 + ms;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): integer arithmetic, several times cheaper than Date.UTC.
 * Day 31 of a 30-day month rolls over into the next, as Date.UTC does.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Epoch seconds or milliseconds (Tasmota `Time 2/3/4`) to milliseconds. */
function epochMs(v: number): number {
  return v > 1e11 ? v : v * 1000;
}

/**
 * The time a telemetry object speaks for: its `Epoch` key if present and
 * plausible, else its `Time` if it names an instant (epoch seconds, or a
 * string with `Z` or an offset) and is plausible, else `now`, the receive
 * time. A zone-less `Time` (Tasmota's default: local time) is never used.
 * Plausible: on or after 2016 (an unsynchronised plug reports 1970) and not
 * more than a day ahead.
 */
export function messageTime(obj: Record<string, unknown>, now: number): number {
  const epoch = obj.Epoch;
  if (typeof epoch === 'number') {
    const ms = epochMs(epoch);
    if (ms >= MIN_VALID_TIME && ms <= now + MAX_CLOCK_AHEAD_MS) return ms;
  }
  const time = obj.Time;
  let ms: number;
  if (typeof time === 'string') ms = parseTasmotaTime(time, true);
  else if (typeof time === 'number') ms = epochMs(time);
  else return now;
  return ms >= MIN_VALID_TIME && ms <= now + MAX_CLOCK_AHEAD_MS ? ms : now;
}

/** kWh to Wh, without binary-fraction noise (6.294 kWh is 6294 Wh, not 6294.000000000001). */
function kwhToWh(v: number): number {
  return Math.round(v * 1e6) / 1000;
}

/** How one ENERGY key becomes readings. */
interface EnergyField {
  /** The key in ENERGY, for error messages. */
  readonly key: string;
  readonly metric: string;
  /** Arrives in kWh and leaves in Wh. */
  readonly kwh: boolean;
  /** Per-phase values add up, so their sum is reported as `<metric>` too. */
  readonly additive: boolean;
  /** The physically possible range (in the unit that leaves); finite bounds. */
  readonly min: number;
  readonly max: number;
  /** The range as told in a rejection. */
  readonly range: string;
}

/** Any finite number: `v >= ANY.min && v <= ANY.max` is false for ±Infinity and NaN. */
const ANY = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE, range: 'finite' };
const NON_NEGATIVE = { min: 0, max: Number.MAX_VALUE, range: '0 or more' };

function energyField(
  key: string,
  metric: string,
  kwh: boolean,
  additive: boolean,
  bounds: { min: number; max: number; range: string },
): EnergyField {
  return Object.freeze({ key, metric, kwh, additive, ...bounds });
}

/**
 * The ENERGY keys read. Units: Total, Today and Yesterday are kWh; Period is
 * already Wh. The powers and Period need only be finite: Power is negative
 * for export on bidirectional meters, ReactivePower for capacitive loads.
 * Counters, voltage and current cannot be negative.
 */
const FIELDS = Object.freeze({
  Total: energyField('Total', 'energy_total', true, true, NON_NEGATIVE),
  Yesterday: energyField('Yesterday', 'energy_yesterday', true, true, NON_NEGATIVE),
  Today: energyField('Today', 'energy_today', true, true, NON_NEGATIVE),
  Period: energyField('Period', 'energy_period', false, true, ANY),
  Power: energyField('Power', 'power', false, true, ANY),
  ApparentPower: energyField('ApparentPower', 'apparent_power', false, true, ANY),
  ReactivePower: energyField('ReactivePower', 'reactive_power', false, true, ANY),
  Factor: energyField('Factor', 'power_factor', false, false, { min: -1, max: 1, range: '-1..1' }),
  Voltage: energyField('Voltage', 'voltage', false, false, NON_NEGATIVE),
  Current: energyField('Current', 'current', false, true, NON_NEGATIVE),
  Frequency: energyField('Frequency', 'frequency', false, false, {
    min: 0,
    max: 1000,
    range: '0..1000',
  }),
});

/** `v` (already in the unit that leaves) is a possible value of `f`; false for NaN and ±Infinity. */
function inRange(v: number, f: EnergyField): boolean {
  return v >= f.min && v <= f.max;
}

/** Why a number read for `f` (shown as it arrived) was rejected. */
function rangeProblem(label: string, raw: number, f: EnergyField): string {
  return Number.isFinite(raw)
    ? `${label}: out of range (${f.range}): ${show(raw)}`
    : `${label}: not a finite number (${typeName(raw)})`;
}

/**
 * One ENERGY field. A number becomes one reading; an array (multi-phase
 * meters) becomes `<metric>_l1..n` plus, for additive quantities, their sum
 * as `<metric>`. Values that are not numbers, or not possible for the field
 * (a negative voltage, a power factor of 3, Infinity), are rejected one by
 * one. Kept small (the common case: one good number) so that it inlines.
 */
function field(ctx: DecodeContext, value: unknown, f: EnergyField, ts: number): void {
  if (typeof value === 'number') {
    const v = f.kwh ? kwhToWh(value) : value;
    if (inRange(v, f)) ctx.reading(f.metric, v, ts);
    else ctx.reject(rangeProblem(`ENERGY.${f.key}`, value, f));
  } else if (value !== undefined) {
    phasesField(ctx, value, f, ts);
  }
}

/**
 * One element of a per-phase array as a value that leaves, or NaN after
 * rejecting it under `ENERGY.<key>[i]`.
 */
function phaseValue(ctx: DecodeContext, el: unknown, f: EnergyField, i: number): number {
  if (typeof el === 'number') {
    const v = f.kwh ? kwhToWh(el) : el;
    if (inRange(v, f)) return v;
    ctx.reject(rangeProblem(`ENERGY.${f.key}[${i}]`, el, f));
  } else {
    ctx.reject(`ENERGY.${f.key}[${i}]: expected a number, got ${show(el)}`);
  }
  return NaN;
}

/** A field that is not a plain number: a per-phase array, or rejected. */
function phasesField(ctx: DecodeContext, value: unknown, f: EnergyField, ts: number): void {
  if (!Array.isArray(value)) {
    ctx.reject(`ENERGY.${f.key}: expected a number, got ${show(value)}`);
    return;
  }
  if (value.length === 1) {
    // A one-phase "array" is just the value.
    const v = phaseValue(ctx, value[0], f, 0);
    if (!Number.isNaN(v)) ctx.reading(f.metric, v, ts);
    return;
  }
  let sum = 0;
  let complete = value.length > 0;
  for (let i = 0; i < value.length; i++) {
    const v = phaseValue(ctx, value[i], f, i);
    if (Number.isNaN(v)) {
      complete = false;
    } else {
      ctx.reading(`${f.metric}_l${i + 1}`, v, ts);
      sum += v;
    }
  }
  if (f.additive && complete) {
    // Round away binary-fraction noise (298.1 + 7.2 is 305.30000000000007).
    const total = Math.round(sum * 1e6) / 1e6;
    if (Number.isFinite(total)) ctx.reading(f.metric, total, ts);
  }
}

/** The readings of an `ENERGY` object, in a fixed order; energies leave in Wh. */
export function decodeEnergy(ctx: DecodeContext, energy: unknown, ts: number): void {
  if (!isObject(energy)) {
    ctx.reject(`ENERGY: expected an object, got ${typeName(energy)}`);
    return;
  }
  field(ctx, energy.Total, FIELDS.Total, ts);
  field(ctx, energy.Yesterday, FIELDS.Yesterday, ts);
  field(ctx, energy.Today, FIELDS.Today, ts);
  field(ctx, energy.Period, FIELDS.Period, ts);
  field(ctx, energy.Power, FIELDS.Power, ts);
  field(ctx, energy.ApparentPower, FIELDS.ApparentPower, ts);
  field(ctx, energy.ReactivePower, FIELDS.ReactivePower, ts);
  field(ctx, energy.Factor, FIELDS.Factor, ts);
  field(ctx, energy.Voltage, FIELDS.Voltage, ts);
  field(ctx, energy.Current, FIELDS.Current, ts);
  field(ctx, energy.Frequency, FIELDS.Frequency, ts);
}

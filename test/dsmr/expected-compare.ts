/**
 * Maps the fixtures' `*.expected.json` format (see the fixture README,
 * "Expected values") onto the parser's model and lists every difference.
 * Timestamps are compared as instants; the expected files spell them as
 * ISO strings with the meter's offset (or without one for DSMR 2.2/3, which
 * is Dutch local time and is converted here with the platform's tz data,
 * independently of the parser's own EU rule).
 */
import type { DsmrObject, DsmrTelegram } from '../../src/dsmr/index.js';

type Spec = Record<string, unknown>;

const AMSTERDAM = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function amsterdamWallClock(ms: number): string {
  const p = Object.fromEntries(AMSTERDAM.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** Epoch ms of an ISO string; one without offset is read as Europe/Amsterdam wall-clock time. */
export function instant(iso: string): number {
  if (/[+-]\d\d:\d\d$|Z$/.test(iso)) return Date.parse(iso);
  const asUtc = Date.parse(`${iso}Z`);
  for (const offsetMin of [60, 120]) {
    const candidate = asUtc - offsetMin * 60_000;
    if (amsterdamWallClock(candidate) === iso) return candidate;
  }
  throw new Error(`${iso} is not a valid Amsterdam local time`);
}

function expectedInstant(v: unknown): number | null {
  return v === null ? null : instant(v as string);
}

function sameUnit(a: unknown, b: string | null): boolean {
  if (a === undefined || a === null) return b === null;
  return String(a).toLowerCase() === (b ?? '').toLowerCase();
}

/** `000040.777*kWh` -> {value: 40.777, unit: 'kWh'}; other text stays text. */
function groupValue(text: string): { value: number | string; unit: string | null } {
  const m = /^([-+]?\d+(?:\.\d+)?)(?:\*(.+))?$/.exec(text);
  return m ? { value: Number(m[1]), unit: m[2] ?? null } : { value: text, unit: null };
}

/**
 * Documented deviations from the expected files. The Landis+Gyr E350 sends a
 * lower-case DST flag (`150701190000s`); the expected file calls it invalid,
 * the parser reads it as summer time (the only thing it can mean).
 */
const LOWER_CASE_FLAG = /^\d{12}[sw]$/;

function isoOfRaw(raw: string): string {
  const [yy, mo, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map((i) => raw.slice(i, i + 2));
  const offset = raw.endsWith('s') ? '+02:00' : '+01:00';
  return `20${yy}-${mo}-${dd}T${hh}:${mi}:${ss}${offset}`;
}

function diffScalar(obis: string, e: Spec, o: DsmrObject, out: string[]): void {
  const ev = e.value;
  if (o.kind === 'number') {
    const want = typeof ev === 'string' ? Number(ev) : ev;
    if (o.value !== want) out.push(`${obis}: value ${String(o.value)} != ${String(ev)}`);
    if ('unit' in e && !sameUnit(e.unit, o.unit))
      out.push(`${obis}: unit ${o.unit} != ${String(e.unit)}`);
  } else if (o.kind === 'text') {
    if (o.value !== ev) out.push(`${obis}: text ${String(o.value)} != ${String(ev)}`);
    if ('unit' in e) out.push(`${obis}: expected unit ${String(e.unit)} on a text object`);
  } else if (o.kind === 'unknown') {
    const g = o.groups.length === 1 ? groupValue(o.groups[0]!) : null;
    if (g === null || g.value !== ev || !sameUnit(e.unit, g.unit)) {
      out.push(`${obis}: unknown object ${JSON.stringify(o.groups)} != ${JSON.stringify(e)}`);
    }
  } else out.push(`${obis}: kind ${o.kind} where a plain value was expected`);
}

function diffObject(obis: string, e: Spec, o: DsmrObject, out: string[]): void {
  if ('raw' in e) {
    // 0-0:1.0.0
    if (o.kind !== 'timestamp') return void out.push(`${obis}: kind ${o.kind}, expected timestamp`);
    if (o.timestampRaw !== e.raw) out.push(`${obis}: raw ${o.timestampRaw} != ${String(e.raw)}`);
    if (o.timestamp !== expectedInstant(e.value))
      out.push(`${obis}: time ${o.timestamp} != ${String(e.value)}`);
  } else if ('interval_minutes' in e) {
    if (o.kind !== 'legacy-reading')
      return void out.push(`${obis}: kind ${o.kind}, expected legacy-reading`);
    if (o.timestampRaw !== e.timestamp_raw) out.push(`${obis}: raw ${o.timestampRaw}`);
    if (o.timestamp !== expectedInstant(e.timestamp))
      out.push(`${obis}: time ${o.timestamp} != ${String(e.timestamp)}`);
    if (o.status !== e.status) out.push(`${obis}: status ${o.status} != ${String(e.status)}`);
    if (o.intervalMinutes !== e.interval_minutes)
      out.push(`${obis}: interval ${o.intervalMinutes}`);
    if (o.valueObis !== e.value_obis) out.push(`${obis}: value obis ${o.valueObis}`);
    if (o.value !== e.value) out.push(`${obis}: value ${o.value} != ${String(e.value)}`);
    if (!sameUnit(e.unit, o.unit)) out.push(`${obis}: unit ${o.unit} != ${String(e.unit)}`);
  } else if ('timestamp_raw' in e) {
    if (o.kind !== 'reading') return void out.push(`${obis}: kind ${o.kind}, expected reading`);
    if (o.timestampRaw !== e.timestamp_raw)
      out.push(`${obis}: raw ${o.timestampRaw} != ${String(e.timestamp_raw)}`);
    const lowerCaseFlag = e.timestamp === null && LOWER_CASE_FLAG.test(o.timestampRaw);
    const want = lowerCaseFlag ? instant(isoOfRaw(o.timestampRaw)) : expectedInstant(e.timestamp);
    if (o.timestamp !== want) out.push(`${obis}: time ${o.timestamp} != ${String(e.timestamp)}`);
    const wantValue = typeof e.value === 'string' ? Number(e.value) : e.value;
    if (o.value !== wantValue) out.push(`${obis}: value ${o.value} != ${String(e.value)}`);
    if (!sameUnit(e.unit, o.unit)) out.push(`${obis}: unit ${o.unit} != ${String(e.unit)}`);
  } else if ('events' in e) {
    if (o.kind !== 'event-log') return void out.push(`${obis}: kind ${o.kind}, expected event-log`);
    if (o.count !== e.count) out.push(`${obis}: count ${o.count} != ${String(e.count)}`);
    if (o.bufferObis !== ((e.buffer_obis as string | undefined) ?? null))
      out.push(`${obis}: buffer ${o.bufferObis}`);
    const events = e.events as Spec[];
    if (o.events.length !== events.length)
      out.push(`${obis}: ${o.events.length} events != ${events.length}`);
    events.forEach((ev, k) => {
      const m = o.events[k];
      if (m === undefined) return;
      if (m.endRaw !== ev.end_raw || m.end !== expectedInstant(ev.end))
        out.push(`${obis}: event ${k} end ${m.endRaw}`);
      if (m.duration !== ev.duration || !sameUnit(ev.unit, m.unit))
        out.push(`${obis}: event ${k} duration ${m.duration}`);
    });
  } else if ('entries' in e) {
    if (o.kind !== 'peak-history')
      return void out.push(`${obis}: kind ${o.kind}, expected peak-history`);
    if (o.count !== e.count) out.push(`${obis}: count ${o.count} != ${String(e.count)}`);
    const entries = e.entries as Spec[];
    if (o.entries.length !== entries.length)
      out.push(`${obis}: ${o.entries.length} entries != ${entries.length}`);
    entries.forEach((en, k) => {
      const m = o.entries[k];
      if (m === undefined) return;
      if (m.monthRaw !== en.month_raw || m.month !== expectedInstant(en.month))
        out.push(`${obis}: entry ${k} month`);
      if (m.occurredRaw !== en.occurred_raw || m.occurred !== expectedInstant(en.occurred)) {
        out.push(
          `${obis}: entry ${k} occurred ${m.occurredRaw} -> ${m.occurred} != ${String(en.occurred)}`,
        );
      }
      if (m.value !== en.value || !sameUnit(en.unit, m.unit))
        out.push(`${obis}: entry ${k} value ${m.value} ${m.unit}`);
    });
  } else if ('groups' in e) {
    if (o.kind !== 'unknown') return void out.push(`${obis}: kind ${o.kind}, expected raw groups`);
    const groups = e.groups as Spec[];
    if (o.groups.length !== groups.length)
      out.push(`${obis}: ${o.groups.length} groups != ${groups.length}`);
    groups.forEach((g, k) => {
      const mine = groupValue(o.groups[k] ?? '');
      if (mine.value !== g.value || !sameUnit(g.unit, mine.unit))
        out.push(`${obis}: group ${k} ${o.groups[k]}`);
    });
  } else diffScalar(obis, e, o, out);
}

/** Every difference between a parsed telegram and an expected file; [] when they agree. */
export function diffExpected(
  t: DsmrTelegram,
  expected: { objects: Record<string, Spec> },
): string[] {
  const out: string[] = [];
  for (const [obis, spec] of Object.entries(expected.objects)) {
    const o = t.objects.find((x) => x.obis === obis);
    if (o === undefined) out.push(`${obis}: missing`);
    else diffObject(obis, spec, o, out);
  }
  return out;
}

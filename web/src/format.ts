/**
 * How values read on screen. Pure functions, one rule per kind of value, so
 * a tile, a page and a chart axis never disagree.
 */

/** A number and its unit, kept apart so the unit can be styled and the number column stays put. */
export interface Shown {
  value: string;
  unit: string;
}

const DASH = '—';

function fixed(n: number, digits: number): string {
  // -0.0 reads as a fault; a value that rounds to zero shows as 0.
  const s = n.toFixed(digits);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

/** Watts: 8.5 W, 431 W, 1.23 kW, 2.40 MW. */
export function power(w: number | null | undefined): Shown {
  if (w === null || w === undefined || !Number.isFinite(w)) return { value: DASH, unit: 'W' };
  const a = Math.abs(w);
  if (a >= 1e6) return { value: fixed(w / 1e6, 2), unit: 'MW' };
  if (a >= 1000) return { value: fixed(w / 1000, 2), unit: 'kW' };
  return { value: fixed(w, a < 10 ? 1 : 0), unit: 'W' };
}

/** Watts as a meter shows them: kW with three decimals (exact to the watt). */
export function meterKw(w: number | null | undefined): Shown {
  if (w === null || w === undefined || !Number.isFinite(w)) return { value: DASH, unit: 'kW' };
  return { value: fixed(w / 1000, 3), unit: 'kW' };
}

/** Watt-hours: 950 Wh, 12.35 kWh, 3.21 MWh. */
export function energy(wh: number | null | undefined): Shown {
  if (wh === null || wh === undefined || !Number.isFinite(wh)) return { value: DASH, unit: 'kWh' };
  const a = Math.abs(wh);
  if (a >= 1e6) return { value: fixed(wh / 1e6, 2), unit: 'MWh' };
  if (a >= 1000) return { value: fixed(wh / 1000, 2), unit: 'kWh' };
  return { value: fixed(wh, 0), unit: 'Wh' };
}

/** Any other measured value by its unit: V with one decimal, A with two, m³ with three. */
export function measured(v: number | null | undefined, unit: string): Shown {
  const shownUnit = unit === 'm3' ? 'm³' : unit;
  if (v === null || v === undefined || !Number.isFinite(v)) return { value: DASH, unit: shownUnit };
  switch (unit) {
    case 'W':
      return power(v);
    case 'Wh':
      return energy(v);
    case 'V':
    case 'Hz':
      return { value: fixed(v, 1), unit: shownUnit };
    case 'A':
      return { value: fixed(v, 2), unit: shownUnit };
    case 'm3':
    case 'GJ':
      return { value: fixed(v, 3), unit: shownUnit };
    default:
      return { value: String(Math.round(v * 1000) / 1000), unit: shownUnit };
  }
}

export function joined(s: Shown): string {
  return s.value === DASH ? DASH : `${s.value} ${s.unit}`;
}

/** How long ago, coarsely: "just now", "12 s ago", "5 min ago", "3 h ago", "4 d ago". */
export function ago(thenMs: number, nowMs: number): string {
  if (!Number.isFinite(thenMs)) return 'never';
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Time left as m:ss or h:mm:ss. */
export function remaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** A local date and time for people: "14 Nov, 18:15:02". */
export function when(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  return d.toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export const PROTOCOL_NAMES: Record<string, string> = {
  tasmota: 'Tasmota',
  moko: 'Moko',
  mqtt2go: 'MQTT2GO',
  dsmr: 'DSMR P1',
  senml: 'SenML',
};

export function protocolName(p: string): string {
  return PROTOCOL_NAMES[p] ?? p;
}

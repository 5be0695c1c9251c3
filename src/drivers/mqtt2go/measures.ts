/**
 * MQTT2GO socket measurements into canonical metrics. The unit decides what
 * a number is, not the entity name: the spec's "Power Report" and the
 * firmware's `consumption` entity carry watts (the firmware sends V×I there
 * and labels it "W", the TV dashboard shows it as "Power (W)"), while
 * `consumption` in Ws (spec) and the POW R2's `energy` (Ws) are the socket's
 * cumulative energy counter, stored as energy_total in Wh.
 */

/** Entities that carry a measurement, with the unit assumed when none is given. */
export const DEFAULT_UNIT: Readonly<Record<string, string>> = {
  consumption: 'Ws',
  energy: 'Ws',
  power: 'W',
  current: 'A',
  voltage: 'V',
};

interface UnitRule {
  readonly metric: 'power' | 'energy_total' | 'current' | 'voltage';
  readonly scale: number;
}

const UNITS: Readonly<Record<string, UnitRule>> = {
  W: { metric: 'power', scale: 1 },
  kW: { metric: 'power', scale: 1000 },
  Ws: { metric: 'energy_total', scale: 1 / 3600 },
  Wh: { metric: 'energy_total', scale: 1 },
  kWh: { metric: 'energy_total', scale: 1000 },
  A: { metric: 'current', scale: 1 },
  mA: { metric: 'current', scale: 0.001 },
  V: { metric: 'voltage', scale: 1 },
};

/** Which metrics each entity may carry. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  consumption: ['energy_total', 'power'],
  energy: ['energy_total'],
  power: ['power'],
  current: ['current'],
  voltage: ['voltage'],
};

function unitRule(unit: string): UnitRule | undefined {
  if (Object.hasOwn(UNITS, unit)) return UNITS[unit];
  const key = Object.keys(UNITS).find((u) => u.toLowerCase() === unit.toLowerCase());
  return key === undefined ? undefined : UNITS[key];
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export type Measurement =
  { ok: true; metric: string; value: number } | { ok: false; reason: string };

/**
 * `body` is `{"value":45,"unit":"Ws"}` or a bare number (unit from the
 * entity). Energy, current and voltage cannot be negative; power may be (a
 * socket feeding back).
 */
export function measurement(entity: string, body: unknown): Measurement {
  let raw: unknown = body;
  let unit = DEFAULT_UNIT[entity]!;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const o = body as Record<string, unknown>;
    raw = o.value;
    if (o.unit !== undefined) {
      if (typeof o.unit !== 'string')
        return { ok: false, reason: `${entity} unit is not a string: ${JSON.stringify(o.unit)}` };
      if (o.unit !== '') unit = o.unit;
    }
  }
  const n = numberOf(raw);
  if (n === undefined)
    return { ok: false, reason: `${entity} value is not a number: ${JSON.stringify(raw)}` };
  const rule = unitRule(unit);
  if (rule === undefined || !ALLOWED[entity]!.includes(rule.metric))
    return { ok: false, reason: `${entity} in unknown unit ${JSON.stringify(unit)}` };
  if (n < 0 && rule.metric !== 'power')
    return { ok: false, reason: `${entity} cannot be negative: ${n}` };
  return { ok: true, metric: rule.metric, value: n * rule.scale };
}

/**
 * Output formatting the way Tasmota prints it: numbers with a fixed number of
 * decimals ("Total":5.340, not 5.34), local time without zone, uptime as
 * `<days>T<hh:mm:ss>`.
 */

/** A number that must be printed with exactly `digits` decimals. */
export class Fixed {
  constructor(
    readonly value: number,
    readonly digits: number,
  ) {}
}

export function fixed(value: number, digits: number): Fixed {
  return new Fixed(value, digits);
}

export type JsonValue =
  string | number | boolean | null | undefined | Fixed | JsonValue[] | { [key: string]: JsonValue };

/** JSON.stringify with `Fixed` support; `undefined` members are left out. */
export function toJson(value: JsonValue): string {
  if (value instanceof Fixed) {
    const text = value.value.toFixed(value.digits);
    return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
  }
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${toJson(member)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `2024-01-15T07:30:00` — wall clock (UTC-formatted), no zone, whole seconds. */
export function localTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().slice(0, 19);
}

/** `1T02:03:04` for 93784 seconds. */
export function uptimeText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  return `${days}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}`;
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Value formats of the P1 telegram (DSMR 5.0.2 6.4-6.11): fixed widths with
 * leading zeros (`000123.456*kWh`), hex-encoded ASCII ids, one COSEM object
 * per line `id(group)(group)`.
 */

/** `value` (>= 0) with `intDigits` digits before the point and `decimals` after. */
export function fixed(value: number, intDigits: number, decimals: number): string {
  const text = Math.max(0, value).toFixed(decimals);
  const dot = text.indexOf('.');
  const whole = dot < 0 ? text : text.slice(0, dot);
  return whole.padStart(intDigits, '0') + (dot < 0 ? '' : text.slice(dot));
}

/**
 * A register value: cut, not rounded, to `decimals` like a meter shows
 * completed units, so a counter never appears to run ahead of itself.
 */
export function register(value: number, intDigits: number, decimals: number): string {
  const scale = 10 ** decimals;
  return fixed(Math.floor(value * scale) / scale, intDigits, decimals);
}

/** An integer with leading zeros. */
export function int(value: number, digits: number): string {
  return String(Math.max(0, Math.round(value))).padStart(digits, '0');
}

/** ASCII text as the upper-case hex the meter sends for ids and messages. */
export function hexText(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex').toUpperCase();
}

/** One COSEM object line: `obis(g1)(g2)...`. */
export function cosem(obis: string, ...groups: string[]): string {
  return obis + groups.map((g) => `(${g})`).join('');
}

/** OBIS C-codes per phase L1..L3. */
export const PHASE_CODE = {
  importKw: [21, 41, 61],
  exportKw: [22, 42, 62],
  current: [31, 51, 71],
  voltage: [32, 52, 72],
} as const;

/**
 * Plain-text words Tasmota uses for relay state and availability, and the
 * `POWER` / `POWER<n>` naming of relays. Written without regular expressions:
 * these run for every state message.
 */

/** Highest relay index Tasmota knows (ESP32: POWER1..POWER32). */
export const MAX_RELAY = 32;

/** ASCII lower-casing of one char code. */
function lc(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Case-insensitive equality with an already lower-case ASCII word. */
function eqLower(s: string, lowerWord: string): boolean {
  if (s.length !== lowerWord.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (lc(s.charCodeAt(i)) !== lowerWord.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * A relay state text: `ON`/`OFF` in any case, `1`/`0`, `true`/`false`.
 * Devices with custom StateText1/2 (announced in discovery) are checked by
 * the caller with {@link parseCustomWord}.
 */
export function parsePowerWord(s: string): boolean | undefined {
  switch (s.length) {
    case 1: {
      const c = s.charCodeAt(0);
      return c === 49 ? true : c === 48 ? false : undefined;
    }
    case 2:
      return eqLower(s, 'on') ? true : undefined;
    case 3:
      return eqLower(s, 'off') ? false : undefined;
    case 4:
      return eqLower(s, 'true') ? true : undefined;
    case 5:
      return eqLower(s, 'false') ? false : undefined;
    default:
      return undefined;
  }
}

/** A word compared case-insensitively against a device's own on/off texts. */
export function parseCustomWord(s: string, onText: string, offText: string): boolean | undefined {
  if (eqLower(s, onText.toLowerCase())) return true;
  if (eqLower(s, offText.toLowerCase())) return false;
  return undefined;
}

/** `Online` / `Offline` (any case). */
export function parseLwtWord(s: string): boolean | undefined {
  if (s.length === 6 && eqLower(s, 'online')) return true;
  if (s.length === 7 && eqLower(s, 'offline')) return false;
  return undefined;
}

/**
 * Relay index named by `POWER` (1) or `POWER<n>` (n), reading `s` from
 * `start`. Returns 0 if this is not a relay name (`PowerOnState`, `POWER0`,
 * `POWERx`), and -1 for a relay index above {@link MAX_RELAY}.
 * Case-sensitive: Tasmota always upper-cases relay names, while settings
 * such as `PowerOnState` or `PowerDelta1` are mixed-case.
 */
export function relayIndex(s: string, start = 0): number {
  const n = s.length - start;
  if (
    n < 5 ||
    s.charCodeAt(start) !== 80 || // P
    s.charCodeAt(start + 1) !== 79 || // O
    s.charCodeAt(start + 2) !== 87 || // W
    s.charCodeAt(start + 3) !== 69 || // E
    s.charCodeAt(start + 4) !== 82 // R
  ) {
    return 0;
  }
  if (n === 5) return 1;
  // `POWER0` (all relays, a command only) and leading zeros are not relay names.
  if (s.charCodeAt(start + 5) === 48) return 0;
  let v = 0;
  for (let i = start + 5; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    if (v <= MAX_RELAY) v = v * 10 + (c - 48);
  }
  return v > MAX_RELAY ? -1 : v;
}

/** The payload Tasmota's POWER command takes for each canonical state. */
export const POWER_PAYLOAD = {
  on: 'ON',
  off: 'OFF',
  toggle: 'TOGGLE',
} as const;

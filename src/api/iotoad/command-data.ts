import type { PowerState } from '../../core/commands.js';
import { DAILY_TIME } from '../../hub/schedule.js';

/** What a `command/sp_command` request asks of each target. */
export type CommandAction =
  | { kind: 'power'; relay: number; state: PowerState }
  | { kind: 'countdown'; relay: number; seconds: number; state: 'on' | 'off' }
  | {
      kind: 'timer';
      relay: number;
      slot: number;
      time: string;
      state: 'on' | 'off';
      enabled: boolean;
    };

/** Every spelling of a switch state IoToad clients and their documentation use. */
const STATES = new Map<unknown, PowerState>([
  [1, 'on'],
  [0, 'off'],
  ['1', 'on'],
  ['0', 'off'],
  [true, 'on'],
  [false, 'off'],
  ['on', 'on'],
  ['off', 'off'],
  ['toggle', 'toggle'],
]);

const ACCEPTED = '1, 0, "1", "0", "ON", "OFF", "on", "off", "TOGGLE", true or false';

function parseState(v: unknown): PowerState | undefined {
  return STATES.get(typeof v === 'string' ? v.trim().toLowerCase() : v);
}

function onOff(v: unknown, what: string, problems: string[]): 'on' | 'off' {
  const s = parseState(v);
  if (s === 'on' || s === 'off') return s;
  problems.push(
    `${what} must be ON or OFF (${ACCEPTED.replace(', "TOGGLE"', '')}), got ${JSON.stringify(v)}`,
  );
  return 'off';
}

function positiveInt(v: unknown, what: string, max: number, problems: string[]): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max) return n;
  problems.push(`${what} must be a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
  return 1;
}

/**
 * Read `data`: `{"status": …}` switches now; `{"countdown": seconds}` or
 * `{"countdown": {"seconds": s, "status": "ON"}}` switches later (to OFF
 * unless told); `{"timer": {"time": "hh:mm:ss", "status": "ON", "enabled":
 * true, "slot": 1}}` switches daily. `relay` (default 1) picks the output.
 */
export function parseCommandData(
  data: unknown,
): { ok: true; action: CommandAction } | { ok: false; error: string } {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return {
      ok: false,
      error: `data must be an object such as {"status": "ON"}, got ${JSON.stringify(data)}`,
    };
  const d = data as Record<string, unknown>;
  const problems: string[] = [];
  const asked = ['status', 'countdown', 'timer'].filter((k) => d[k] !== undefined);
  if (asked.length === 0)
    return {
      ok: false,
      error: 'data must have "status", "countdown" or "timer"; nothing was done',
    };
  if (asked.length > 1)
    return {
      ok: false,
      error: `data must have one of "status", "countdown" or "timer", not ${asked.join(' and ')}`,
    };
  const relay = d.relay === undefined ? 1 : positiveInt(d.relay, 'relay', 32, problems);
  let action: CommandAction;
  if (asked[0] === 'status') {
    const state = parseState(d.status);
    if (!state) problems.push(`status must be one of ${ACCEPTED}, got ${JSON.stringify(d.status)}`);
    action = { kind: 'power', relay, state: state ?? 'off' };
  } else if (asked[0] === 'countdown') {
    const c = d.countdown;
    const obj =
      c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : { seconds: c };
    action = {
      kind: 'countdown',
      relay,
      seconds: positiveInt(obj.seconds, 'countdown seconds', 7 * 86_400, problems),
      state: obj.status === undefined ? 'off' : onOff(obj.status, 'countdown status', problems),
    };
  } else {
    const t = d.timer;
    if (t === null || typeof t !== 'object' || Array.isArray(t))
      return {
        ok: false,
        error: 'timer must be an object such as {"time": "07:30:00", "status": "ON"}',
      };
    const o = t as Record<string, unknown>;
    if (typeof o.time !== 'string' || !DAILY_TIME.test(o.time))
      problems.push(`timer time must be hh:mm:ss (24 h), got ${JSON.stringify(o.time)}`);
    if (o.enabled !== undefined && typeof o.enabled !== 'boolean')
      problems.push(`timer enabled must be true or false, got ${JSON.stringify(o.enabled)}`);
    action = {
      kind: 'timer',
      relay,
      slot: o.slot === undefined ? 1 : positiveInt(o.slot, 'timer slot', 16, problems),
      time: typeof o.time === 'string' ? (o.time.length === 5 ? `${o.time}:00` : o.time) : '',
      state: onOff(o.status, 'timer status', problems),
      enabled: o.enabled !== false,
    };
  }
  if (problems.length > 0) return { ok: false, error: problems.join('; ') };
  return { ok: true, action };
}

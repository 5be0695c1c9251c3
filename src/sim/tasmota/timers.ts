import type { JsonValue } from './format.js';
import { pad2 } from './format.js';

/**
 * The 16 Tasmota clock timers (xdrv_09_timers): JSON configuration with the
 * firmware's parsing quirks, the PrepShowTimer reply shape, and the
 * once-per-minute check that fires armed timers whose Days match.
 */

export const MAX_TIMERS = 16;

export interface TimerSetting {
  arm: boolean;
  /** 0 clock, 1 sunrise, 2 sunset. */
  mode: number;
  /** Minutes after midnight (for modes 1/2 an offset; > 719 means negative). */
  time: number;
  window: number;
  /** Bit 0 = Sunday … bit 6 = Saturday. */
  days: number;
  repeat: boolean;
  /** 0-based relay. */
  device: number;
  /** 0 off, 1 on, 2 toggle, 3 blink/rule. */
  action: number;
}

export interface TimerAction {
  timer: number;
  /** 1-based relay. */
  relay: number;
  action: number;
}

function emptyTimer(): TimerSetting {
  return { arm: false, mode: 0, time: 0, window: 0, days: 0, repeat: false, device: 0, action: 0 };
}

function toInt(v: unknown): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = parseInt(v, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function toUInt(v: unknown): number {
  return toInt(v) >>> 0;
}

function lookup(obj: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) {
    const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) return obj[key];
  }
  return undefined;
}

/** `"hh:mm"` (or `"-hh:mm"` offset) → minutes, clamped like the firmware. */
function parseTime(text: string): number {
  const [hoursPart, minutesPart] = text.split(':');
  if (hoursPart === undefined || hoursPart === '') return 0;
  let hoursText = hoursPart;
  let negative = false;
  if (hoursText.includes('-')) {
    negative = true;
    hoursText = hoursText.slice(1);
  }
  let hours = parseInt(hoursText, 10) || 0;
  if (negative) hours += 12;
  hours = Math.min(Math.max(hours, 0), 23);
  let minutes = minutesPart === undefined ? 0 : parseInt(minutesPart, 10) || 0;
  minutes = Math.min(Math.max(minutes, 0), 59);
  return hours * 60 + minutes;
}

/** `"--TW--S"` / `"0011001"` → day mask; `0` or `-` = off, anything else on. */
function parseDays(text: string): number {
  let mask = 0;
  for (let i = 0; i < 7 && i < text.length; i++) {
    const ch = text[i];
    if (ch !== '0' && ch !== '-') mask |= 1 << i;
  }
  return mask;
}

export class TimerTable {
  /** `Timers` flag (SetOption-like global enable); firmware default is off. */
  enabled = false;
  private readonly timers: TimerSetting[] = Array.from({ length: MAX_TIMERS }, emptyTimer);

  get(index: number): TimerSetting {
    return { ...(this.timers[index - 1] ?? emptyTimer()) };
  }

  clear(index: number): void {
    this.timers[index - 1] = emptyTimer();
  }

  copy(index: number, from: number): void {
    this.timers[index - 1] = this.get(from);
  }

  /** Apply a JSON payload; false when it is not a JSON object ("Invalid JSON"). */
  applyJson(index: number, text: string, relays: number): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return false;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return false;
    const obj = parsed as Record<string, unknown>;
    const t = this.get(index);
    const arm = lookup(obj, 'Enable', 'Arm');
    if (arm !== undefined) t.arm = toInt(arm) !== 0;
    const mode = lookup(obj, 'Mode');
    if (mode !== undefined) t.mode = toUInt(mode) & 0x03;
    const time = lookup(obj, 'Time');
    if (time !== undefined) t.time = parseTime(String(time));
    const window = lookup(obj, 'Window');
    if (window !== undefined) t.window = toUInt(window) & 0x0f;
    const days = lookup(obj, 'Days');
    if (days !== undefined) t.days = parseDays(String(days));
    const repeat = lookup(obj, 'Repeat');
    if (repeat !== undefined) t.repeat = toUInt(repeat) !== 0;
    const output = lookup(obj, 'Output');
    if (output !== undefined) {
      const device = (toUInt(output) - 1) & 0x0f;
      t.device = device < relays ? device : 0;
    }
    const action = lookup(obj, 'Action');
    if (action !== undefined) t.action = relays > 0 ? toUInt(action) & 0x03 : 3;
    this.timers[index - 1] = t;
    return true;
  }

  /** The object under `"Timer<n>"` in replies (PrepShowTimer). */
  show(index: number, relays: number): { [key: string]: JsonValue } {
    const t = this.get(index);
    let days = '';
    for (let i = 0; i < 7; i++) days += t.days & (1 << i) ? '1' : '0';
    let hours = Math.floor(t.time / 60);
    let sign = '';
    if ((t.mode === 1 || t.mode === 2) && hours > 11) {
      hours -= 12;
      sign = '-';
    }
    return {
      Enable: t.arm ? 1 : 0,
      Mode: t.mode,
      Time: `${sign}${pad2(hours)}:${pad2(t.time % 60)}`,
      Window: t.window,
      Days: days,
      Repeat: t.repeat ? 1 : 0,
      Output: relays > 0 ? t.device + 1 : undefined,
      Action: t.action,
    };
  }

  anyArmed(): boolean {
    return this.timers.some((t) => t.arm);
  }

  /**
   * The once-a-minute check at `minuteOfDay` on `weekday` (0 = Sunday).
   * One-shot timers disarm when they fire. Sunrise/sunset timers are not
   * simulated (no location), and the random Window is taken as 0.
   */
  due(minuteOfDay: number, weekday: number): TimerAction[] {
    if (!this.enabled) return [];
    const actions: TimerAction[] = [];
    this.timers.forEach((t, i) => {
      if (!t.arm || t.mode !== 0) return;
      if (t.time !== minuteOfDay || !(t.days & (1 << weekday))) return;
      t.arm = t.repeat;
      actions.push({ timer: i + 1, relay: t.device + 1, action: t.action });
    });
    return actions;
  }
}

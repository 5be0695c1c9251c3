/**
 * Relay state and availability: plain `stat/<t>/POWER[n]` words, the
 * `POWER`/`POWER<n>` keys of STATE, RESULT and StatusSTS, the LWT, and
 * command replies on RESULT. Custom state and LWT texts a device announced
 * in discovery are read from its memo.
 */
import { DecodeError } from '../../core/driver.js';
import type { DeviceEvent } from '../../core/events.js';
import { DecodeContext, isObject, show } from './context.js';
import type { DeviceMemos } from './device-memo.js';
import { parseCustomWord, parseLwtWord, parsePowerWord, relayIndex } from './payload.js';
import { decodeEnergy } from './sensor.js';

/**
 * `stat/<t>/POWER[n]` as a plain `ON`/`OFF` word. (With SetOption4 the
 * payload is `{"POWER":"ON"}` instead, which the driver decodes as RESULT.)
 */
export function decodePlainPower(
  topic: string,
  nativeId: string,
  relay: number,
  payload: Buffer,
  now: number,
  memos: DeviceMemos,
): DeviceEvent[] {
  if (relay < 0) {
    throw new DecodeError(`${topic}: relay index above 32`, topic);
  }
  const text = payload.toString('utf8').trim();
  const on = powerWord(memos, nativeId, text);
  if (on === undefined) {
    throw new DecodeError(`${topic}: not a relay state: ${show(text)}`, topic);
  }
  const ctx = new DecodeContext(topic, nativeId, now);
  ctx.seen();
  ctx.state(relay, on, now);
  return ctx.events;
}

/**
 * `tele/<t>/LWT`. An `Offline` LWT yields no `seen`: the broker speaks for
 * a device that is gone.
 */
export function decodeLwt(
  topic: string,
  nativeId: string,
  payload: Buffer,
  now: number,
  memos: DeviceMemos,
): DeviceEvent[] {
  const text = payload.toString('utf8').trim();
  let online = parseLwtWord(text);
  if (online === undefined) {
    const memo = memos.get(nativeId);
    if (memo?.onlineText !== undefined && text === memo.onlineText) online = true;
    else if (memo?.offlineText !== undefined && text === memo.offlineText) online = false;
    else throw new DecodeError(`${topic}: LWT is neither Online nor Offline: ${show(text)}`, topic);
  }
  const ctx = new DecodeContext(topic, nativeId, now);
  if (online) ctx.seen();
  ctx.availability(online);
  return ctx.events;
}

/** `stat/<t>/RESULT`: the reply to a command. */
export function decodeResult(
  ctx: DecodeContext,
  obj: Record<string, unknown>,
  memos: DeviceMemos,
): void {
  decodePowers(ctx, obj, ctx.now, false, memos);
  for (const key in obj) {
    if (key.startsWith('PulseTime')) pulseReply(memos, ctx.nativeId, key, obj[key]);
    else if (key === 'EnergyTotal' || key === 'EnergyToday' || key === 'EnergyYesterday') {
      // Reply to setting a counter: {"EnergyTotal":{"Total":…,"Yesterday":…,"Today":…}}
      // in kWh. The new counters are the evidence of a deliberate reset.
      decodeEnergy(ctx, obj[key], ctx.now);
    }
  }
  // {"Command":"Unknown"} / {"Command":"Error"} and replies to other
  // commands (Timer<n>, Timers, …) carry nothing for the canonical model:
  // they yield only `seen`.
}

/**
 * Relay states from POWER / POWER<n> keys. `complete` when the object
 * lists every relay (STATE, StatusSTS): then it also tells the relay count,
 * which decides how relay 1 is commanded (see encode-command.ts).
 */
export function decodePowers(
  ctx: DecodeContext,
  obj: Record<string, unknown>,
  ts: number,
  complete: boolean,
  memos: DeviceMemos,
): void {
  let highest = 0;
  for (const key in obj) {
    const relay = relayIndex(key);
    if (relay === 0) continue;
    const v = obj[key];
    if (relay < 0) {
      ctx.reject(`${key}: relay index above 32`);
      continue;
    }
    const on =
      typeof v === 'string'
        ? powerWord(memos, ctx.nativeId, v)
        : typeof v === 'boolean'
          ? v
          : v === 1 || v === 0
            ? v === 1
            : undefined;
    if (on === undefined) {
      ctx.reject(`${key}: not a relay state: ${show(v)}`);
      continue;
    }
    ctx.state(relay, on, ts);
    if (relay > highest) highest = relay;
  }
  if (complete && highest > 0) {
    ctx.info({ relayCount: highest });
    memos.of(ctx.nativeId).relayCount = highest;
  }
}

/** A relay state word: the standard ones, else the device's own StateText1/2. */
function powerWord(memos: DeviceMemos, nativeId: string, text: string): boolean | undefined {
  const on = parsePowerWord(text);
  if (on !== undefined) return on;
  const memo = memos.get(nativeId);
  if (memo?.onText === undefined || memo.offText === undefined) return undefined;
  return parseCustomWord(text, memo.onText, memo.offText);
}

/** `{"PulseTime1":{"Set":0,…}}`: a countdown we armed has been cleared. */
function pulseReply(memos: DeviceMemos, nativeId: string, key: string, value: unknown): void {
  const memo = memos.get(nativeId);
  if (memo === undefined || memo.pulseArmed === 0 || !isObject(value)) return;
  const set = value.Set;
  if (key.length === 9 && Array.isArray(set)) {
    // Bare `PulseTime`: all values, relay 1 first.
    for (let i = 0; i < set.length && i < 32; i++) {
      if (set[i] === 0) memo.pulseArmed &= ~(1 << i);
    }
    return;
  }
  const relay = key.length === 9 ? 1 : Number(key.slice(9));
  if (set === 0 && Number.isInteger(relay) && relay >= 1 && relay <= 32) {
    memo.pulseArmed &= ~(1 << (relay - 1));
  }
}

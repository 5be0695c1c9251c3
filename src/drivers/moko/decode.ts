/**
 * Decoders for what a Moko V1 plug publishes (spec §3.2), one per function
 * field. Each gets the parsed JSON object and adds events to a
 * {@link MokoMessage}. A field of the wrong type or out of range is rejected
 * by name while the good fields are kept; a message with nothing usable left
 * throws DecodeError.
 */
import { DecodeError } from '../../core/driver.js';
import type { DeviceEvent, DeviceInfo } from '../../core/events.js';
import type { MokoMemo } from './memo.js';
import { intIn, OTA_RESULTS } from './protocol.js';
import { colonMac, nativeIdOfMac } from './topics.js';

/** A countdown report older than this while the plug talks means it was cancelled silently. */
const COUNTDOWN_REPORT_GAP_MS = 2500;

/** Physically plausible bounds for a household plug (0.1 V, mA, W as sent). */
const ELECTRICITY = {
  voltage: { metric: 'voltage', scale: 0.1, max: 5000 },
  current: { metric: 'current', scale: 0.001, max: 100_000 },
  power: { metric: 'power', scale: 1, max: 25_000 },
} as const;

/** The events of one message from one plug, and the fields it had to drop. */
export class MokoMessage {
  readonly events: DeviceEvent[] = [];
  private facts = 0;
  private readonly rejected: string[] = [];

  constructor(
    readonly topic: string,
    readonly nativeId: string,
    readonly now: number,
  ) {}

  seen(): void {
    this.events.push({ protocol: 'moko', nativeId: this.nativeId, kind: 'seen', ts: this.now });
  }

  state(on: boolean): void {
    this.fact({ kind: 'state', relay: 1, on });
  }

  countdown(seconds: number, state: 'on' | 'off'): void {
    this.fact({ kind: 'countdown', relay: 1, seconds, state });
  }

  info(info: DeviceInfo): void {
    this.fact({ kind: 'info', info });
  }

  reading(metric: string, value: number): void {
    this.fact({ kind: 'reading', metric, value });
  }

  removed(reason: string): void {
    this.fact({ kind: 'removed', reason });
  }

  private fact(
    e:
      | { kind: 'state'; relay: number; on: boolean }
      | { kind: 'countdown'; relay: number; seconds: number; state: 'on' | 'off' }
      | { kind: 'info'; info: DeviceInfo }
      | { kind: 'reading'; metric: string; value: number }
      | { kind: 'removed'; reason: string },
  ): void {
    this.facts++;
    this.events.push({ protocol: 'moko', nativeId: this.nativeId, ts: this.now, ...e });
  }

  reject(why: string): void {
    this.rejected.push(why);
  }

  /** The events, with one `rejected` naming dropped fields; throws when nothing usable is left. */
  finish(): DeviceEvent[] {
    if (this.rejected.length === 0) return this.events;
    const reason = `${this.topic}: ${this.rejected.join('; ')}`;
    if (this.facts === 0) throw new DecodeError(reason, this.topic);
    this.events.push({
      protocol: 'moko',
      nativeId: this.nativeId,
      kind: 'rejected',
      reason,
      ts: this.now,
    });
    return this.events;
  }
}

export function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** The payload as a JSON object, or DecodeError. */
export function parseObject(topic: string, payload: Buffer): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new DecodeError(
      `${topic}: payload is not JSON: ${show(payload.toString('utf8'))}`,
      topic,
    );
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DecodeError(`${topic}: payload is not a JSON object: ${show(v)}`, topic);
  return v as Record<string, unknown>;
}

/** "on"/"off" as the plug writes them (the spec's table shows " on": spaces and case are forgiven). */
function switchWord(v: unknown): boolean | undefined {
  if (typeof v !== 'string') return undefined;
  const w = v.trim().toLowerCase();
  return w === 'on' ? true : w === 'off' ? false : undefined;
}

/** switch_state: relay 1; a change or a long pause in countdown reports ends a countdown we knew of. */
export function decodeSwitchState(
  m: MokoMessage,
  obj: Record<string, unknown>,
  memo: MokoMemo,
): void {
  const on = switchWord(obj.switch_state);
  if (on === undefined) {
    throw new DecodeError(
      `${m.topic}: switch_state must be "on" or "off", got ${show(obj.switch_state)}`,
      m.topic,
    );
  }
  m.state(on);
  if (memo.countdownSeenAt !== undefined) {
    // The plug stops reporting a countdown without a word when it is cancelled
    // (switched, power cycled): a state change or missing per-second reports mean it is gone.
    const changed = memo.on !== undefined && memo.on !== on;
    if (changed || m.now - memo.countdownSeenAt > COUNTDOWN_REPORT_GAP_MS) {
      memo.countdownSeenAt = undefined;
      m.countdown(0, on ? 'off' : 'on');
    }
  }
  memo.on = on;
}

/** delay_time: seconds left of a running countdown and the state it ends in; all zero = none. */
export function decodeCountdown(
  m: MokoMessage,
  obj: Record<string, unknown>,
  memo: MokoMemo,
): void {
  const { delay_hour: h, delay_minute: min, delay_second: s } = obj;
  const state = switchWord(obj.switch_state);
  const bad: string[] = [];
  if (!intIn(h, 23)) bad.push(`delay_hour must be 0-23, got ${show(h)}`);
  if (!intIn(min, 59)) bad.push(`delay_minute must be 0-59, got ${show(min)}`);
  if (!intIn(s, 59)) bad.push(`delay_second must be 0-59, got ${show(s)}`);
  if (state === undefined)
    bad.push(`switch_state must be "on" or "off", got ${show(obj.switch_state)}`);
  if (bad.length > 0 || state === undefined)
    throw new DecodeError(`${m.topic}: ${bad.join('; ')}`, m.topic);
  const seconds = (h as number) * 3600 + (min as number) * 60 + (s as number);
  memo.countdownSeenAt = seconds > 0 ? m.now : undefined;
  m.countdown(seconds, state ? 'on' : 'off');
}

/** firmware_infor: what the plug is. */
export function decodeFirmware(m: MokoMessage, obj: Record<string, unknown>): void {
  const info: DeviceInfo = {};
  const text = (key: string): string | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    m.reject(`${key} must be a non-empty string, got ${show(v)}`);
    return undefined;
  };
  const firmware = text('firmware_version');
  const model = text('product_model');
  const mac = text('device_mac');
  text('company_name');
  text('production_date');
  if (firmware !== undefined) info.firmware = firmware;
  if (model !== undefined) info.module = model;
  if (mac !== undefined) {
    const id = nativeIdOfMac(mac);
    if (id === m.nativeId) info.mac = colonMac(id);
    else m.reject(`device_mac ${show(mac)} is not the MAC in the topic`);
  }
  if (Object.keys(info).length > 0) m.info(info);
  else m.reject('no usable firmware_version, product_model or device_mac');
}

/** ota_upgrade_state: R1 success, R2-R4 failures with their reasons. */
export function decodeOta(m: MokoMessage, obj: Record<string, unknown>): void {
  const r = obj.ota_result;
  const known = typeof r === 'string' && Object.hasOwn(OTA_RESULTS, r) ? OTA_RESULTS[r] : undefined;
  if (!known)
    throw new DecodeError(
      `${m.topic}: ota_result must be "R1", "R2", "R3" or "R4", got ${show(r)}`,
      m.topic,
    );
  const at = new Date(m.now).toISOString();
  m.info({ upgrade: { result: r as string, ok: known.ok, meaning: known.meaning, at } });
}

/** electricity_information: 0.1 V, mA and W as sent; stored as V, A and W. */
export function decodeElectricity(m: MokoMessage, obj: Record<string, unknown>): void {
  let kept = 0;
  for (const [key, f] of Object.entries(ELECTRICITY)) {
    const v = obj[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > f.max) {
      m.reject(`${key} must be a number from 0 to ${f.max}, got ${show(v)}`);
      continue;
    }
    m.reading(f.metric, roundScaled(v, f.scale));
    kept++;
  }
  if (kept === 0) m.reject('no usable voltage, current or power');
}

/** v × scale without binary noise (2205 × 0.1 is 220.5, not 220.50000000000003). */
function roundScaled(v: number, scale: number): number {
  return scale === 1 ? v : Number((v * scale).toPrecision(12));
}

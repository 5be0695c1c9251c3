import { DecodeError } from '../../core/driver.js';
import type { DeviceEvent, DeviceInfo } from '../../core/events.js';

/**
 * Collects the events of one decoded message. One small object per message;
 * its methods build events with one fixed shape per kind, so the code that
 * consumes them stays monomorphic.
 *
 * Field-level problems (a reading that is not a finite number or not
 * physically possible, a relay state that is not a state word) are collected
 * with {@link reject}: the message still yields its good fields plus one
 * `rejected` event naming the bad ones, so that the hub counts them. A
 * message whose every fact was rejected throws a {@link DecodeError} naming
 * them instead (see {@link finish}).
 */
export class DecodeContext {
  readonly events: DeviceEvent[] = [];
  /** Events other than `seen`. */
  facts = 0;
  rejected: string[] | undefined = undefined;

  constructor(
    readonly topic: string,
    /** Set late for discovery, where the id is read from the payload. */
    public nativeId: string,
    readonly now: number,
  ) {}

  seen(): void {
    this.events.push({ protocol: 'tasmota', nativeId: this.nativeId, kind: 'seen', ts: this.now });
  }

  reading(metric: string, value: number, ts: number): void {
    this.facts++;
    this.events.push({
      protocol: 'tasmota',
      nativeId: this.nativeId,
      kind: 'reading',
      metric,
      value,
      ts,
    });
  }

  state(relay: number, on: boolean, ts: number): void {
    this.facts++;
    this.events.push({
      protocol: 'tasmota',
      nativeId: this.nativeId,
      kind: 'state',
      relay,
      on,
      ts,
    });
  }

  availability(online: boolean): void {
    this.facts++;
    this.events.push({
      protocol: 'tasmota',
      nativeId: this.nativeId,
      kind: 'availability',
      online,
      ts: this.now,
    });
  }

  info(info: DeviceInfo): void {
    this.facts++;
    this.events.push({
      protocol: 'tasmota',
      nativeId: this.nativeId,
      kind: 'info',
      info,
      ts: this.now,
    });
  }

  reject(reason: string): void {
    if (this.rejected === undefined) this.rejected = [reason];
    else this.rejected.push(reason);
  }

  /** A message-level failure: nothing of the message can be used. */
  fail(reason: string): never {
    throw new DecodeError(`${this.topic}: ${reason}`, this.topic);
  }

  /**
   * The events. When fields were rejected: a DecodeError if nothing else was
   * learned from the message, else the good events plus one `rejected`
   * event listing the bad fields (`<topic>: <field>: <why>; …`).
   */
  finish(): DeviceEvent[] {
    const rejected = this.rejected;
    if (rejected !== undefined) {
      if (this.facts === 0) this.fail(rejected.join('; '));
      this.events.push({
        protocol: 'tasmota',
        nativeId: this.nativeId,
        kind: 'rejected',
        reason: `${this.topic}: ${rejected.join('; ')}`,
        ts: this.now,
      });
    }
    return this.events;
  }
}

/** A short description of a JSON value's type for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An optional string field: empty reads as absent, other types are rejected under `label`. */
export function optionalString(ctx: DecodeContext, label: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  ctx.reject(`${label}: expected a string, got ${typeName(v)}`);
  return undefined;
}

/** A value for an error message, cut short. */
export function show(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * The payload as JSON, with one parse. Some firmware builds print a float
 * that is not a number as a bare `nan`/`inf`, which is not JSON: only when
 * the first parse fails, such values are read as null (and then rejected
 * field by field) before giving up on the message.
 */
export function parseJson(topic: string, payload: Buffer): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const repaired = text.replace(/([:,[]\s*)[-+]?(?:nan|inf|infinity)(?=\s*[,}\]])/gi, '$1null');
    if (repaired !== text) {
      try {
        return JSON.parse(repaired) as unknown;
      } catch {
        // fall through: report the original error
      }
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new DecodeError(`${topic}: malformed JSON: ${why}`, topic);
  }
}

/** Parses a payload that must be a JSON object. */
export function parseObject(topic: string, payload: Buffer): Record<string, unknown> {
  const v = parseJson(topic, payload);
  if (!isObject(v))
    throw new DecodeError(`${topic}: expected a JSON object, got ${typeName(v)}`, topic);
  return v;
}

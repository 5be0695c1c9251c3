import type { DeviceEvent } from '../../../src/core/events.js';
import { TasmotaDriver, type TasmotaDriverOptions } from '../../../src/drivers/tasmota/driver.js';

/** A fixed receive time: 2024-06-01T12:00:00Z. */
export const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

export function driver(opts?: TasmotaDriverOptions): {
  d: TasmotaDriver;
  decode: (topic: string, payload: string, now?: number) => DeviceEvent[];
} {
  const d = new TasmotaDriver(opts);
  return { d, decode: (topic, payload, now = NOW) => d.decode(topic, Buffer.from(payload), now) };
}

export function seen(nativeId: string, ts = NOW): DeviceEvent {
  return { protocol: 'tasmota', nativeId, kind: 'seen', ts };
}

export function state(nativeId: string, relay: number, on: boolean, ts = NOW): DeviceEvent {
  return { protocol: 'tasmota', nativeId, kind: 'state', relay, on, ts };
}

export function reading(nativeId: string, metric: string, value: number, ts = NOW): DeviceEvent {
  return { protocol: 'tasmota', nativeId, kind: 'reading', metric, value, ts };
}

/** The event a message yields when some of its fields were rejected and the rest kept. */
export function rejected(nativeId: string, reason: string, ts = NOW): DeviceEvent {
  return { protocol: 'tasmota', nativeId, kind: 'rejected', reason, ts };
}

/** Readings as metric → value, to compare a whole message at once. */
export function readings(events: DeviceEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) if (e.kind === 'reading') out[e.metric] = e.value;
  return out;
}

export function ofKind<K extends DeviceEvent['kind']>(
  events: DeviceEvent[],
  kind: K,
): Extract<DeviceEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<DeviceEvent, { kind: K }> => e.kind === kind);
}

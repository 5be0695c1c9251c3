import type { DeviceEvent } from '../../../src/core/events.js';
import { MokoDriver } from '../../../src/drivers/moko/driver.js';

/** A fixed receive time: 2026-11-22T12:00:00Z. */
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
/** The spec's plug: iot_plug/plug_one/us/11:22:33:44:55:66. */
export const BASE = 'iot_plug/plug_one/us/11:22:33:44:55:66/';
export const ID = '112233445566';

export function driver(): {
  d: MokoDriver;
  /** Decode `payload` on `device/<field>` of the spec's plug. */
  decode: (field: string, payload: string, now?: number) => DeviceEvent[];
} {
  const d = new MokoDriver();
  return {
    d,
    decode: (field, payload, now = NOW) =>
      d.decode(`${BASE}device/${field}`, Buffer.from(payload), now),
  };
}

/** A driver that has heard the plug once (its identity info is out of the way). */
export function heardDriver(on = false): ReturnType<typeof driver> {
  const dr = driver();
  dr.decode('switch_state', JSON.stringify({ switch_state: on ? 'on' : 'off' }), NOW - 60_000);
  return dr;
}

export function ev(kind: string, fields: Record<string, unknown>, ts = NOW): DeviceEvent {
  return { protocol: 'moko', nativeId: ID, kind, ...fields, ts } as DeviceEvent;
}

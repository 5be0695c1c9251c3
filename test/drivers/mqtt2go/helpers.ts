import type { DeviceEvent } from '../../../src/core/events.js';
import { HubError } from '../../../src/core/errors.js';
import { Mqtt2goDriver, type Mqtt2goDriverOptions } from '../../../src/drivers/mqtt2go/driver.js';

/** A fixed receive time: 2024-06-01T12:00:00Z. */
export const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
/** The spec's example timestamp (Unix seconds) in ms. */
export const SPEC_TS = 1567677956_000;

export function driver(opts?: Mqtt2goDriverOptions): {
  d: Mqtt2goDriver;
  decode: (topic: string, payload: unknown, now?: number) => DeviceEvent[];
} {
  const d = new Mqtt2goDriver({ clock: () => NOW, ...opts });
  return {
    d,
    decode: (topic, payload, now = NOW) =>
      d.decode(
        topic,
        Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
        now,
      ),
  };
}

/** Events other than `seen`, which every device message yields. */
export function facts(events: DeviceEvent[]): DeviceEvent[] {
  return events.filter((e) => e.kind !== 'seen');
}

export function hubError(fn: () => unknown): HubError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

import type { DeviceState } from './device.js';

/** Used when a protocol has no silence limit configured. */
export const DEFAULT_SILENCE_MS = 15 * 60_000;

/**
 * How long a device may stay silent before it counts as unavailable. With a
 * heartbeat: the protocol's limit, or three of its own report periods when it
 * reports less often than that. Without one (`periods` set): that many of its
 * observed report periods, the protocol's limit until a period is known.
 * With a fixed heartbeat (`heartbeat`): exactly the protocol's limit.
 */
export function silenceLimit(
  dev: DeviceState,
  protocolLimitMs: number | undefined,
  periods?: number,
  heartbeat = false,
): number {
  // A convention with a fixed heartbeat (Moko: switch_state every 30 s) has a
  // fixed limit: its other reports say nothing about when the next beat comes.
  if (heartbeat && protocolLimitMs !== undefined) return protocolLimitMs;
  if (periods !== undefined && dev.reportIntervalMs > 0) return periods * dev.reportIntervalMs;
  return Math.max(protocolLimitMs ?? DEFAULT_SILENCE_MS, 3 * dev.reportIntervalMs);
}

/**
 * Learn a device's report period from the gap since it was last heard.
 * Bursts (under 1 s) say nothing about the period, and neither does a gap
 * that spans an outage (the device was not online, or the gap is beyond the
 * silence limit): those would stretch the limit for hours afterwards.
 */
export function observeReport(dev: DeviceState, ts: number, limitMs: number): void {
  const gap = ts - dev.lastSeen;
  if (gap >= 1000 && dev.availability === 'online' && gap <= limitMs) {
    dev.reportIntervalMs =
      dev.reportIntervalMs === 0 ? gap : dev.reportIntervalMs * 0.7 + gap * 0.3;
  }
  if (ts > dev.lastSeen) dev.lastSeen = ts;
}

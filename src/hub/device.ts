import type { DeviceInfo, Protocol } from '../core/events.js';
import { gridOf, type GridPlace } from '../core/device-id.js';
import { unitOf } from '../core/metrics.js';

export type Availability = 'online' | 'offline' | 'unknown';

/** The hub's live record of one device. Only the hub mutates it. */
export interface DeviceState {
  id: string;
  protocol: Protocol;
  nativeId: string;
  info: DeviceInfo;
  /** relay index (1-based) -> on. */
  relays: Map<number, boolean>;
  readings: Map<string, { value: number; ts: number; priority?: number }>;
  /** relay -> countdown running on the device (ends at epoch ms, then state). */
  countdowns: Map<number, { endsAt: number; state: 'on' | 'off' }>;
  /** Set when the device left the fleet (factory reset); history is kept. */
  removed?: { reason: string; ts: number };
  availability: Availability;
  availabilityReason: string;
  availabilitySince: number;
  firstSeen: number;
  lastSeen: number;
  /** Smoothed gap between messages (ms), for silence detection. */
  reportIntervalMs: number;
}

export interface DeviceSnapshot {
  id: string;
  protocol: Protocol;
  nativeId: string;
  info: DeviceInfo;
  relays: { relay: number; state: 'on' | 'off' }[];
  readings: Record<string, { value: number; unit: string; ts: string; priority?: number }>;
  countdowns: { relay: number; state: 'on' | 'off'; endsAt: string }[];
  removed?: { reason: string; ts: string };
  /** Place in the IoToad grid, when the id is a grid id (sp_w.r1.c2). */
  grid?: GridPlace;
  availability: Availability;
  availabilityReason: string;
  availabilitySince: string;
  lastSeen: string;
  firstSeen: string;
}

export function newDevice(
  id: string,
  protocol: Protocol,
  nativeId: string,
  now: number,
): DeviceState {
  return {
    id,
    protocol,
    nativeId,
    info: {},
    relays: new Map(),
    readings: new Map(),
    countdowns: new Map(),
    availability: 'unknown',
    availabilityReason: 'not heard from yet',
    availabilitySince: now,
    firstSeen: now,
    lastSeen: now,
    reportIntervalMs: 0,
  };
}

export function snapshot(d: DeviceState): DeviceSnapshot {
  const readings: DeviceSnapshot['readings'] = {};
  for (const [metric, r] of [...d.readings].sort(([a], [b]) => a.localeCompare(b))) {
    readings[metric] = { value: r.value, unit: unitOf(metric), ts: new Date(r.ts).toISOString() };
    if (r.priority !== undefined) readings[metric].priority = r.priority;
  }
  const grid = gridOf(d.id);
  return {
    id: d.id,
    protocol: d.protocol,
    ...(grid && { grid }),
    nativeId: d.nativeId,
    info: { ...d.info },
    relays: [...d.relays]
      .sort(([a], [b]) => a - b)
      .map(([relay, on]) => ({ relay, state: on ? 'on' : 'off' })),
    readings,
    countdowns: [...d.countdowns]
      .sort(([a], [b]) => a - b)
      .map(([relay, c]) => ({ relay, state: c.state, endsAt: new Date(c.endsAt).toISOString() })),
    ...(d.removed && {
      removed: { reason: d.removed.reason, ts: new Date(d.removed.ts).toISOString() },
    }),
    availability: d.availability,
    availabilityReason: d.availabilityReason,
    availabilitySince: new Date(d.availabilitySince).toISOString(),
    lastSeen: new Date(d.lastSeen).toISOString(),
    firstSeen: new Date(d.firstSeen).toISOString(),
  };
}

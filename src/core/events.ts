import type { Metric } from './metrics.js';

/** The protocols (device conventions) the hub speaks; senml: readings other collectors publish. */
export type Protocol = 'tasmota' | 'moko' | 'mqtt2go' | 'dsmr' | 'senml';

/** Identity of a device as its own convention names it. */
export interface NativeRef {
  readonly protocol: Protocol;
  /** The convention's own id: Tasmota Topic, Moko MAC, MQTT2GO dev_id. */
  readonly nativeId: string;
}

/** What a device tells about itself, when known. All optional. */
export interface DeviceInfo {
  mac?: string;
  hostname?: string;
  firmware?: string;
  module?: string;
  ip?: string;
  name?: string;
  /** Number of relays the device reports (POWER1..POWERn). */
  relayCount?: number;
  /** Meters: who made it (DSMR: from the header's three-letter code). */
  manufacturer?: string;
  /** Meters: the model or kind (DSMR: the telegram header; M-Bus: gas, water, heat meter). */
  model?: string;
  /** DSMR P1 version the meter speaks (`5.0`, `4.2`, `2.2/3`; e-MUCS for Belgium). */
  dsmrVersion?: string;
  /** The outcome of the last firmware upgrade the device reported (Moko ota_upgrade_state). */
  upgrade?: UpgradeOutcome;
}

export interface UpgradeOutcome {
  /** The device's own result code (Moko R1..R4). */
  result: string;
  ok: boolean;
  /** What the code means, in words. */
  meaning: string;
  /** When it was reported (ISO 8601). */
  at: string;
}

export interface StateEvent extends NativeRef {
  readonly kind: 'state';
  /** 1-based relay index. */
  readonly relay: number;
  readonly on: boolean;
  readonly ts: number;
}

export interface ReadingEvent extends NativeRef {
  readonly kind: 'reading';
  readonly metric: Metric;
  readonly value: number;
  /** Epoch milliseconds. */
  readonly ts: number;
  /** The sender's priority for this reading (MQTT2GO priority_level), kept beside it. */
  readonly priority?: number;
}

/**
 * A countdown runs on the device: in `seconds` the relay switches to
 * `state`. seconds 0 means no countdown runs (expired or cancelled).
 */
export interface CountdownEvent extends NativeRef {
  readonly kind: 'countdown';
  readonly relay: number;
  readonly seconds: number;
  readonly state: 'on' | 'off';
  readonly ts: number;
}

/**
 * The device left the fleet (Moko delete_device after a factory reset): the
 * hub marks it removed and keeps its history.
 */
export interface RemovedEvent extends NativeRef {
  readonly kind: 'removed';
  readonly reason: string;
  readonly ts: number;
}

export interface AvailabilityEvent extends NativeRef {
  readonly kind: 'availability';
  readonly online: boolean;
  readonly ts: number;
}

export interface InfoEvent extends NativeRef {
  readonly kind: 'info';
  readonly info: DeviceInfo;
  readonly ts: number;
}

/** A device was seen (any message at all): refreshes last-seen. */
export interface SeenEvent extends NativeRef {
  readonly kind: 'seen';
  readonly ts: number;
}

/**
 * The driver learned a topic layout it must listen to (Tasmota discovery
 * with a custom FullTopic). Not a device fact: the hub forwards it to the bus.
 */
export interface SubscribeEvent {
  readonly kind: 'subscribe';
  readonly filters: readonly string[];
}

/**
 * Part of a message was unusable (a field of the wrong type, a value out of
 * range) while the rest was kept. The hub counts it like a rejected message.
 */
export interface RejectedEvent extends NativeRef {
  readonly kind: 'rejected';
  readonly reason: string;
  readonly ts: number;
}

export type DeviceEvent =
  | StateEvent
  | ReadingEvent
  | CountdownEvent
  | RemovedEvent
  | AvailabilityEvent
  | InfoEvent
  | SeenEvent
  | SubscribeEvent
  | RejectedEvent;

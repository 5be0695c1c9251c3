import type { DeviceInfo, Protocol } from '../core/events.js';

/** A device as the store keeps it across restarts. */
export interface StoredDevice {
  id: string;
  protocol: Protocol;
  nativeId: string;
  info: DeviceInfo;
  firstSeen: number;
  lastSeen: number;
}

export interface Point {
  ts: number;
  value: number;
}

export interface StoreStats {
  rowsWritten: number;
  batches: number;
  /** Rows accepted but not yet written. */
  pending: number;
  /** Rows lost because the transaction that carried them failed. */
  writeErrors: number;
  sizeBytes: number;
  path: string;
}

/**
 * The time-series store. Writes are queued and committed in batched
 * transactions, never one per message; reads see only committed rows, so
 * callers that need the newest rows call flush() first.
 */
export interface Store {
  append(deviceId: string, metric: string, ts: number, value: number): void;
  flush(): void;
  upsertDevice(device: StoredDevice): void;
  devices(): StoredDevice[];
  /** Give a device a new id, its history included; throws when newId is taken. */
  renameDevice(oldId: string, newId: string): void;
  range(deviceId: string, metric: string, from: number, to: number): Point[];
  metrics(deviceId: string): string[];
  stats(): StoreStats;
  close(): void;
}

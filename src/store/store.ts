import type { DeviceInfo, Protocol } from '../core/events.js';
import type { Partial } from './query/partial.js';

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

export type RollupLevel = 'minute' | 'hour';
export type SummaryLevel = RollupLevel | 'raw';
export type SummaryFields = 'moments' | 'all';

/** One series: a device's metric. */
export interface SeriesKey {
  deviceId: string;
  metric: string;
}

/** The summary of one series over one minute or hour; `bucket` is its start (epoch ms). */
export interface RollupRow extends Partial {
  bucket: number;
}

/** Thrown by renameDevice when the rename cannot be done; `reason` says why. */
export class RenameError extends Error {
  constructor(
    readonly reason: 'unknown-device' | 'id-taken',
    message: string,
  ) {
    super(message);
    this.name = 'RenameError';
  }
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
  /** Points with from <= ts < to, in time order. */
  range(deviceId: string, metric: string, from: number, to: number): Point[];
  /** Rollups of the buckets that start in [from, to), in time order. */
  rollups(
    deviceId: string,
    metric: string,
    level: RollupLevel,
    from: number,
    to: number,
  ): RollupRow[];
  /**
   * For each series, the span [from, to) of one level folded into one
   * partial (buckets that start in it for rollups, points for 'raw'), as
   * merging rollups() or range() in time order would give; undefined where
   * the span holds no points. Lets a database fold where the rows are, for
   * all the series of a query at once. With fields 'moments' only count,
   * sum, sumSq, min and max are computed (the rest are NaN): all that COUNT,
   * SUM, MEAN, SPREAD and STDDEV need.
   */
  summaries(
    series: readonly SeriesKey[],
    level: SummaryLevel,
    from: number,
    to: number,
    fields: SummaryFields,
  ): (Partial | undefined)[];
  /** Times of the series' first and last stored points; undefined when it has none. */
  extent(deviceId: string, metric: string): { first: number; last: number } | undefined;
  metrics(deviceId: string): string[];
  /**
   * Gives a device and its whole history a new id, in one transaction.
   * Throws RenameError when oldId is unknown or newId is already in use.
   */
  renameDevice(oldId: string, newId: string): void;
  /** Hub settings that outlive restarts (renames, hub-run timers), as strings. */
  /**
   * Forget a device: its row, and with `deleteHistory` its readings and
   * rollups too. Without it the history stays queryable under the id.
   * Returns whether the store knew the device at all.
   */
  removeDevice(id: string, deleteHistory: boolean): boolean;
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  stats(): StoreStats;
  close(): void;
}

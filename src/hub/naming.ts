import type { NativeRef } from '../core/events.js';

/**
 * The ids the configuration gives devices (`devices:`), keyed by native id or
 * by `protocol:native id` when two conventions could share a native id.
 */
export class DeviceNames {
  private readonly byKey: ReadonlyMap<string, string>;
  private readonly pinnedIds: ReadonlySet<string>;

  constructor(names: Readonly<Record<string, string>> = {}) {
    this.byKey = new Map(Object.entries(names));
    this.pinnedIds = new Set(this.byKey.values());
  }

  /** The configured id of a device, if any. */
  of(ref: NativeRef): string | undefined {
    return this.byKey.get(`${ref.protocol}:${ref.nativeId}`) ?? this.byKey.get(ref.nativeId);
  }

  /** Whether `id` is one the configuration hands out. */
  isConfigured(id: string): boolean {
    return this.pinnedIds.has(id);
  }
}

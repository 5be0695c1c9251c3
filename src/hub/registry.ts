import type { NativeRef, Protocol } from '../core/events.js';
import { newDevice, type DeviceState } from './device.js';

/** Every device the hub knows, by hub id and by its native identity. */
export class Registry {
  private readonly byId = new Map<string, DeviceState>();
  /** protocol -> nativeId -> device */
  private readonly byNative = new Map<Protocol, Map<string, DeviceState>>();

  get(id: string): DeviceState | undefined {
    return this.byId.get(id);
  }

  find(ref: NativeRef): DeviceState | undefined {
    return this.byNative.get(ref.protocol)?.get(ref.nativeId);
  }

  add(protocol: Protocol, nativeId: string, ts: number, id = nativeId): DeviceState {
    const dev = newDevice(id, protocol, nativeId, ts);
    this.byId.set(id, dev);
    let m = this.byNative.get(protocol);
    if (!m) {
      m = new Map();
      this.byNative.set(protocol, m);
    }
    m.set(nativeId, dev);
    return dev;
  }

  /** Move a device to a new id (the caller checked it is free). */
  rename(dev: DeviceState, newId: string): void {
    this.byId.delete(dev.id);
    dev.id = newId;
    this.byId.set(newId, dev);
  }

  remove(dev: DeviceState): void {
    this.byId.delete(dev.id);
    this.byNative.get(dev.protocol)?.delete(dev.nativeId);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<DeviceState> {
    return this.byId.values();
  }
}

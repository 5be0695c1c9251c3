/**
 * What the Tasmota driver learns from devices and must remember between
 * messages: relay counts, custom state texts, countdowns it armed, learned
 * topic bases, fallback topic ids. Kept per driver instance (the driver is a
 * pure codec apart from this), never at module level, so two drivers never
 * share knowledge.
 */
import { defaultFallbackId, isDefaultFallbackId } from './discovery.js';

/** What the driver remembers about one device. */
export class DeviceMemo {
  relayCount: number | undefined = undefined;
  /** Custom StateText1/2 (discovery `state`), when not OFF/ON. */
  onText: string | undefined = undefined;
  offText: string | undefined = undefined;
  /** Custom LWT texts (discovery `onln`/`ofln`), when not Online/Offline. */
  onlineText: string | undefined = undefined;
  offlineText: string | undefined = undefined;
  /** Command topic base when the device's FullTopic is not the default. */
  cmndBase: string | undefined = undefined;
  /** Topic bases registered in the route table for this device. */
  bases: string[] = [];
  /** The subscribe filters last announced, to announce only changes. */
  filtersKey = '';
  /** Bit r-1 set: we armed PulseTime<r> for a countdown and have not seen it cleared. */
  pulseArmed = 0;
}

/**
 * The memos of one driver by Tasmota Topic (nativeId), which Topic each MAC
 * has, and which Topic each fallback topic id (`<MqttClient>_fb`) stands for.
 */
export class DeviceMemos {
  private readonly byId = new Map<string, DeviceMemo>();
  private readonly byMac = new Map<string, string>();
  private readonly byFallback = new Map<string, string>();

  /** The memo of `id`, if anything was learned about it. */
  get(id: string): DeviceMemo | undefined {
    return this.byId.get(id);
  }

  /** The memo of `id`, created empty on first use. */
  of(id: string): DeviceMemo {
    let memo = this.byId.get(id);
    if (memo === undefined) {
      memo = new DeviceMemo();
      this.byId.set(id, memo);
    }
    return memo;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  /**
   * Records that the device with MAC `macHex` now has Topic `id`. Returns
   * the Topic it had before when that differs: the device was renamed, and
   * what was learned under the old name is void.
   */
  claimMac(macHex: string, id: string): string | undefined {
    const previous = this.byMac.get(macHex);
    this.byMac.set(macHex, id);
    this.byFallback.set(defaultFallbackId(macHex), id);
    if (previous === undefined || previous === id) return undefined;
    // Fallback ids learned under the old name (a custom MqttClient) follow the device.
    for (const [fb, owner] of this.byFallback) if (owner === previous) this.byFallback.set(fb, id);
    return previous;
  }

  /**
   * Records that replies on the fallback topic id `fallbackId`
   * (`stat/<fallbackId>/…`) are from device `id`. Learned from a MAC
   * (STATUS5), INFO1 `FallbackTopic` or STATUS6 `MqttClient`.
   */
  learnFallback(fallbackId: string, id: string): void {
    if (fallbackId !== id) this.byFallback.set(fallbackId, id);
  }

  /** The Topic of the device whose fallback topic id is `fallbackId`, if known. */
  fallbackOwner(fallbackId: string): string | undefined {
    const owner = this.byFallback.get(fallbackId);
    if (owner !== undefined || !isDefaultFallbackId(fallbackId)) return owner;
    return this.byFallback.get(`DVES_${fallbackId.slice(5, 11).toUpperCase()}_fb`);
  }
}

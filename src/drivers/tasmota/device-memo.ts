/**
 * What the Tasmota driver learns from devices and must remember between
 * messages: relay counts, custom state texts, countdowns it armed, learned
 * topic bases. Kept per driver instance (the driver is a pure codec apart
 * from this), never at module level, so two drivers never share knowledge.
 */

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

/** The memos of one driver by Tasmota Topic (nativeId), and which Topic each MAC has. */
export class DeviceMemos {
  private readonly byId = new Map<string, DeviceMemo>();
  private readonly byMac = new Map<string, string>();

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
    return previous !== undefined && previous !== id ? previous : undefined;
  }
}

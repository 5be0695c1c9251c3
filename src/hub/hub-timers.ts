import { nextDaily } from './schedule.js';

/** Something the hub does itself at a time, for devices that cannot. */
export interface HubTimerAction {
  id: string;
  relay: number;
  state: 'on' | 'off';
}

export interface HubTimersOptions {
  /** Switch a device; failures are the caller's to log. */
  fire(action: HubTimerAction): Promise<void>;
  now: () => number;
}

interface Pending {
  handle: NodeJS.Timeout;
  /** Our own copy: rename() moves it to the device's new id in place. */
  action: HubTimerAction;
  /** The relay (countdowns) or the slot (daily timers) the entry is keyed by. */
  n: number;
}

/** Entries are keyed by device and relay (countdowns) or slot (daily timers). */
const keyOf = (id: string, n: number): string => `${id}\u0000${n}`;

/**
 * Countdowns and daily timers the hub runs for devices without their own
 * (MQTT2GO countdowns, Moko timers, a Tasmota countdown to on). A new
 * countdown for a relay replaces the old one; switching the relay cancels it.
 */
export class HubTimers {
  private readonly countdowns = new Map<string, Pending>();
  private readonly dailies = new Map<string, Pending & { time: string }>();

  constructor(private readonly opts: HubTimersOptions) {}

  /** Returns when the countdown ends (epoch ms). */
  countdown(wanted: HubTimerAction, seconds: number): number {
    const action = { ...wanted };
    this.cancelCountdown(action.id, action.relay);
    const handle = setTimeout(() => {
      this.countdowns.delete(keyOf(action.id, action.relay));
      void this.opts.fire(action);
    }, seconds * 1000);
    handle.unref();
    this.countdowns.set(keyOf(action.id, action.relay), { handle, action, n: action.relay });
    return this.opts.now() + seconds * 1000;
  }

  /** Whether the hub runs a countdown for this relay. */
  hasCountdown(id: string, relay: number): boolean {
    return this.countdowns.has(keyOf(id, relay));
  }

  cancelCountdown(id: string, relay: number): boolean {
    const p = this.countdowns.get(keyOf(id, relay));
    if (!p) return false;
    clearTimeout(p.handle);
    this.countdowns.delete(keyOf(id, relay));
    return true;
  }

  /** A daily timer in `slot`; disabled removes it. Returns when it next fires. */
  daily(wanted: HubTimerAction, slot: number, time: string, enabled: boolean): number | undefined {
    const action = { ...wanted };
    const old = this.dailies.get(keyOf(action.id, slot));
    if (old) clearTimeout(old.handle);
    this.dailies.delete(keyOf(action.id, slot));
    if (!enabled) return undefined;
    const arm = (): number => {
      const at = nextDaily(time, this.opts.now());
      const handle = setTimeout(
        () => {
          void this.opts.fire(action);
          arm();
        },
        Math.max(0, at - this.opts.now()),
      );
      handle.unref();
      this.dailies.set(keyOf(action.id, slot), { handle, action, n: slot, time });
      return at;
    };
    return arm();
  }

  /** The daily timers, to be kept across restarts. */
  dailyList(): (HubTimerAction & { slot: number; time: string })[] {
    return [...this.dailies.values()].map((p) => ({ ...p.action, slot: p.n, time: p.time }));
  }

  /** Follow a rename: timers keep running for the device under its new id. */
  rename(from: string, to: string): void {
    for (const map of [this.countdowns, this.dailies] as Map<string, Pending>[]) {
      for (const [key, p] of [...map]) {
        if (p.action.id !== from) continue;
        map.delete(key);
        p.action.id = to;
        map.set(keyOf(to, p.n), p);
      }
    }
  }

  /** Cancel every countdown and daily timer of a device that left the hub. */
  forget(id: string): void {
    for (const map of [this.countdowns, this.dailies] as Map<string, Pending>[]) {
      for (const [key, p] of [...map]) {
        if (p.action.id !== id) continue;
        clearTimeout(p.handle);
        map.delete(key);
      }
    }
  }

  stop(): void {
    for (const p of [...this.countdowns.values(), ...this.dailies.values()]) clearTimeout(p.handle);
    this.countdowns.clear();
    this.dailies.clear();
  }
}

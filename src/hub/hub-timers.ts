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
  endsAt: number;
  action: HubTimerAction;
}

/**
 * Countdowns and daily timers the hub runs for devices without their own
 * (MQTT2GO countdowns, Moko timers, a Tasmota countdown to on). A new
 * countdown for a relay replaces the old one; switching the relay cancels it.
 */
export class HubTimers {
  private readonly countdowns = new Map<string, Pending>();
  private readonly dailies = new Map<string, Pending & { time: string; enabled: boolean }>();

  constructor(private readonly opts: HubTimersOptions) {}

  countdown(wanted: HubTimerAction, seconds: number): number {
    // A copy of our own: rename() moves it to the device's new id in place.
    const action = { ...wanted };
    const key = `${action.id}\u0000${action.relay}`;
    this.cancelCountdown(action.id, action.relay);
    const endsAt = this.opts.now() + seconds * 1000;
    const handle = setTimeout(() => {
      this.countdowns.delete(`${action.id}\u0000${action.relay}`);
      void this.opts.fire(action);
    }, seconds * 1000);
    handle.unref();
    this.countdowns.set(key, { handle, endsAt, action });
    return endsAt;
  }

  cancelCountdown(id: string, relay: number): boolean {
    const key = `${id}\u0000${relay}`;
    const p = this.countdowns.get(key);
    if (!p) return false;
    clearTimeout(p.handle);
    this.countdowns.delete(key);
    return true;
  }

  /** A daily timer in `slot`; disabled removes it. Returns when it next fires. */
  daily(wanted: HubTimerAction, slot: number, time: string, enabled: boolean): number | undefined {
    const action = { ...wanted };
    const key = `${action.id}\u0000${slot}`;
    const old = this.dailies.get(key);
    if (old) clearTimeout(old.handle);
    this.dailies.delete(key);
    if (!enabled) return undefined;
    const arm = (): number => {
      const k = `${action.id}\u0000${slot}`;
      const endsAt = nextDaily(time, this.opts.now());
      const handle = setTimeout(
        () => {
          void this.opts.fire(action);
          arm();
        },
        Math.max(0, endsAt - this.opts.now()),
      );
      handle.unref();
      this.dailies.set(k, { handle, endsAt, action, time, enabled });
      return endsAt;
    };
    return arm();
  }

  /** The daily timers, to be kept across restarts. */
  dailyList(): (HubTimerAction & { slot: number; time: string })[] {
    return [...this.dailies].map(([key, p]) => ({
      ...p.action,
      slot: Number(key.split('\u0000')[1]),
      time: p.time,
    }));
  }

  /** Follow a rename: timers keep running for the device under its new id. */
  rename(from: string, to: string): void {
    for (const map of [this.countdowns, this.dailies] as Map<string, Pending>[]) {
      for (const [key, p] of [...map]) {
        if (p.action.id !== from) continue;
        map.delete(key);
        (p.action as { id: string }).id = to;
        map.set(`${to}\u0000${key.split('\u0000')[1]}`, p);
      }
    }
  }

  stop(): void {
    for (const p of [...this.countdowns.values(), ...this.dailies.values()]) clearTimeout(p.handle);
    this.countdowns.clear();
    this.dailies.clear();
  }
}

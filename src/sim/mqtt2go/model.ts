/**
 * What a simulated MQTT2GO socket is, without any MQTT: its relay, its
 * cumulative energy counter (Ws, like the POW R2's CSE7766), and its daily
 * set_timer actions. Time is always passed in, so tests drive it.
 */

export type OnOff = 'on' | 'off';

/** The firmware's NTP clock gives seconds; a socket without it counts from 1970. */
export interface Readings {
  power: number;
  voltage: number;
  current: number;
  /** Cumulative energy since the last reset, Ws. */
  consumptionWs: number;
}

/** Seconds since local midnight of epoch ms `t`: timers run on the socket's local time. */
function secondsOfDay(t: number): number {
  const d = new Date(t);
  return d.getHours() * 3600 + d.getMinutes() * 60 + d.getSeconds();
}

/** `hh:mm:ss` → seconds of day, or undefined when it is not a time of day. */
export function parseTimeOfDay(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  return h < 24 && min < 60 && s < 60 ? h * 3600 + min * 60 + s : undefined;
}

/** Did the time of day `at` pass in (from, to]? A gap of a day or more passes every time. */
function passed(at: number, from: number, to: number): boolean {
  if (to <= from) return false;
  if (to - from >= 86_400_000) return true;
  const a = secondsOfDay(from);
  const b = secondsOfDay(to);
  return b >= a ? at > a && at <= b : at > a || at <= b;
}

export class SocketModel {
  on: boolean;
  consumptionWs = 0;
  /** Daily actions: seconds of day → state. One action per time, a later set_timer replaces it. */
  readonly timers = new Map<number, OnOff>();
  private lastAdvance: number;

  constructor(
    readonly loadWatts: number,
    readonly voltage: number,
    powerOn: boolean,
    now: number,
  ) {
    this.on = powerOn;
    this.lastAdvance = now;
  }

  /**
   * Integrate energy up to `now` and run the timers whose time passed,
   * in time order; returns the states they set. Timers do not run without
   * a valid clock (`timersRun` false), like the firmware without NTP.
   */
  advance(now: number, timersRun: boolean): OnOff[] {
    const from = this.lastAdvance;
    if (now <= from) {
      this.lastAdvance = Math.max(from, now);
      return [];
    }
    if (this.on) this.consumptionWs += (this.loadWatts * (now - from)) / 1000;
    this.lastAdvance = now;
    if (!timersRun) return [];
    const fired: OnOff[] = [];
    const due = [...this.timers].filter(([at]) => passed(at, from, now));
    const start = secondsOfDay(from);
    // Order by how far past the start of the window each time lies.
    due.sort(([a], [b]) => ((a - start + 86_400) % 86_400) - ((b - start + 86_400) % 86_400));
    for (const [, state] of due) {
      this.on = state === 'on';
      fired.push(state);
    }
    return fired;
  }

  readings(): Readings {
    const power = this.on ? this.loadWatts : 0;
    return {
      power,
      voltage: this.voltage,
      current: this.voltage > 0 ? power / this.voltage : 0,
      consumptionWs: this.consumptionWs,
    };
  }

  /** Factory reset (remove): off, counter and timers gone. */
  reset(): void {
    this.on = false;
    this.consumptionWs = 0;
    this.timers.clear();
  }
}

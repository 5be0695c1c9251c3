/**
 * PulseTime: per-relay countdown that switches the relay off. Encoding
 * 1..111 = tenths of a second, 112..64900 = seconds + 100, 0 = disabled.
 */

export const MAX_PULSETIMERS = 8;

/** Duration a PulseTime setting stands for, in ms (0 = disabled). */
export function pulseDurationMs(setting: number): number {
  if (setting > 111) return (setting - 100) * 1000;
  if (setting > 0) return setting * 100;
  return 0;
}

/** Remaining time in PulseTime encoding (GetPulseTimer). */
export function encodeRemaining(remainingMs: number): number {
  if (remainingMs <= 0) return 0;
  const ms = Math.floor(remainingMs);
  return ms > 11100 ? Math.floor(ms / 1000) + 100 : Math.floor(ms / 100);
}

export class PulseTimers {
  private readonly settings: number[] = new Array<number>(MAX_PULSETIMERS).fill(0);
  /** Epoch ms at which timer i expires; 0 when not running. */
  private readonly deadlines: number[] = new Array<number>(MAX_PULSETIMERS).fill(0);

  setting(index: number): number {
    return this.settings[index] ?? 0;
  }

  /** `PulseTime<n> <v>`: store and (re)start the countdown, like SetPulseTimer. */
  configure(index: number, value: number, now: number): void {
    this.settings[index] = value;
    this.start(index, value, now);
  }

  /** Relay switched: on → restart with the stored setting, off → stop. */
  relaySwitched(index: number, on: boolean, now: number): void {
    if (index >= MAX_PULSETIMERS) return;
    this.start(index, on ? this.setting(index) : 0, now);
  }

  remaining(index: number, now: number): number {
    const deadline = this.deadlines[index] ?? 0;
    return deadline ? encodeRemaining(deadline - now) : 0;
  }

  /** Earliest running deadline, if any. */
  nextDeadline(): number | undefined {
    const running = this.deadlines.filter((d) => d > 0);
    return running.length ? Math.min(...running) : undefined;
  }

  /** Timers that have expired at `now`; they stop running. */
  takeExpired(now: number): number[] {
    const expired: number[] = [];
    this.deadlines.forEach((deadline, i) => {
      if (deadline > 0 && deadline <= now) {
        this.deadlines[i] = 0;
        expired.push(i);
      }
    });
    return expired;
  }

  private start(index: number, value: number, now: number): void {
    const ms = pulseDurationMs(value);
    this.deadlines[index] = ms > 0 ? now + ms : 0;
  }
}

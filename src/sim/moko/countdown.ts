/**
 * The plug's countdown (spec §3.2.3), as a pure state machine driven by
 * the clock: once started it reports the time left every second until 0,
 * then switches to the opposite of the state it started from. A state
 * change, a power cycle or a new countdown cancels it without a report.
 */
export interface CountdownStep {
  /** Seconds left to publish now (0 when it expires). */
  report?: number;
  /** It ran out: switch to `target`. */
  expired?: boolean;
}

export class Countdown {
  private endsAt: number | undefined;
  private lastReported: number | undefined;
  /** The state the plug switches to when it runs out. */
  target = false;

  get running(): boolean {
    return this.endsAt !== undefined;
  }

  start(now: number, seconds: number, target: boolean): void {
    this.endsAt = now + seconds * 1000;
    this.target = target;
    this.lastReported = undefined;
  }

  cancel(): void {
    this.endsAt = undefined;
    this.lastReported = undefined;
  }

  /** What is due at `now`: one report per whole second passed, and the expiry. */
  step(now: number): CountdownStep {
    if (this.endsAt === undefined) return {};
    const left = Math.max(0, Math.ceil((this.endsAt - now) / 1000));
    if (left === 0) {
      this.cancel();
      return { report: 0, expired: true };
    }
    if (left === this.lastReported) return {};
    this.lastReported = left;
    return { report: left };
  }
}

/** delay_time body for `seconds` left, ending in `target`. */
export function delayBody(seconds: number, target: boolean): Record<string, unknown> {
  return {
    delay_hour: Math.floor(seconds / 3600),
    delay_minute: Math.floor((seconds % 3600) / 60),
    delay_second: seconds % 60,
    switch_state: target ? 'on' : 'off',
  };
}

import { HubError, UNREACHABLE_MESSAGE } from '../core/errors.js';

/** What a pending command waits for: a relay of a device reaching a state. */
interface Pending {
  deviceId: string;
  relay: number;
  /** undefined: any report of that relay confirms (a poll). */
  want: boolean | undefined;
  resolve: (on: boolean) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Commands resolve when the device reports the asked state and fail after a
 * timeout with IoToad's "The SmartPlug is unreachable". Keeps no state beyond
 * the commands in flight.
 */
export class CommandTracker {
  private readonly pending = new Set<Pending>();

  constructor(private readonly timeoutMs: number) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Register before publishing, so a fast reply cannot be missed. `cancel`
   * fails the command at once (its publish failed).
   */
  expect(
    deviceId: string,
    relay: number,
    want: boolean | undefined,
    timeoutMs = this.timeoutMs,
  ): { done: Promise<boolean>; cancel: (err: Error) => void } {
    let entry!: Pending;
    const done = new Promise<boolean>((resolve, reject) => {
      entry = {
        deviceId,
        relay,
        want,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(entry);
          reject(new HubError('unreachable', UNREACHABLE_MESSAGE));
        }, timeoutMs),
      };
      this.pending.add(entry);
    });
    const cancel = (err: Error) => {
      if (!this.pending.delete(entry)) return;
      clearTimeout(entry.timer);
      entry.reject(err);
    };
    return { done, cancel };
  }

  /** A device reported a relay state: settle every command it satisfies. */
  observe(deviceId: string, relay: number, on: boolean): void {
    if (this.pending.size === 0) return;
    for (const p of this.pending) {
      if (p.deviceId === deviceId && p.relay === relay && (p.want === undefined || p.want === on)) {
        clearTimeout(p.timer);
        this.pending.delete(p);
        p.resolve(on);
      }
    }
  }

  /** Fail everything still waiting (shutdown). */
  failAll(err: Error): void {
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

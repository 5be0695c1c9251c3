/**
 * Exponential backoff for reconnecting inputs and outputs: the first wait is
 * `minBackoffMs`, each further one doubles up to `maxBackoffMs`. Reset only once a
 * connection has proved useful (data arrived), so a peer that accepts and
 * drops at once is not hammered at the shortest interval.
 */
export interface BackoffOptions {
  /** First wait (default 1 s). */
  minBackoffMs?: number;
  /**
   * Longest wait (default 10 s): a P1 reader or meter that comes back is
   * read again within seconds, and a retry that often costs nothing.
   */
  maxBackoffMs?: number;
}

export class Backoff {
  private readonly min: number;
  private readonly max: number;
  private current: number;

  constructor(options: BackoffOptions = {}) {
    this.min = Math.max(1, options.minBackoffMs ?? 1000);
    this.max = Math.max(this.min, options.maxBackoffMs ?? 10_000);
    this.current = this.min;
  }

  /** The wait before the next attempt; later calls wait longer. */
  next(): number {
    const wait = this.current;
    this.current = Math.min(this.max, this.current * 2);
    return wait;
  }

  reset(): void {
    this.current = this.min;
  }
}

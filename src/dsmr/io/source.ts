/**
 * What every P1 input looks like to the service: it is started and stopped,
 * emits the bytes it reads as 'data' chunks (any split; framing is the
 * decoder's job) and every change of its connection as 'state'. The base
 * class holds the reconnect loop the serial and TCP inputs share, so both
 * retry with the same backoff and report the same states.
 */
import { EventEmitter } from 'node:events';
import { Backoff, type BackoffOptions } from './backoff.js';

export type P1SourceState =
  /** Opening the port / connecting to the reader. */
  | 'connecting'
  /** Bytes can flow. */
  | 'connected'
  /** Lost or never reached; another attempt follows after `retryInMs`. */
  | 'disconnected'
  /** The input has no more bytes (end of a replayed file); nothing follows. */
  | 'ended'
  /** stop() was called. */
  | 'stopped';

export interface P1SourceStatus {
  readonly state: P1SourceState;
  /** Why the input was lost or could not be opened, in words a person can act on. */
  readonly reason?: string;
  /** With 'disconnected': the wait before the next attempt. */
  readonly retryInMs?: number;
}

export interface P1SourceEvents {
  data: [chunk: Buffer];
  state: [status: P1SourceStatus];
}

export interface P1Source extends EventEmitter<P1SourceEvents> {
  /** What is read, for logs: `tcp 192.168.1.20:23`, `serial /dev/ttyUSB0`, `file day.txt`. */
  readonly description: string;
  readonly status: P1SourceStatus;
  start(): void;
  /** Closes the input; no 'data' follows once it resolves. */
  stop(): Promise<void>;
}

/**
 * An input that keeps a connection open: subclasses open it in `open()` and
 * report through `opened()`, `received()` and `lost()`; this class retries
 * after each loss with exponential backoff, forever, until stop().
 */
export abstract class ReconnectingSource extends EventEmitter<P1SourceEvents> implements P1Source {
  private current: P1SourceStatus = { state: 'stopped' };
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  /** The current connection has delivered bytes, so the backoff may start over. */
  private proven = false;

  protected constructor(
    readonly description: string,
    backoff: BackoffOptions,
  ) {
    super();
    this.backoff = new Backoff(backoff);
  }

  get status(): P1SourceStatus {
    return this.current;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.attempt();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    await this.release();
    this.setStatus({ state: 'stopped' });
  }

  /** Opens the port or connection; must end in `opened()` or `lost()`. */
  protected abstract open(): void;

  /** Closes whatever `open()` made, without reporting a loss. */
  protected abstract release(): Promise<void>;

  /** True once stop() was called: subclasses drop late events. */
  protected get isStopping(): boolean {
    return this.stopping;
  }

  protected opened(): void {
    if (this.stopping) return;
    this.setStatus({ state: 'connected' });
  }

  protected received(chunk: Buffer): void {
    if (this.stopping) return;
    if (!this.proven) {
      this.proven = true;
      this.backoff.reset();
    }
    this.emit('data', chunk);
  }

  /** The connection failed or ended; reported once per attempt, then retried. */
  protected lost(reason: string): void {
    if (this.stopping || this.current.state === 'disconnected') return;
    const wait = this.backoff.next();
    this.setStatus({ state: 'disconnected', reason, retryInMs: wait });
    this.retryTimer = setTimeout(() => this.attempt(), wait);
  }

  private attempt(): void {
    if (this.stopping) return;
    this.proven = false;
    this.setStatus({ state: 'connecting' });
    this.open();
  }

  private setStatus(status: P1SourceStatus): void {
    if (status.state === this.current.state && status.reason === this.current.reason) return;
    this.current = status;
    this.emit('state', status);
  }
}

/**
 * The /api/live WebSocket, kept open: on a drop it reconnects with
 * exponential backoff (0.5 s doubling to 15 s, with jitter so a wall of
 * screens does not reconnect in step), and at once when the page comes back
 * into view or the network returns.
 */
import type { LiveMessage } from './types.js';

export type SocketState =
  { kind: 'connecting' } | { kind: 'open' } | { kind: 'closed'; retryAt: number; reason: string };

export interface LiveHandlers {
  message(m: LiveMessage): void;
  state(s: SocketState): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: number | undefined;
  private stopped = false;
  private readonly wake = () => {
    if (document.visibilityState === 'visible' && this.ws === null && !this.stopped) this.connect();
  };

  constructor(
    private readonly url: () => string,
    private readonly on: LiveHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    document.addEventListener('visibilitychange', this.wake);
    window.addEventListener('online', this.wake);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    document.removeEventListener('visibilitychange', this.wake);
    window.removeEventListener('online', this.wake);
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  /** Skip the wait and try now (the banner's "Retry now"). */
  retryNow(): void {
    if (this.ws === null && !this.stopped) this.connect();
  }

  send(message: unknown): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private connect(): void {
    clearTimeout(this.timer);
    this.on.state({ kind: 'connecting' });
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onmessage = (ev) => {
      let m: LiveMessage;
      try {
        m = JSON.parse(String(ev.data)) as LiveMessage;
      } catch {
        return; // one bad frame is dropped alone
      }
      if (m.type === 'snapshot') {
        // Only a socket that delivered its snapshot counts as a success for the backoff.
        this.attempt = 0;
        this.on.state({ kind: 'open' });
      }
      this.on.message(m);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      const delay = this.nextDelay();
      this.on.state({ kind: 'closed', retryAt: Date.now() + delay, reason: closeReason(ev) });
      this.timer = window.setTimeout(() => this.connect(), delay);
    };
  }

  private nextDelay(): number {
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    this.attempt++;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}

function closeReason(ev: CloseEvent): string {
  if (ev.code === 4008) return 'the page fell behind the live updates';
  if (ev.reason) return ev.reason;
  return 'the connection to the hub was lost';
}

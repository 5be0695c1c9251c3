import WebSocket from 'ws';
import type { Loose } from './http-api.js';
import { eventually } from './hub.js';

/** One message of /api/live as received (checked by the tests). */
export type LiveMessage = { type: string } & Record<string, Loose>;

/**
 * A real WebSocket client of `/api/live` that keeps every message it
 * receives, so a test can wait for the next one matching a condition.
 */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  /** Resolves with the close code and reason, however the socket ends. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Messages before this index have been taken by next(). */
  private cursor = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(String(data)) as LiveMessage));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Connects; rejects with the HTTP status and body when the server refuses the upgrade. */
  static open(url: string, options?: WebSocket.ClientOptions): Promise<LiveClient> {
    const ws = new WebSocket(url, options);
    const client = new LiveClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          // Handling the refusal makes closing its connection ours (ws docs).
          req.destroy();
          reject(new RefusedUpgrade(res.statusCode ?? 0, body));
        });
      });
      ws.once('error', reject);
    });
  }

  /** The first message after the last one taken that matches, waiting for it if need be. */
  async next(
    match: (m: LiveMessage) => boolean = () => true,
    what = 'a live message',
    timeoutMs = 5000,
  ): Promise<LiveMessage> {
    const i = await eventually(
      () => {
        for (let k = this.cursor; k < this.messages.length; k++)
          if (match(this.messages[k]!)) return k + 1;
        return 0;
      },
      timeoutMs,
      what,
    );
    this.cursor = i;
    return this.messages[i - 1]!;
  }

  /** Resolves once `n` messages have arrived in all (woken by each message, not polled). */
  received(n: number, timeoutMs = 5000): Promise<void> {
    if (this.messages.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.messages.length < n) return;
        clearTimeout(timer);
        this.ws.off('message', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.ws.off('message', check);
        reject(new Error(`timed out waiting for ${n} messages; ${this.messages.length} came`));
      }, timeoutMs);
      this.ws.on('message', check);
    });
  }

  /** Messages after the last one taken, without waiting; they count as taken. */
  drain(): LiveMessage[] {
    const rest = this.messages.slice(this.cursor);
    this.cursor = this.messages.length;
    return rest;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

export class RefusedUpgrade extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`upgrade refused with HTTP ${status}: ${body}`);
  }
}

/** The `ws://` URL of a hub's live socket, with an optional query. */
export function liveUrl(baseUrl: string, query = ''): string {
  return `${baseUrl.replace(/^http/, 'ws')}/api/live${query ? `?${query}` : ''}`;
}

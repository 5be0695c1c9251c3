/**
 * P1 from a network reader (P1-to-Ethernet/WiFi dongles, ser2net): a TCP
 * client that never gives up. Unlike smartmeter2mqtt, which exits the process
 * when the reader goes away and cuts telegrams at 100 ms of silence, this
 * input reconnects with exponential backoff forever, treats `inactivityMs`
 * without a byte as a dead connection (a reader that lost power leaves no
 * FIN behind), and hands on raw bytes: the decoder frames them.
 */
import { Socket } from 'node:net';
import type { BackoffOptions } from './backoff.js';
import { ReconnectingSource } from './source.js';

export interface TcpInputOptions extends BackoffOptions {
  host: string;
  port: number;
  /** No byte for this long closes the connection and reconnects (default 60 s). */
  inactivityMs?: number;
}

export const DEFAULT_INACTIVITY_MS = 60_000;

/** `host:port` (IPv6 as `[::1]:23`) to its parts, or a sentence saying what is wrong. */
export function parseHostPort(text: string): { host: string; port: number } | string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port < 1 || port > 65535)
    return `"${text}" is not host:port (for example 192.168.1.20:23 or [fe80::1]:2000)`;
  return { host: (m[1] ?? m[2])!, port };
}

export class TcpInput extends ReconnectingSource {
  private socket: Socket | null = null;
  private readonly inactivityMs: number;

  constructor(private readonly options: TcpInputOptions) {
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    super(`tcp ${host}:${options.port}`, options);
    this.inactivityMs = options.inactivityMs ?? DEFAULT_INACTIVITY_MS;
  }

  protected open(): void {
    const socket = new Socket();
    this.socket = socket;
    let problem: string | undefined;
    let connected = false;
    const where = this.description.slice(4);
    // Covers the connect phase too: a reader that swallows SYNs is retried.
    socket.setTimeout(this.inactivityMs, () => {
      problem = `no data from ${where} for ${this.inactivityMs / 1000} s; reconnecting`;
      socket.destroy();
    });
    socket.on('connect', () => {
      // Keep-alive probes notice a peer that vanished while the line is quiet.
      socket.setKeepAlive(true, 30_000);
      connected = true;
      this.opened();
    });
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      problem ??= !connected
        ? `cannot connect to ${where}: ${err.message}`
        : `connection to ${where} failed: ${err.message}`;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.lost(problem ?? `${where} closed the connection`);
    });
    socket.connect({ host: this.options.host, port: this.options.port });
  }

  protected async release(): Promise<void> {
    const socket = this.socket;
    if (socket === null || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }
}

/**
 * A TCP server that sends the same bytes to every connected client: the
 * transport of the JSON and raw sockets. What smartmeter2mqtt's got wrong is
 * what this is for: any number of clients up to `maxClients` (not a fixed
 * 3), a refused client is told why in one JSON line, and a client that does
 * not read is cut off once `maxBufferedBytes` wait for it, so it can neither
 * stall the meter nor the other clients nor grow memory. What clients send
 * is read and thrown away, never interpreted.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

export interface SocketServerOptions {
  /** What is served, for logs and errors: `json socket`, `raw socket`. */
  kind: string;
  host: string;
  /** 0 picks a free port; `port` tells which. */
  port: number;
  /** Default 32. */
  maxClients?: number;
  /** Unsent bytes after which a client counts as not reading (default 1 MiB). */
  maxBufferedBytes?: number;
  log?: Logger;
}

export const DEFAULT_MAX_CLIENTS = 32;
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long a closing or refused client may take its last bytes before it is cut off. */
const CLOSE_GRACE_MS = 1000;

export type SocketClientEvent =
  | { kind: 'connected'; remote: string; clients: number }
  | { kind: 'refused'; remote: string; clients: number }
  | { kind: 'closed'; remote: string; clients: number; reason: string };

/** Listening failed; the message names the address and what to do. */
export class ListenError extends Error {
  constructor(
    message: string,
    /** The server's kind (`json socket`) and the port asked for. */
    readonly kind: string,
    readonly port: number,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

export function listenProblem(kind: string, host: string, port: number, code?: string): string {
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE')
    return `cannot listen on ${where} for the ${kind}: port ${port} is already in use`;
  if (code === 'EACCES')
    return `cannot listen on ${where} for the ${kind}: ports below 1024 need privileges`;
  if (code === 'EADDRNOTAVAIL')
    return `cannot listen on ${where} for the ${kind}: ${host} is not an address of this machine`;
  return `cannot listen on ${where} for the ${kind}${code ? ` (${code})` : ''}`;
}

export class SocketServer extends EventEmitter<{ client: [SocketClientEvent] }> {
  readonly counters = { refused: 0, slowDisconnects: 0 };
  private readonly server: Server;
  private readonly clients = new Map<Socket, string>();
  private readonly maxClients: number;
  private readonly maxBuffered: number;
  private boundPort = 0;

  constructor(private readonly options: SocketServerOptions) {
    super();
    this.maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.server = createServer({ noDelay: true }, (s) => this.accept(s));
  }

  get port(): number {
    return this.boundPort;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** `kind host:port` once listening. */
  get description(): string {
    return `${this.options.kind} ${this.options.host}:${this.boundPort || this.options.port}`;
  }

  listen(): Promise<number> {
    const { kind, host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.server.off('listening', onListening);
        reject(new ListenError(listenProblem(kind, host, port, err.code), kind, port));
      };
      const onListening = () => {
        this.server.off('error', onError);
        const addr = this.server.address();
        this.boundPort = typeof addr === 'object' && addr !== null ? addr.port : port;
        this.options.log?.info({ host, port: this.boundPort }, `${kind} listening`);
        resolve(this.boundPort);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  /** Queues `data` to every client; a client too far behind is disconnected instead. */
  broadcast(data: Buffer | string): void {
    // Encoded once, not once per client.
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (const socket of this.clients.keys()) {
      if (socket.destroyed) continue;
      if (socket.writableLength > this.maxBuffered) {
        this.counters.slowDisconnects++;
        this.drop(
          socket,
          `not reading: ${socket.writableLength} bytes unsent (limit ${this.maxBuffered})`,
        );
        continue;
      }
      socket.write(bytes);
    }
  }

  /** Stops accepting, lets clients take what is queued for a moment, then cuts them off. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.clients.keys()) {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    }
    await closed;
  }

  private accept(socket: Socket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {}); // the 'close' that follows reports it
    if (this.clients.size >= this.maxClients) {
      this.counters.refused++;
      socket.end(`${JSON.stringify({ error: `too many clients (limit ${this.maxClients})` })}\r\n`);
      // A refused client that does not hang up must not hold a connection either.
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      this.report({ kind: 'refused', remote, clients: this.clients.size });
      return;
    }
    this.clients.set(socket, 'client closed the connection');
    // Read and discard: a client's input is never interpreted.
    socket.resume();
    socket.on('error', (err) => this.clients.set(socket, err.message));
    socket.on('close', () => {
      const reason = this.clients.get(socket) ?? 'closed';
      this.clients.delete(socket);
      this.report({ kind: 'closed', remote, clients: this.clients.size, reason });
    });
    this.report({ kind: 'connected', remote, clients: this.clients.size });
  }

  private drop(socket: Socket, reason: string): void {
    this.clients.set(socket, reason);
    socket.destroy();
  }

  private report(event: SocketClientEvent): void {
    const log = this.options.log;
    if (log !== undefined) {
      const { kind, ...fields } = event;
      const slow = kind === 'closed' && event.reason.startsWith('not reading');
      if (kind === 'refused') log.warn(fields, `${this.options.kind}: client refused, too many`);
      else if (slow) log.warn(fields, `${this.options.kind}: slow client disconnected`);
      else log.info(fields, `${this.options.kind}: client ${kind}`);
    }
    this.emit('client', event);
  }
}

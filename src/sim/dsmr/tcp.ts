/**
 * A TCP server that sends every telegram to every connected client, like a
 * P1-to-Ethernet reader (Zuidwijk "P1 reader ethernet", ser2net): readers
 * connect, nothing is sent on connect, telegrams follow as the meter sends
 * them. What clients send is ignored.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TelegramSink } from './sink.js';

/** Bytes queued for one client beyond which telegrams are skipped for it, as a meter never waits. */
const MAX_BACKLOG_BYTES = 64 * 1024;
/** How long a client gets to take its last bytes on close before it is cut off. */
const CLOSE_GRACE_MS = 1000;

export class PortInUseError extends Error {}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

class TcpSink implements TelegramSink {
  readonly where: string;
  readonly port: number;
  private readonly server: Server;
  private readonly clients = new Set<Socket>();

  constructor(server: Server, host: string, port: number) {
    this.server = server;
    this.port = port;
    this.where = `tcp://${urlHost(host)}:${port}`;
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      socket.resume(); // discard whatever the client sends
      socket.on('error', () => socket.destroy());
      socket.on('close', () => this.clients.delete(socket));
      this.clients.add(socket);
    });
  }

  send(bytes: Buffer): void {
    for (const socket of this.clients) {
      if (socket.writable && socket.writableLength < MAX_BACKLOG_BYTES) socket.write(bytes);
    }
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.clients) {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    }
    return closed;
  }
}

/** Listens on `host:port` (port 0: any free port). Rejects with PortInUseError when the port is taken. */
export function startTcpSink(host: string, port: number): Promise<TelegramSink & { port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(`port ${port} on ${host} is already in use`)
          : new Error(`cannot listen on ${host}:${port}: ${err.message}`),
      );
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      resolve(new TcpSink(server, host, actual));
    });
  });
}

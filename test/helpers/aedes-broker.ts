import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  port: number;
  broker: Aedes;
  /** Close every client connection, the listener and the broker. */
  close(): Promise<void>;
}

/** A real aedes broker on an ephemeral localhost port (or `port`, to restart one). */
export async function startTestBroker(port = 0): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    // Without this, Nagle + delayed ACK add ~40 ms to every hop.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
  let closed = false;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    broker,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

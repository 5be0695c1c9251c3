/**
 * A P1 output that broadcasts one payload per telegram over a SocketServer;
 * the JSON and raw sockets differ only in that payload.
 */
import type { P1Output, P1Telegram } from './output.js';
import { SocketServer, type SocketServerOptions } from './socket-server.js';

export type SocketOutputOptions = Omit<SocketServerOptions, 'kind'>;

export abstract class SocketOutput implements P1Output {
  readonly server: SocketServer;

  protected constructor(kind: string, options: SocketOutputOptions) {
    this.server = new SocketServer({ ...options, kind });
  }

  get description(): string {
    return this.server.description;
  }

  async start(): Promise<void> {
    await this.server.listen();
  }

  write(t: P1Telegram): void {
    this.server.broadcast(this.payload(t));
  }

  close(): Promise<void> {
    return this.server.close();
  }

  protected abstract payload(t: P1Telegram): Buffer | string;
}

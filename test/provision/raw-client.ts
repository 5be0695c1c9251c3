import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { JsonObjectSplitter, type Piece } from '../../src/provision/moko/framing.js';

/** A bare TCP client speaking to a plug in AP mode as a phone would, one request at a time. */
export async function rawSession(port: number): Promise<{
  ask(text: string): Promise<Record<string, unknown>>;
  close(): void;
}> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  const splitter = new JsonObjectSplitter();
  const pieces: Piece[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    pieces.push(...splitter.push(d));
    wake?.();
  });
  return {
    async ask(text) {
      socket.write(text);
      while (pieces.length === 0) await new Promise<void>((r) => (wake = r));
      const p = pieces.shift() as Piece;
      return JSON.parse(p.text) as Record<string, unknown>;
    },
    close: () => socket.destroy(),
  };
}

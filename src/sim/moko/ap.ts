import { EventEmitter, once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PlugIdentity } from '../../provision/moko/codes.js';
import { HEADER } from '../../provision/moko/codes.js';
import { JsonObjectSplitter } from '../../provision/moko/framing.js';
import { answer, type ApSession, type BrokerSettings } from './ap-rules.js';
import { MokoPlug, type MokoPlugOptions } from './plug.js';

/** Ways a plug in AP mode can misbehave during provisioning, by request header. */
export interface ApFaults {
  /** On this request, close the socket without answering. */
  closeOn?: number;
  /** On this request, answer bytes that are no JSON. */
  garbageOn?: number;
  /** On this request, never answer. */
  silentOn?: number;
  /** Pad every answer with NUL bytes, as some firmware does. */
  trailingNul?: boolean;
  /** Write every answer in two pieces. */
  splitAnswers?: boolean;
}

export interface MokoApOptions {
  identity: PlugIdentity;
  /** TCP port (the real plug: 8266 on 192.168.4.1); 0 picks a free one. */
  port: number;
  host?: string;
  faults?: ApFaults;
  /** Used for the plug once it is provisioned (clock, load, faults...). */
  plug?: Omit<MokoPlugOptions, 'identity' | 'broker'>;
  /** Joining Wi-Fi takes this long after the 4003 answer (default 100 ms). */
  joinDelayMs?: number;
}

/**
 * A Moko plug waiting in AP mode (spec §2): a TCP server answering 4001,
 * 4002 and 4003 with the spec's codes. After a good 4003 it leaves AP mode
 * (the server closes), joins Wi-Fi and connects to the broker it was given.
 *
 * Events: 'request' ({ text, code }), 'provisioned' (MokoPlug, connected),
 * 'connect-failed' (Error: the broker it was given could not be reached).
 */
export class MokoApPlug extends EventEmitter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private plug: MokoPlug | undefined;
  broker: BrokerSettings | undefined;

  constructor(private readonly opts: MokoApOptions) {
    super();
  }

  /** Listens; resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((socket) => this.session(socket));
    this.server = server;
    server.listen(this.opts.port, this.opts.host ?? '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }

  /** The provisioned plug, once it has connected to its broker. */
  provisioned(): MokoPlug | undefined {
    return this.plug;
  }

  async stop(): Promise<void> {
    await this.closeServer();
    await this.plug?.stop();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private session(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const splitter = new JsonObjectSplitter();
    let session: ApSession = {};
    const faults = this.opts.faults ?? {};
    socket.on('data', (chunk: Buffer) => {
      for (const piece of splitter.push(chunk)) {
        const text = piece.text;
        const header = headerOf(text);
        if (header !== undefined && header === faults.closeOn) return void socket.destroy();
        if (header !== undefined && header === faults.silentOn) continue;
        if (header !== undefined && header === faults.garbageOn) {
          socket.write('ERROR: busy\r\n');
          continue;
        }
        const r = answer(session, text, this.opts.identity);
        session = r.session;
        this.emit('request', { text, code: r.reply.code });
        this.write(
          socket,
          JSON.stringify(r.reply) + (faults.trailingNul ? '\u0000\u0000\u0000' : ''),
        );
        if (r.reply.code === 0 && header === HEADER.wifi && session.mqtt) {
          this.broker = session.mqtt;
          void this.leaveApMode(session.mqtt);
        }
      }
    });
  }

  private write(socket: Socket, text: string): void {
    if (!this.opts.faults?.splitAnswers) return void socket.write(text);
    const half = Math.floor(text.length / 2);
    socket.write(text.slice(0, half));
    setTimeout(() => socket.write(text.slice(half)), 20);
  }

  /** Answered 4003: stop the AP, join Wi-Fi, connect to the broker. */
  private async leaveApMode(broker: BrokerSettings): Promise<void> {
    await new Promise((r) => setTimeout(r, this.opts.joinDelayMs ?? 100));
    await this.closeServer();
    const plug = new MokoPlug({ ...this.opts.plug, identity: this.opts.identity, broker });
    try {
      await plug.start();
    } catch (err) {
      this.emit('connect-failed', err);
      return;
    }
    this.plug = plug;
    this.emit('provisioned', plug);
  }
}

/** The header of a request, when it is a JSON object with a numeric one. */
function headerOf(text: string): number | undefined {
  try {
    const v = JSON.parse(text) as { header?: unknown };
    return typeof v.header === 'number' ? v.header : undefined;
  } catch {
    return undefined;
  }
}

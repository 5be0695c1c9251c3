import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { BrokerGuard, SHED_TOPIC, type GuardLimits } from './broker-guard.js';
import type { Bus, BusState, MessageHandler, PublishOptions } from './bus.js';
import { listenOrExplain } from './listen.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  limits: GuardLimits;
  log: Logger;
  /** How often shed counts are summarised in the log. */
  reportIntervalMs?: number;
}

/** Synchronous deliveries nested deeper than this are finished on the next turn. */
const MAX_DELIVERY_DEPTH = 32;

type AedesBroker = Awaited<ReturnType<typeof Aedes.createBroker>>;
interface AedesPacket {
  topic: string;
  payload: Buffer | string;
  retain?: boolean;
  qos?: number;
}

/** The parts of aedes that numberPublishesAsEmitted reaches; its types leave them out. */
interface AedesInternals {
  id: string;
  counter: number;
  mq: {
    emit(
      packet: { brokerId?: string; brokerCounter?: number },
      cb?: (err?: Error) => void,
    ): unknown;
  };
}

/**
 * aedes 1.2 numbers each publish as it arrives (brokerCounter) but emits a
 * retained one only after storing it, so a plain publish read in the same
 * chunk goes out first. Each TCP subscriber's duplicate filter keeps the
 * highest number seen, so it then dropped the retained message as already
 * delivered: a plug's retained `LWT Online` followed by its first telemetry
 * never reached the subscribers. Numbered as they are emitted, publishes
 * reach the filter in number order; overlapping subscriptions still get one
 * copy, since one emission carries one number.
 */
function numberPublishesAsEmitted(aedes: AedesBroker): void {
  const broker = aedes as unknown as AedesInternals;
  const emit = broker.mq.emit.bind(broker.mq);
  broker.mq.emit = (packet, cb) => {
    if (packet.brokerId === broker.id) packet.brokerCounter = ++broker.counter;
    return emit(packet, cb);
  };
}

/**
 * The embedded broker and the hub's in-process view of it. Devices connect
 * over TCP; the hub subscribes and publishes through aedes directly, so its
 * own traffic never crosses a socket (2x the delivery rate, and it cannot be
 * the slow subscriber that kills aedes).
 */
export class EmbeddedBroker extends EventEmitter implements Bus {
  readonly guard: BrokerGuard;
  port = 0;
  private broker!: AedesBroker;
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private readonly handlers: MessageHandler[] = [];
  private readonly subscribed = new Set<string>();
  private reportTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private lastReported = 0;
  private _state: BusState;
  /** Nesting of synchronous deliveries (see deliver). */
  private depth = 0;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    super();
    this.guard = new BrokerGuard(
      opts.limits,
      () => (this.broker as unknown as { mq?: { length: number } } | undefined)?.mq?.length ?? 0,
      (e) => {
        if (e.kind === 'slow-disconnect')
          opts.log.warn(
            { client: e.clientId, bufferedBytes: e.bufferedBytes },
            'disconnected a subscriber that stopped reading',
          );
      },
    );
    this._state = {
      connected: false,
      endpoint: `embedded mqtt://${opts.host}:${opts.port}`,
      since: Date.now(),
      reconnects: 0,
    };
  }

  get state(): BusState {
    return this._state;
  }

  get clientCount(): number {
    return this.broker?.connectedClients ?? 0;
  }

  async start(): Promise<void> {
    const guard = this.guard;
    this.broker = await Aedes.createBroker({
      // A frozen subscriber would hold a delivery slot until drained; the
      // guard stops writing to it long before, this is the last resort.
      drainTimeout: this.opts.limits.slowClientTimeoutMs * 2 + 1000,
      authorizePublish: (
        client: { id: string; close(): void } | null,
        packet: AedesPacket,
        cb: (err: Error | null) => void,
      ) => {
        if (packet.topic.startsWith('$SYS/')) return cb(new Error('$SYS/ topic is reserved'));
        if (!guard.admitPublish(client as never)) {
          packet.topic = SHED_TOPIC;
          packet.retain = false;
        }
        cb(null);
      },
      authorizeForward: (client: { id: string; close(): void }, packet: AedesPacket) =>
        packet.topic === SHED_TOPIC || !guard.admitForward(client as never) ? null : packet,
    } as never);
    numberPublishesAsEmitted(this.broker);
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      // Nagle plus delayed ACKs would add ~40 ms to every command and reply.
      socket.setNoDelay(true);
      socket.once('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.port = await listenOrExplain(this.server, 'mqtt', this.opts.host, this.opts.port);
    this._state = {
      connected: true,
      endpoint: `embedded mqtt://${this.opts.host}:${this.port}`,
      since: Date.now(),
      reconnects: 0,
    };
    const every = this.opts.reportIntervalMs ?? 10_000;
    this.reportTimer = setInterval(() => this.reportShed(), every);
    this.reportTimer.unref();
    // Often enough that the guard, not aedes's drain timeout, cuts a stuck client off.
    const sweepEvery = Math.min(1000, Math.max(50, this.opts.limits.slowClientTimeoutMs / 4));
    this.sweepTimer = setInterval(() => this.guard.sweep(), sweepEvery);
    this.sweepTimer.unref();
    this.emit('state', this._state);
  }

  private reportShed(): void {
    const total = this.guard.total();
    if (total === this.lastReported) return;
    this.opts.log.warn(
      { ...this.guard.counters, since: 'start' },
      `embedded broker under overload: shed ${total - this.lastReported} messages in the last interval`,
    );
    this.lastReported = total;
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    const fresh = filters.filter((f) => !this.subscribed.has(f));
    await Promise.all(
      fresh.map(
        (f) =>
          new Promise<void>((resolve) => {
            this.subscribed.add(f);
            this.broker.subscribe(f, this.deliver, () => resolve());
          }),
      ),
    );
  }

  /** Called by aedes for every matching message, in-process. */
  private readonly deliver = (packet: AedesPacket, cb: () => void): void => {
    if (packet.topic !== SHED_TOPIC) {
      const payload =
        typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      for (const h of this.handlers) h(packet.topic, payload, packet.retain === true);
    }
    // mqemitter hands the next queued message to us from inside cb(), so a
    // long queue recurses once per message until the stack overflows (the
    // aedes overload crash). Completing synchronously is the fast path; past
    // a small depth, completion moves to the next turn and the stack unwinds.
    if (this.depth >= MAX_DELIVERY_DEPTH) {
      setImmediate(cb);
      return;
    }
    this.depth++;
    try {
      cb();
    } finally {
      this.depth--;
    }
  };

  onMessage(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.broker.publish(
        {
          cmd: 'publish',
          topic,
          payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos: opts.qos ?? 0,
          retain: opts.retain ?? false,
          dup: false,
        } as never,
        (err?: Error | null) => (err ? reject(err) : resolve()),
      );
    });
  }

  /** Stop accepting devices, then close every connection and the broker. */
  async stop(): Promise<void> {
    if (this.reportTimer) clearInterval(this.reportTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.reportShed();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    this._state = { ...this._state, connected: false, since: Date.now() };
    this.emit('state', this._state);
  }
}

/**
 * Overload protection for the embedded aedes broker. aedes 1.2 dies of a
 * stack overflow when publishers outrun a TCP subscriber, and its delivery
 * queue grows without bound when publishers outrun it in general
 * (research/perf-anchors.md §1d). The guard bounds both:
 * - each client may publish `maxPublishRate` messages/s (token bucket, burst
 *   of one second); the excess is shed;
 * - while `maxQueued` messages already wait for delivery, new publishes are shed;
 * - a subscriber whose socket is waiting to drain (or holds more than
 *   `maxClientBufferBytes` unsent) gets no more messages until it drains,
 *   and is disconnected when it stays slow for `slowClientTimeoutMs`.
 * Nothing here is module-level: one guard per broker.
 */
export interface GuardLimits {
  maxPublishRate: number;
  maxQueued: number;
  maxClientBufferBytes: number;
  slowClientTimeoutMs: number;
}

export interface GuardCounters {
  /** Publishes dropped because their client exceeded its rate. */
  shedRate: number;
  /** Publishes dropped because the broker's delivery queue was full. */
  shedQueue: number;
  /** Deliveries skipped to subscribers whose socket was full. */
  shedSlowSubscriber: number;
  /** Subscribers disconnected for staying slow. */
  slowDisconnects: number;
}

export type GuardEvent =
  | { kind: 'shed'; reason: 'rate' | 'queue' | 'slow-subscriber'; clientId: string }
  | { kind: 'slow-disconnect'; clientId: string; bufferedBytes: number };

interface ClientLike {
  id: string;
  conn?: { writableLength?: number; writableNeedDrain?: boolean };
  close(): void;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** Publishes that are shed are rerouted here: a topic nothing subscribes to. */
export const SHED_TOPIC = '$wattbridge/shed';

export class BrokerGuard {
  readonly counters: GuardCounters = {
    shedRate: 0,
    shedQueue: 0,
    shedSlowSubscriber: 0,
    slowDisconnects: 0,
  };
  private readonly buckets = new WeakMap<object, Bucket>();
  /** Subscribers over their buffer, since when. Strong refs: sweep() must find them; both paths delete. */
  private readonly slowSince = new Map<ClientLike, number>();

  constructor(
    private readonly limits: GuardLimits,
    private readonly queueLength: () => number,
    private readonly onEvent: (e: GuardEvent) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Decide on one incoming publish. Returns false when it must be shed. aedes
   * offers no silent drop (an error disconnects the client), so the caller
   * reroutes a shed packet to SHED_TOPIC.
   */
  admitPublish(client: ClientLike | null): boolean {
    if (!client) return true; // the broker's own will messages
    if (this.queueLength() >= this.limits.maxQueued) {
      this.counters.shedQueue++;
      this.onEvent({ kind: 'shed', reason: 'queue', clientId: client.id });
      return false;
    }
    const t = this.now();
    const rate = this.limits.maxPublishRate;
    let b = this.buckets.get(client);
    if (!b) {
      b = { tokens: rate, last: t };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((t - b.last) * rate) / 1000);
    b.last = t;
    if (b.tokens < 1) {
      this.counters.shedRate++;
      this.onEvent({ kind: 'shed', reason: 'rate', clientId: client.id });
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Decide on one delivery to a TCP subscriber. False skips it. */
  admitForward(client: ClientLike): boolean {
    if (!this.isFull(client)) {
      this.slowSince.delete(client);
      return true;
    }
    if (!this.slowSince.has(client)) this.slowSince.set(client, this.now());
    else this.disconnectIfStuck(client);
    this.counters.shedSlowSubscriber++;
    this.onEvent({ kind: 'shed', reason: 'slow-subscriber', clientId: client.id });
    return false;
  }

  /**
   * Called every second: a subscriber that stopped reading is disconnected
   * even when nothing more is sent to it (it still holds its socket buffers
   * and, in aedes, a delivery waiting for drain).
   */
  sweep(): void {
    for (const client of [...this.slowSince.keys()]) {
      if (!this.isFull(client)) this.slowSince.delete(client);
      else this.disconnectIfStuck(client);
    }
  }

  /**
   * aedes stops writing and waits for 'drain' as soon as the socket's
   * high-water mark is passed, holding a delivery slot meanwhile: a socket
   * that needs draining is already full as far as delivery is concerned.
   */
  private isFull(client: ClientLike): boolean {
    const buffered = client.conn?.writableLength ?? 0;
    return client.conn?.writableNeedDrain === true || buffered > this.limits.maxClientBufferBytes;
  }

  private disconnectIfStuck(client: ClientLike): void {
    const since = this.slowSince.get(client);
    if (since === undefined || this.now() - since < this.limits.slowClientTimeoutMs) return;
    this.slowSince.delete(client);
    this.counters.slowDisconnects++;
    this.onEvent({
      kind: 'slow-disconnect',
      clientId: client.id,
      bufferedBytes: client.conn?.writableLength ?? 0,
    });
    client.close();
  }

  total(): number {
    const c = this.counters;
    return c.shedRate + c.shedQueue + c.shedSlowSubscriber;
  }
}

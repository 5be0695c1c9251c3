import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { unitOf } from '../../core/metrics.js';
import type { MeterTelegrams } from '../../dsmr/io/meter-telegrams.js';
import type { P1Telegram } from '../../dsmr/io/output.js';
import type { DeviceSnapshot } from '../../hub/device.js';
import type { Hub } from '../../hub/hub.js';
import type { Bus, BusState } from '../../mqtt/bus.js';
import {
  describeFilter,
  filterFrom,
  LiveFilterMessage,
  passes,
  type LiveFilter,
  type LiveKind,
} from './live-filter.js';

/** Close code for a client that cannot keep up (private range 4000-4999). */
export const TOO_SLOW = 4008;
/** How long a closing client may take to finish the close handshake before it is cut. */
const CLOSE_GRACE_MS = 5000;
const PING_EVERY_MS = 30_000;

interface Client {
  socket: WebSocket;
  filter: LiveFilter;
  alive: boolean;
}

export interface LiveFeedOptions {
  hub: Hub;
  bus: Bus;
  telegrams: MeterTelegrams;
  /** A client with more than this waiting to be sent is dropped. */
  maxBufferedBytes: number;
  log: Logger;
}

/**
 * `/api/live`: one listener on the hub, the bus and the meters, fanned out
 * to every socket through its filter. Each message is serialised once. A
 * socket whose unsent data passes the limit is closed with a reason, so a
 * stalled browser costs the hub at most that much memory.
 */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private readonly detach: (() => void)[] = [];
  private readonly pinger: NodeJS.Timeout;
  readonly counters = { connected: 0, droppedSlow: 0, messages: 0 };

  constructor(private readonly o: LiveFeedOptions) {
    const on = <A extends unknown[]>(
      emitter: NodeJS.EventEmitter,
      event: string,
      f: (...args: A) => void,
    ) => {
      const g = f as (...args: unknown[]) => void;
      emitter.on(event, g);
      this.detach.push(() => emitter.off(event, g));
    };
    const about =
      (kind: LiveKind, extra: Record<string, unknown> = {}) =>
      (d: DeviceSnapshot) =>
        this.broadcast(kind, d, undefined, { type: kind, device: d, ...extra });
    on(o.hub, 'device', about('device'));
    on(o.hub, 'info', about('device'));
    on(o.hub, 'removed', about('device'));
    on(o.hub, 'availability', about('availability'));
    on(o.hub, 'state', (d: DeviceSnapshot, relay: number) =>
      this.broadcast('state', d, undefined, { type: 'state', device: d, relay }),
    );
    on(o.hub, 'countdown', (d: DeviceSnapshot, relay: number) =>
      this.broadcast('countdown', d, undefined, { type: 'countdown', device: d, relay }),
    );
    on(o.hub, 'renamed', (from: string, d: DeviceSnapshot) =>
      this.broadcast('renamed', d, undefined, { type: 'renamed', from, device: d }),
    );
    on(o.hub, 'deleted', (id: string) =>
      this.broadcast('removed', { id }, undefined, { type: 'removed', id }),
    );
    on(o.hub, 'reading', (id: string, metric: string, value: number, ts: number) => {
      // Readings are the hub's hot path: nothing to look up or build when nobody listens.
      if (this.clients.size === 0) return;
      this.broadcast('reading', { id, protocol: o.hub.protocolOf(id) }, metric, {
        type: 'reading',
        id,
        metric,
        value,
        unit: unitOf(metric),
        ts,
      });
    });
    on(o.bus, 'state', (s: BusState) =>
      this.broadcast('hub', undefined, undefined, { type: 'hub', mqtt: mqttOf(s) }),
    );
    on(o.telegrams, 'telegram', (nativeId: string, t: P1Telegram) => {
      const id = o.hub.idOf({ protocol: 'dsmr', nativeId }) ?? nativeId;
      this.broadcast('meter', { id, protocol: 'dsmr' }, undefined, {
        type: 'meter',
        id,
        receivedAt: new Date(t.receivedAt).toISOString(),
        telegram: t.message,
      });
    });
    // A socket that stops answering pings (a phone gone to sleep) is cut.
    this.pinger = setInterval(() => {
      for (const c of this.clients) {
        if (!c.alive) this.drop(c, 1001, 'no answer to ping');
        else {
          c.alive = false;
          c.socket.ping();
        }
      }
    }, PING_EVERY_MS);
    this.pinger.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** A new socket: its snapshot first, then what its filter lets through. */
  add(socket: WebSocket, filter: LiveFilter): void {
    const client: Client = { socket, filter, alive: true };
    this.clients.add(client);
    this.counters.connected++;
    socket.on('pong', () => (client.alive = true));
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.on('message', (data, isBinary) => this.onClientMessage(client, data, isBinary));
    this.send(client, JSON.stringify(this.snapshot(filter)));
  }

  private snapshot(filter: LiveFilter) {
    return {
      type: 'snapshot',
      devices: this.o.hub
        .devices()
        .filter((d) => passes({ ...filter, kinds: undefined }, 'device', d)),
      hub: { mqtt: mqttOf(this.o.bus.state) },
      filter: describeFilter(filter),
    };
  }

  private onClientMessage(client: Client, data: unknown, isBinary: boolean): void {
    const reply = (msg: unknown) => this.send(client, JSON.stringify(msg));
    let parsed: unknown;
    try {
      parsed = JSON.parse(isBinary ? '' : String(data));
    } catch {
      return reply({ type: 'error', error: 'Messages must be JSON: {"type":"filter", ...}' });
    }
    const r = LiveFilterMessage.safeParse(parsed);
    if (!r.success)
      return reply({
        type: 'error',
        error: r.error.issues
          .map((i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`)
          .join('; '),
      });
    client.filter = filterFrom(r.data);
    reply({ type: 'filter', filter: describeFilter(client.filter) });
  }

  private broadcast(
    kind: LiveKind,
    device: { id: string; protocol?: string } | undefined,
    metric: string | undefined,
    message: Record<string, unknown>,
  ): void {
    let json: string | undefined;
    for (const c of this.clients) {
      if (!passes(c.filter, kind, device, metric)) continue;
      this.send(c, (json ??= JSON.stringify(message)));
    }
  }

  private send(c: Client, json: string): void {
    if (c.socket.readyState !== c.socket.OPEN) return;
    if (c.socket.bufferedAmount > this.o.maxBufferedBytes) {
      this.counters.droppedSlow++;
      this.o.log.warn(
        { waitingBytes: c.socket.bufferedAmount },
        'dropped a live client that cannot keep up',
      );
      return this.drop(
        c,
        TOO_SLOW,
        `too slow: ${Math.round(c.socket.bufferedAmount / 1024)} KiB waiting; narrow the filter or reconnect`,
      );
    }
    this.counters.messages++;
    c.socket.send(json);
  }

  private drop(c: Client, code: number, reason: string): void {
    this.clients.delete(c);
    c.socket.close(code, reason);
    setTimeout(() => c.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  stop(): void {
    clearInterval(this.pinger);
    for (const f of this.detach) f();
    for (const c of [...this.clients]) this.drop(c, 1001, 'the hub is stopping');
  }
}

function mqttOf(s: BusState): { connected: boolean; endpoint: string } {
  return { connected: s.connected, endpoint: s.endpoint };
}

import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { withDeadline } from '../core/deadline.js';
import { HubError } from '../core/errors.js';
import type { Bus, BusState, MessageHandler, PublishOptions } from './bus.js';

export interface ExternalBusOptions {
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  /** Retained will: published by the broker if the hub vanishes. */
  will?: { topic: string; payload: string };
  log: Logger;
  /** First and longest wait between reconnect attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** The URL as shown to people: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * The hub's connection to an external broker (Mosquitto, EMQX, HiveMQ).
 * Reconnects forever with exponential backoff, restores subscriptions after
 * each reconnect, and refuses to publish while disconnected so commands fail
 * fast instead of sitting in a queue nobody will send.
 */
export class ExternalBus extends EventEmitter implements Bus {
  private client?: MqttClient;
  private readonly handlers: MessageHandler[] = [];
  private readonly filters = new Set<string>();
  private backoff: number;
  private _state: BusState;
  private stopping = false;

  constructor(private readonly opts: ExternalBusOptions) {
    super();
    this.backoff = opts.minBackoffMs ?? 1000;
    this._state = {
      connected: false,
      endpoint: redactUrl(opts.url),
      since: Date.now(),
      reconnects: 0,
    };
  }

  get state(): BusState {
    return this._state;
  }

  private setState(patch: Partial<BusState>): void {
    const wasConnected = this._state.connected;
    this._state = { ...this._state, ...patch };
    if (patch.connected !== undefined && patch.connected !== wasConnected) {
      this._state.since = Date.now();
      this.emit('state', this._state);
    }
  }

  start(): Promise<void> {
    const min = this.opts.minBackoffMs ?? 1000;
    const max = this.opts.maxBackoffMs ?? 30_000;
    const options: IClientOptions = {
      clientId: this.opts.clientId ?? `wattbridge-${Math.random().toString(16).slice(2, 10)}`,
      reconnectPeriod: min,
      connectTimeout: 10_000,
      keepalive: 30,
      clean: true,
      // Never queue while offline: a command must fail now, not fire later.
      queueQoSZero: false,
      resubscribe: false,
    };
    // Credentials may sit in the URL or in flags; flags win. mqtt.js would let
    // the URL win, so the URL goes to it without them.
    const url = new URL(this.opts.url);
    const username =
      this.opts.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password =
      this.opts.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    url.username = '';
    url.password = '';
    if (username !== undefined) options.username = username;
    if (password !== undefined) options.password = password;
    if (this.opts.will)
      options.will = {
        topic: this.opts.will.topic,
        payload: Buffer.from(this.opts.will.payload),
        qos: 1,
        retain: true,
      };
    const client = mqtt.connect(url.toString(), options);
    this.client = client;
    const log = this.opts.log;
    client.on('connect', () => {
      this.backoff = min;
      client.options.reconnectPeriod = min;
      log.info({ broker: this._state.endpoint }, 'connected to MQTT broker');
      this.setState({ connected: true, lastError: undefined, retryInMs: undefined });
      if (this.filters.size > 0) client.subscribe([...this.filters], { qos: 0 });
    });
    client.on('close', () => {
      if (this.stopping) return;
      if (this._state.connected)
        log.warn({ broker: this._state.endpoint }, 'lost the MQTT broker; reconnecting');
      // Exponential backoff: mqtt.js reads reconnectPeriod before each wait.
      client.options.reconnectPeriod = this.backoff;
      this.setState({ connected: false, retryInMs: this.backoff });
      this.backoff = Math.min(max, this.backoff * 2);
    });
    client.on('reconnect', () => {
      this.setState({ reconnects: this._state.reconnects + 1 });
      log.debug({ broker: this._state.endpoint, attempt: this._state.reconnects }, 'reconnecting');
    });
    client.on('error', (err) => {
      this.setState({ lastError: err.message });
      log.warn({ broker: this._state.endpoint, err: err.message }, 'MQTT broker error');
    });
    client.on('message', (topic, payload, packet) => {
      for (const h of this.handlers) h(topic, payload, packet.retain);
    });
    return Promise.resolve();
  }

  /** Resolves once connected, or after `timeoutMs` either way. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this._state.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.off('state', on);
        resolve(false);
      }, timeoutMs);
      const on = (s: BusState) => {
        if (!s.connected) return;
        clearTimeout(t);
        this.off('state', on);
        resolve(true);
      };
      this.on('state', on);
    });
  }

  async subscribe(filters: readonly string[]): Promise<void> {
    const fresh = filters.filter((f) => !this.filters.has(f));
    for (const f of fresh) this.filters.add(f);
    if (fresh.length > 0 && this.client?.connected)
      await this.client.subscribeAsync(fresh, { qos: 0 });
  }

  onMessage(handler: MessageHandler): void {
    this.handlers.push(handler);
  }

  async publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    if (!this.client?.connected) {
      throw new HubError(
        'disconnected',
        `Not connected to the MQTT broker at ${this._state.endpoint}${this._state.lastError ? ` (${this._state.lastError})` : ''}; reconnecting. Nothing was sent.`,
      );
    }
    await this.client.publishAsync(topic, payload, {
      qos: opts.qos ?? 0,
      retain: opts.retain ?? false,
    });
  }

  /** Disconnect cleanly, or drop the connection when the broker does not answer within `graceMs`. */
  async stop(graceMs = 1000): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    try {
      await withDeadline(client.endAsync(), graceMs, 'MQTT disconnect');
    } catch {
      await client.endAsync(true);
    }
    this.setState({ connected: false });
  }
}

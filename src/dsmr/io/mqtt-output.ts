/**
 * smartmeter2mqtt's MQTT output, topic for topic, so its subscribers (Home
 * Assistant sensors, Node-RED flows) keep working:
 * - `<prefix>/connected`: `2` retained while connected, `0` as the retained
 *   will (own connection only) and on a clean stop;
 * - the per-telegram topics of Smartmeter2mqttTopics: `status/energy`
 *   (retained), the `--mqtt-distinct` fields (zeros too), `status/usage`,
 *   `status/gasUsage`, Home Assistant discovery.
 * The broker connection is either its own (an ExternalBus to `url`, with
 * reconnect and will) or a bus it is given (the hub's), which it neither
 * starts nor stops. While disconnected, or while too many publishes are
 * still unsent, a telegram is dropped and counted rather than queued.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Bus } from '../../mqtt/bus.js';
import { ExternalBus } from '../../mqtt/external-bus.js';
import { Smartmeter2mqttTopics } from '../smartmeter2mqtt-topics.js';
import type { P1Output, P1Telegram } from './output.js';

export const DEFAULT_MQTT_PREFIX = 'smartmeter';
const CLOSE_WAIT_MS = 1000;

/** smartmeter2mqtt's `--mqtt-distinct-fields` default. */
export const DEFAULT_DISTINCT_FIELDS: readonly string[] = [
  'currentTarrif',
  'totalT1Use',
  'totalT2Use',
  'totalT1Delivered',
  'totalT2Delivered',
  'powerSn',
  'currentUsage',
  'currentDelivery',
];

export interface MqttOutputOptions {
  /** Broker to connect to (an own connection); or give `bus`. */
  url?: string;
  /** A connection someone else owns and runs (the hub's bus). */
  bus?: Bus;
  /** Topic prefix (default `smartmeter`). */
  prefix?: string;
  /** Also publish each of `distinctFields` on its own topic. */
  distinct?: boolean;
  distinctFields?: readonly string[];
  /** `last_reset` added to the energy message (`--mqtt-last-reset`). */
  lastReset?: string;
  /** Home Assistant discovery under this prefix (e.g. `homeassistant`); none when absent. */
  discoveryPrefix?: string;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Publishes not yet written to the broker beyond which telegrams are dropped (default 100). */
  maxPending?: number;
  /**
   * How long start() waits for the first connection (default 3 s), so a
   * replay's first telegrams are not dropped; the output starts either way.
   */
  startWaitMs?: number;
}

export class MqttOutput implements P1Output {
  /** Telegrams published, and dropped for want of a connection. */
  readonly counters = { published: 0, dropped: 0 };
  readonly bus: Bus;
  private readonly owned: ExternalBus | null;
  private readonly prefix: string;
  private readonly topics: Smartmeter2mqttTopics;
  private readonly maxPending: number;
  private pending = 0;
  private readonly onState = (s: { connected: boolean }): void => {
    if (s.connected) this.send(this.topics.connectedTopic, '2', true);
  };

  constructor(private readonly options: MqttOutputOptions) {
    this.prefix = options.prefix ?? DEFAULT_MQTT_PREFIX;
    this.topics = new Smartmeter2mqttTopics({
      prefix: this.prefix,
      distinctFields:
        options.distinct === true ? (options.distinctFields ?? DEFAULT_DISTINCT_FIELDS) : [],
      lastReset: options.lastReset,
      discoveryPrefix: options.discoveryPrefix,
    });
    this.maxPending = options.maxPending ?? 100;
    if (options.bus !== undefined) {
      this.bus = options.bus;
      this.owned = null;
    } else {
      if (options.url === undefined) throw new Error('MqttOutput needs a url or a bus');
      this.owned = new ExternalBus({
        url: options.url,
        log: options.log,
        will: { topic: this.topics.connectedTopic, payload: '0' },
        minBackoffMs: options.minBackoffMs,
        maxBackoffMs: options.maxBackoffMs,
      });
      this.bus = this.owned;
    }
  }

  get description(): string {
    return `mqtt ${this.bus.state.endpoint} (${this.prefix}/)`;
  }

  async start(): Promise<void> {
    this.bus.on('state', this.onState);
    if (this.owned === null) {
      if (this.bus.state.connected) this.onState(this.bus.state);
      return;
    }
    await this.owned.start();
    const wait = this.options.startWaitMs ?? 3000;
    if (wait > 0 && !(await this.owned.waitConnected(wait)))
      this.options.log.warn(
        { broker: this.bus.state.endpoint, err: this.bus.state.lastError },
        'MQTT broker not reachable yet; telegrams are dropped until it is',
      );
  }

  /** Resolves once connected, or after `timeoutMs` either way. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    if (this.owned !== null) return this.owned.waitConnected(timeoutMs);
    return Promise.resolve(this.bus.state.connected);
  }

  write(t: P1Telegram): void {
    if (!this.bus.state.connected || this.pending >= this.maxPending) {
      this.counters.dropped++;
      return;
    }
    this.counters.published++;
    for (const p of this.topics.publishes(t.message, t.json, t.receivedAt))
      this.send(p.topic, p.payload, p.retain);
  }

  /**
   * Says `0` on the connected topic (a clean disconnect sends no will), then
   * disconnects. A broker that vanished a moment ago may still look
   * connected and never confirm, so the goodbye gets `CLOSE_WAIT_MS`.
   */
  async close(): Promise<void> {
    this.bus.off('state', this.onState);
    if (this.bus.state.connected) {
      const goodbye = this.bus
        .publish(this.topics.connectedTopic, '0', { retain: true })
        .catch(() => undefined);
      await Promise.race([goodbye, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
    }
    await this.owned?.stop();
    if (this.counters.dropped > 0)
      this.options.log.info(
        { ...this.counters, broker: this.bus.state.endpoint },
        'MQTT telegrams published and dropped',
      );
  }

  private send(topic: string, payload: string, retain: boolean): void {
    this.pending++;
    this.bus
      .publish(topic, payload, { retain })
      .catch((err: Error) => this.options.log.debug({ topic, err: err.message }, 'publish failed'))
      .finally(() => this.pending--);
  }
}

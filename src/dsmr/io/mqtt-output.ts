/**
 * smartmeter2mqtt's MQTT output, topic for topic, so its subscribers (Home
 * Assistant sensors, Node-RED flows) keep working:
 * - `<prefix>/connected`: `2` retained while connected, `0` as the retained
 *   will and on a clean stop;
 * - `<prefix>/status/energy`: the message JSON, retained, every telegram;
 * - with `distinct`: `<prefix>/status/<field>` = `{"ts":<epoch ms>,"val":v}`,
 *   retained, for each listed field the telegram has, zero included
 *   (smartmeter2mqtt skipped falsy values, so a 0 W export never arrived).
 * The broker connection (reconnect with backoff, will) is the hub's
 * ExternalBus. While disconnected, or while too many publishes are still
 * unsent, a telegram is dropped and counted rather than queued.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { ExternalBus } from '../../mqtt/external-bus.js';
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
  url: string;
  /** Topic prefix (default `smartmeter`). */
  prefix?: string;
  /** Also publish each of `distinctFields` on its own topic. */
  distinct?: boolean;
  distinctFields?: readonly string[];
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
  readonly bus: ExternalBus;
  private readonly prefix: string;
  private readonly fields: readonly string[];
  private readonly maxPending: number;
  private pending = 0;

  constructor(private readonly options: MqttOutputOptions) {
    this.prefix = options.prefix ?? DEFAULT_MQTT_PREFIX;
    this.fields =
      options.distinct === true ? (options.distinctFields ?? DEFAULT_DISTINCT_FIELDS) : [];
    this.maxPending = options.maxPending ?? 100;
    this.bus = new ExternalBus({
      url: options.url,
      log: options.log,
      will: { topic: `${this.prefix}/connected`, payload: '0' },
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
    });
  }

  get description(): string {
    return `mqtt ${this.bus.state.endpoint} (${this.prefix}/)`;
  }

  async start(): Promise<void> {
    this.bus.on('state', (s: { connected: boolean }) => {
      if (s.connected) this.send(`${this.prefix}/connected`, '2');
    });
    await this.bus.start();
    const wait = this.options.startWaitMs ?? 3000;
    if (wait > 0 && !(await this.bus.waitConnected(wait)))
      this.options.log.warn(
        { broker: this.bus.state.endpoint, err: this.bus.state.lastError },
        'MQTT broker not reachable yet; telegrams are dropped until it is',
      );
  }

  /** Resolves once connected, or after `timeoutMs` either way. */
  waitConnected(timeoutMs: number): Promise<boolean> {
    return this.bus.waitConnected(timeoutMs);
  }

  write(t: P1Telegram): void {
    if (!this.bus.state.connected || this.pending >= this.maxPending) {
      this.counters.dropped++;
      return;
    }
    this.counters.published++;
    this.send(`${this.prefix}/status/energy`, t.json);
    for (const field of this.fields) {
      const val = t.message[field];
      if (val === undefined || val === null) continue;
      this.send(`${this.prefix}/status/${field}`, JSON.stringify({ ts: t.receivedAt, val }));
    }
  }

  /**
   * Says `0` on the connected topic (a clean disconnect sends no will), then
   * disconnects. A broker that vanished a moment ago may still look
   * connected and never confirm, so the goodbye gets `CLOSE_WAIT_MS`.
   */
  async close(): Promise<void> {
    if (this.bus.state.connected) {
      const goodbye = this.bus
        .publish(`${this.prefix}/connected`, '0', { retain: true })
        .catch(() => undefined);
      await Promise.race([goodbye, sleep(CLOSE_WAIT_MS, undefined, { ref: false })]);
    }
    await this.bus.stop();
    if (this.counters.dropped > 0)
      this.options.log.info(
        { ...this.counters, broker: this.bus.state.endpoint },
        'MQTT telegrams published and dropped',
      );
  }

  private send(topic: string, payload: string): void {
    this.pending++;
    this.bus
      .publish(topic, payload, { retain: true })
      .catch((err: Error) => this.options.log.debug({ topic, err: err.message }, 'publish failed'))
      .finally(() => this.pending--);
  }
}

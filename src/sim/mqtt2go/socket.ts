import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { SocketModel, type OnOff } from './model.js';
import { measurementReports, respond, stateReport } from './respond.js';
import { Wire, type Report, type SimVersion } from './wire.js';
import { firstConnect } from '../first-connect.js';

/** Misbehaviour a simulated socket can be told to show. */
export interface Mqtt2goFaults {
  /** Every publish is sent twice. */
  duplicate?: boolean;
  /** No NTP: timestamps count from 1970 + uptime and timers never fire. */
  noNtp?: boolean;
  /** Answers to commands are published this many ms late (the state changes at once). */
  replyDelayMs?: number;
  /** Commands are swallowed: nothing changes, nothing is said. */
  neverReply?: boolean;
}

export interface Mqtt2goSocketOptions {
  mqttUrl: string;
  version: SimVersion;
  home: string;
  gateway: string;
  /** dev_id, also the MQTT client id as in the firmware. */
  devId: string;
  /** 1.x group_id (default `group1`). */
  group?: string;
  /** Periodic report interval (default 10 000 ms, the firmware's). */
  intervalMs?: number;
  /** Watts drawn while on (default 60). */
  loadWatts?: number;
  /** Default 230. */
  voltage?: number;
  powerOn?: boolean;
  /** Epoch ms; default Date.now. Timers and reports follow it. */
  clock?: () => number;
  faults?: Mqtt2goFaults;
  /** Give up on the first connection after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

const TICK_MS = 1000;

/**
 * One simulated MQTT2GO smart socket: switches on `switch/in` (1.2:
 * command_type set) and confirms, reports power, voltage, current and
 * consumption (cumulative Ws) with priority 2 every interval, runs daily
 * set_timer actions, answers about and state queries, and on remove
 * confirms, resets to factory settings and falls silent (a real socket
 * then waits to be added to a home again). There is no LWT in MQTT2GO.
 *
 * Events: 'connect', 'command' ({ topic, payload } after it was handled),
 * 'publish' ({ topic, payload }), 'timer' (state it set), 'removed'.
 */
export class Mqtt2goSocket extends EventEmitter {
  readonly devId: string;
  readonly version: SimVersion;
  private readonly opts: Mqtt2goSocketOptions;
  private readonly clock: () => number;
  private readonly wire: Wire;
  private readonly model: SocketModel;
  private readonly bootMs: number;
  private readonly intervalMs: number;
  private faults: Mqtt2goFaults;
  private client: MqttClient | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  private lastReportAt: number | undefined;
  private stopped = false;
  private removed = false;

  constructor(opts: Mqtt2goSocketOptions) {
    super();
    const group = opts.group ?? 'group1';
    for (const [name, v] of [
      ['home', opts.home],
      ['gateway', opts.gateway],
      ['devId', opts.devId],
      ['group', group],
    ] as const) {
      if (!v || /[+#/]/.test(v)) throw new Error(`invalid MQTT2GO ${name} "${v}"`);
    }
    this.opts = opts;
    this.devId = opts.devId;
    this.version = opts.version;
    this.clock = opts.clock ?? Date.now;
    this.bootMs = this.clock();
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.faults = { ...opts.faults };
    this.wire = new Wire(opts.version, {
      home: opts.home,
      gateway: opts.gateway,
      group,
      devId: opts.devId,
    });
    this.model = new SocketModel(
      opts.loadWatts ?? 60,
      opts.voltage ?? 230,
      opts.powerOn ?? false,
      this.bootMs,
    );
  }

  get isOn(): boolean {
    return this.model.on;
  }

  /** Cumulative energy (Ws) as integrated so far. */
  get consumptionWs(): number {
    return this.model.consumptionWs;
  }

  /** Daily timers as `hh:mm:ss` → state. */
  timers(): Record<string, OnOff> {
    const out: Record<string, OnOff> = {};
    for (const [at, state] of [...this.model.timers].sort(([a], [b]) => a - b)) {
      const hh = String(Math.floor(at / 3600)).padStart(2, '0');
      const mm = String(Math.floor(at / 60) % 60).padStart(2, '0');
      const ss = String(at % 60).padStart(2, '0');
      out[`${hh}:${mm}:${ss}`] = state;
    }
    return out;
  }

  setFaults(faults: Mqtt2goFaults): void {
    this.faults = { ...faults };
  }

  /** Fault: the energy counter falls back to zero. */
  resetCounter(): void {
    this.model.consumptionWs = 0;
  }

  /** Connects, subscribes, says its state and reports once; resolves when that is sent. */
  start(): Promise<void> {
    if (this.client || this.stopped)
      return Promise.reject(new Error(`socket ${this.devId} already started`));
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    const client = mqtt.connect(this.opts.mqttUrl, {
      clientId: this.devId,
      protocolVersion: 4,
      keepalive: 30,
      clean: true,
      reconnectPeriod: 5000,
      connectTimeout: 4000,
      queueQoSZero: false,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    return firstConnect(client, this.opts.mqttUrl, timeoutMs, async () => {
      await this.onConnect(client);
      this.emit('connect');
    }).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    if (this.stopped || this.removed) return;
    await client.subscribeAsync(this.wire.subscriptions(), { qos: 1 });
    this.publish([stateReport(this.model, 'status', this.seconds())]);
    this.report(this.clock());
    if (!this.ticker) {
      this.ticker = setInterval(() => this.tick(), Math.min(TICK_MS, this.intervalMs));
      this.ticker.unref();
    }
  }

  /** Disconnect cleanly; nothing more is published. */
  async stop(): Promise<void> {
    const client = this.client;
    this.halt();
    await client?.endAsync().catch(() => undefined);
  }

  /** Die without a clean disconnect (power pulled): the socket is destroyed. */
  kill(): void {
    const client = this.client;
    this.halt();
    client?.end(true);
  }

  private halt(): void {
    this.stopped = true;
    this.client = undefined;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }

  /** Advance energy, timers and the report interval to `now` (default: the clock). */
  tick(now = this.clock()): void {
    if (this.stopped || this.removed) return;
    for (const state of this.model.advance(now, !this.faults.noNtp)) {
      this.publish([stateReport(this.model, 'status', this.seconds())]);
      this.emit('timer', state);
    }
    if (this.lastReportAt === undefined || now - this.lastReportAt >= this.intervalMs)
      this.report(now);
  }

  // --- what the socket says --------------------------------------------------

  /** The socket's clock in Unix seconds; without NTP it counts from 1970. */
  private seconds(now = this.clock()): number {
    return Math.floor((this.faults.noNtp ? now - this.bootMs : now) / 1000);
  }

  private report(now: number): void {
    this.lastReportAt = now;
    this.publish(measurementReports(this.model, 'periodic_report', this.seconds(now)));
  }

  // --- commands --------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    if (this.stopped || this.removed) return;
    const request = this.wire.parse(topic, payload);
    if (request === undefined) return; // 1.x: our own reports on the shared topic
    if (!this.faults.neverReply) {
      this.tick();
      const { reports, removed } = respond(this.model, request, {
        version: this.version,
        devId: this.devId,
        topics: this.wire.topics(),
        timestamp: this.seconds(),
      });
      this.reply(reports);
      if (removed) {
        // Reset already; falls silent now, its confirmation still goes out.
        this.removed = true;
        this.emit('removed');
      }
    }
    this.emit('command', { topic, payload: payload.toString('utf8') });
  }

  /** Publish a command's answers, late under the replyDelayMs fault. */
  private reply(reports: Report[]): void {
    const delay = this.faults.replyDelayMs ?? 0;
    if (delay <= 0) return this.publish(reports, true);
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.publish(reports, true);
    }, delay);
    this.pending.add(t);
  }

  private publish(reports: Report[], evenIfRemoved = false): void {
    const client = this.client;
    if (!client || this.stopped || (this.removed && !evenIfRemoved)) return;
    const times = this.faults.duplicate ? 2 : 1;
    for (const r of reports) {
      const { topic, payload } = this.wire.encode(r);
      for (let i = 0; i < times; i++) {
        // Nothing retained: the simulator leaves no state on a shared broker.
        client.publish(topic, payload, { qos: 0, retain: false }, () => undefined);
        this.emit('publish', { topic, payload });
      }
    }
  }
}

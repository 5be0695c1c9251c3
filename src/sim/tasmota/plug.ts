import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { MAX_PAYLOAD_BYTES, parseCommand, splitCommandLine } from './commands.js';
import { DEFAULT_TELE_PERIOD_S, TasmotaDevice } from './device.js';
import type { TimerSetting } from './timers.js';
import { discoveryMessages } from './discovery.js';
import type { DispatchResult } from './dispatch.js';
import { dispatch } from './dispatch.js';
import type { EnergyCounters } from './energy.js';
import { toJson } from './format.js';
import type { Identity } from './identity.js';
import { macFromTopic, makeIdentity } from './identity.js';
import { infoBodies } from './status.js';
import type { CommandOrigin } from './topics.js';
import { TopicLayout } from './topics.js';
import type { LoadModel, Outbound, TasmotaFaults } from './types.js';
import { firstConnect } from '../first-connect.js';

export type { LoadModel, TasmotaFaults } from './types.js';

export interface TasmotaPlugOptions {
  mqttUrl: string;
  /** Tasmota Topic, e.g. 'sp_w.r1.c1' or 'tasmota_3D5E26'. */
  topic: string;
  /** 12 hex digits; derived from a hash of the topic if absent. */
  mac?: string;
  /** Default 1 (POWER); more than one uses POWER1..n. */
  relays?: number;
  /** Watts drawn per relay while on (function of relay and epoch ms); default 60. */
  loadWatts?: LoadModel;
  /** Default 230. */
  voltage?: number;
  /** Default 300; 10..3600 like the firmware, 0 disables. */
  telePeriodS?: number;
  /** Default 'tasmotas'. */
  groupTopic?: string;
  /** Default '%prefix%/%topic%/'. */
  fullTopic?: string;
  /** Publish retained tasmota/discovery/<MAC>/config|sensors; default true. */
  discovery?: boolean;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  faults?: TasmotaFaults;
  initialEnergyTotalKWh?: number;
  /** Relays on at boot (PowerOnState 1); default off. */
  powerOn?: boolean;
  /** Give up on the first connection after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  /** Reconnect delay after losing the broker (default 10000 ms, Tasmota's MqttRetry). */
  reconnectMs?: number;
}

/** Pause between Backlog commands (SetOption34 default). */
const BACKLOG_DELAY_MS = 200;
const TICK_MS = 1000;
/** How long start() waits for its own empty POWER command to come back. */
const SELF_POWER_WAIT_MS = 2000;

/**
 * One simulated Tasmota smart plug on an MQTT broker, behaving like the
 * firmware: LWT, self POWER message, INFO1-3, discovery, command replies,
 * teleperiod STATE/SENSOR with integrated energy, PulseTime, timers, Backlog,
 * and injectable faults.
 *
 * Events: 'connect' (after the connect sequence), 'disconnect',
 * 'command' ({ topic, payload }, after it was handled), 'publish'
 * ({ topic, payload, retain }).
 */
export class TasmotaPlug extends EventEmitter {
  readonly topic: string;
  readonly mac: string;

  private readonly opts: TasmotaPlugOptions;
  private readonly clock: () => number;
  private readonly identity: Identity;
  private readonly layout: TopicLayout;
  private readonly device: TasmotaDevice;
  private readonly mqttHost: string;
  private readonly mqttPort: number;
  private faults: TasmotaFaults;
  private client: MqttClient | undefined;
  private interval: NodeJS.Timeout | undefined;
  private pulseWake: NodeJS.Timeout | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  private backlog: string[] = [];
  private backlogNoDelay = false;
  private backlogTimer: NodeJS.Timeout | undefined;
  private booted = false;
  private stopped = false;

  constructor(opts: TasmotaPlugOptions) {
    super();
    if (!opts.topic || /[+#]/.test(opts.topic)) {
      throw new Error(`invalid Tasmota topic "${opts.topic}"`);
    }
    this.opts = opts;
    this.clock = opts.clock ?? Date.now;
    this.faults = { ...opts.faults };
    this.identity = makeIdentity(opts.topic, opts.mac ?? macFromTopic(opts.topic));
    this.topic = opts.topic;
    this.mac = this.identity.mac;
    this.layout = new TopicLayout({
      fullTopic: opts.fullTopic ?? '%prefix%/%topic%/',
      topic: opts.topic,
      groupTopic: opts.groupTopic ?? 'tasmotas',
      hostname: this.identity.hostname,
      mac: this.identity.mac,
      clientId: this.identity.clientId,
    });
    this.device = new TasmotaDevice({
      identity: this.identity,
      layout: this.layout,
      relays: opts.relays ?? 1,
      loadWatts: opts.loadWatts ?? 60,
      voltage: opts.voltage ?? 230,
      telePeriodS: opts.telePeriodS ?? DEFAULT_TELE_PERIOD_S,
      initialEnergyTotalKWh: opts.initialEnergyTotalKWh ?? 0,
      powerOn: opts.powerOn ?? false,
      bootMs: this.clock(),
    });
    this.device.timeValid = !this.faults.noNtp;
    const url = new URL(opts.mqttUrl);
    this.mqttHost = url.hostname;
    this.mqttPort = url.port ? Number(url.port) : 1883;
  }

  /** Connects; resolves once Online (and the rest of the connect sequence) is published. */
  start(): Promise<void> {
    if (this.client || this.stopped)
      return Promise.reject(new Error(`plug ${this.topic} already started`));
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    const client = mqtt.connect(this.opts.mqttUrl, {
      clientId: this.identity.clientId,
      protocolVersion: 4,
      keepalive: 30,
      clean: true,
      reconnectPeriod: this.opts.reconnectMs ?? 10_000,
      connectTimeout: 4000,
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: this.lwtTopic(), payload: Buffer.from('Offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('close', () => this.emit('disconnect'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    return firstConnect(client, this.opts.mqttUrl, timeoutMs, async () => {
      await this.onConnect(client);
      if (!this.interval && !this.stopped) {
        this.interval = setInterval(() => this.tick(), TICK_MS);
        this.interval.unref();
      }
      this.emit('connect');
    }).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
  }

  /** Controlled shutdown: publish Offline (retained), disconnect cleanly, publish nothing more. */
  async stop(): Promise<void> {
    const client = this.client;
    this.halt();
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(this.lwtTopic(), 'Offline', { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await client.endAsync().catch(() => undefined);
  }

  /** Die without a clean disconnect: the socket is destroyed, the broker fires the LWT. */
  kill(): void {
    const client = this.client;
    this.halt();
    client?.end(true);
  }

  /**
   * Topics this plug leaves retained on its broker (LWT, discovery): what to
   * clear so a shared broker forgets a simulated plug.
   */
  retainedTopics(): string[] {
    const mac = this.mac.replace(/:/g, '').toUpperCase();
    return [this.lwtTopic(), `tasmota/discovery/${mac}/config`, `tasmota/discovery/${mac}/sensors`];
  }

  relayState(relay = 1): boolean {
    return this.device.isOn(relay);
  }

  /** Timer<index> (1-based) as the device holds it, and whether `Timers` is on. */
  timer(index: number): TimerSetting & { timersOn: boolean } {
    return { ...this.device.timers.get(index), timersOn: this.device.timers.enabled };
  }

  /** The counters as integrated so far. */
  energy(): EnergyCounters {
    return this.device.energy.counters();
  }

  setFaults(faults: TasmotaFaults): void {
    this.faults = { ...faults };
    this.device.timeValid = !this.faults.noNtp;
  }

  /** Fault: the counters fall back to zero, as after a power loss before saving. */
  resetCounters(): void {
    this.device.energy.reset();
  }

  /** Advance integration, pulse timers, clock timers and teleperiod to `nowMs` (default: the clock). */
  tick(nowMs?: number): void {
    const out: Outbound[] = [];
    this.device.advance(nowMs ?? this.clock(), out);
    this.publishAll(out);
    this.schedulePulseWake();
  }

  // --- connection ----------------------------------------------------------

  private lwtTopic(): string {
    return this.layout.build('tele', 'LWT');
  }

  private async onConnect(client: MqttClient): Promise<void> {
    if (this.stopped) return;
    this.device.mqttCount++;
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    // Subscribing before announcing Online, so a controller reacting to
    // Online with a poll is never lost.
    await client.subscribeAsync(this.layout.subscriptions(), { qos: 0 });
    await this.publishAwait(this.lwtTopic(), 'Online', true);
    const selfPower = this.layout.build('cmnd', 'POWER');
    const echo = this.commandSeen(selfPower, SELF_POWER_WAIT_MS);
    this.send(selfPower, '', false);
    const out: Outbound[] = [];
    if (!this.booted) {
      this.booted = true;
      for (const [subtopic, body] of infoBodies(this.device)) {
        out.push({ prefix: 'tele', subtopic, payload: toJson(body) });
      }
      this.device.firstConnect(out);
    }
    this.publishAll(out);
    if (this.opts.discovery ?? true) {
      for (const msg of discoveryMessages(this.device)) {
        await this.publishAwait(this.resolve(msg), msg.payload, true);
      }
    }
    // Settle: the self-POWER has come back and been answered.
    await echo;
  }

  /** Resolves when a command on `topic` has been handled (or after `ms`). */
  private commandSeen(topic: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('command', onCommand);
        resolve();
      };
      const onCommand = (c: { topic: string }): void => {
        if (c.topic === topic) done();
      };
      const timer = setTimeout(done, ms);
      this.on('command', onCommand);
    });
  }

  private halt(): void {
    this.stopped = true;
    this.client = undefined;
    if (this.interval) clearInterval(this.interval);
    if (this.pulseWake) clearTimeout(this.pulseWake);
    if (this.backlogTimer) clearTimeout(this.backlogTimer);
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    this.backlog = [];
  }

  // --- commands ------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    if (this.stopped || payload.length >= MAX_PAYLOAD_BYTES) return;
    const incoming = this.layout.classify(topic);
    if (!incoming) return;
    const text = payload.toString('utf8');
    if (!this.faults.neverReply) {
      this.tick();
      const out: Outbound[] = [];
      this.execute(incoming.command, text, incoming.origin, out);
      this.reply(out);
      this.schedulePulseWake();
    }
    this.emit('command', { topic, payload: text });
  }

  private execute(
    command: string,
    data: string,
    origin: CommandOrigin,
    out: Outbound[],
  ): DispatchResult {
    const result = dispatch(
      this.device,
      parseCommand(command, data),
      { out, fallback: origin === 'fallback' },
      { mqttHost: this.mqttHost, mqttPort: this.mqttPort, backlogPending: this.backlog.length > 0 },
    );
    if (result.clearBacklog) {
      this.backlog = [];
      if (this.backlogTimer) clearTimeout(this.backlogTimer);
      this.backlogTimer = undefined;
    }
    if (result.backlog) {
      this.backlog.push(...result.backlog.commands);
      this.backlogNoDelay = result.backlog.noDelay;
      if (!this.backlogTimer) this.scheduleBacklog(0);
    }
    return result;
  }

  private scheduleBacklog(ms: number): void {
    this.backlogTimer = setTimeout(() => this.runBacklogStep(), ms);
  }

  private runBacklogStep(): void {
    this.backlogTimer = undefined;
    const line = this.backlog.shift();
    if (this.stopped || line === undefined) return;
    this.tick();
    const out: Outbound[] = [];
    const { command, data } = splitCommandLine(line);
    const result = this.execute(command, data, 'own', out);
    this.reply(out);
    this.schedulePulseWake();
    if (this.backlog.length > 0 && !this.backlogTimer) {
      this.scheduleBacklog(result.delayMs ?? (this.backlogNoDelay ? 0 : BACKLOG_DELAY_MS));
    }
  }

  /** Publish a command's output, late under the replyDelayMs fault. */
  private reply(out: Outbound[]): void {
    const delay = this.faults.replyDelayMs ?? 0;
    if (delay <= 0) {
      this.publishAll(out);
      return;
    }
    const t = setTimeout(() => {
      this.pending.delete(t);
      this.publishAll(out);
    }, delay);
    this.pending.add(t);
  }

  /** Wake up exactly when a PulseTime countdown ends (sub-second pulses). */
  private schedulePulseWake(): void {
    if (this.pulseWake) clearTimeout(this.pulseWake);
    this.pulseWake = undefined;
    const deadline = this.device.pulses.nextDeadline();
    if (deadline === undefined || this.stopped) return;
    const ms = deadline - this.clock();
    if (ms < 0 || ms >= TICK_MS) return;
    this.pulseWake = setTimeout(() => this.tick(), ms);
    this.pulseWake.unref();
  }

  // --- publishing ----------------------------------------------------------

  private resolve(msg: Outbound): string {
    return msg.prefix === 'absolute'
      ? msg.subtopic
      : this.layout.build(msg.prefix, msg.subtopic, msg.fallback);
  }

  private publishAll(out: Outbound[]): void {
    for (const msg of out) {
      // Never retain anything on a command topic ("ghost switching").
      this.send(this.resolve(msg), msg.payload, msg.prefix !== 'cmnd' && (msg.retain ?? false));
    }
  }

  private send(topic: string, payload: string, retain: boolean): void {
    const client = this.client;
    if (!client || !client.connected || this.stopped) return;
    const times = this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < times; i++) {
      client.publish(topic, payload, { qos: 0, retain }, () => undefined);
      this.emit('publish', { topic, payload, retain });
    }
  }

  /** QoS 1 publish, resolved once the broker has it (retained state is then visible). */
  private async publishAwait(topic: string, payload: string, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client || this.stopped) return;
    const times = this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < times; i++) {
      await client.publishAsync(topic, payload, { qos: 1, retain });
      this.emit('publish', { topic, payload, retain });
    }
  }
}

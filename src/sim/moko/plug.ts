import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import {
  APP_FIELDS,
  DEVICE_FIELDS,
  HEARTBEAT_S,
  intIn,
  MAX_CATALOGUE_BYTES,
} from '../../drivers/moko/protocol.js';
import { topicBase, type PlugIdentity } from '../../provision/moko/codes.js';
import type { BrokerSettings } from './ap-rules.js';
import { Countdown, delayBody } from './countdown.js';
import { runOta, type OtaOptions, type OtaRequest, type OtaResult } from './ota.js';
import { firstConnect } from '../first-connect.js';

/** Misbehaviour a simulated plug can be told to show. */
export interface MokoFaults {
  /** Every publish is sent twice. */
  duplicate?: boolean;
  /** What a command makes the plug publish comes this many ms late (the effect is at once). */
  replyDelayMs?: number;
  /** Commands are swallowed: nothing changes, nothing is said. */
  neverReply?: boolean;
  /** The periodic switch_state (the heartbeat) stops; everything else goes on. */
  noHeartbeat?: boolean;
}

export interface MokoPlugOptions {
  identity: PlugIdentity;
  broker: BrokerSettings;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
  /** Drive time only through tick() (tests with a controlled clock); default a 1 s interval. */
  manualTicks?: boolean;
  /** Watts drawn while on; default 60. */
  loadWatts?: number;
  /** Volts; default 230. */
  voltage?: number;
  /** Default '000001'; a successful OTA moves it on by one. */
  firmwareVersion?: string;
  /** Relay on at boot and after a power cycle; default off. */
  powerOn?: boolean;
  faults?: MokoFaults;
  ota?: Partial<OtaOptions>;
  /** Give up on the first connection after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

const DEFAULT_OTA: OtaOptions = {
  file: 'user2.1024.new.2.bin',
  attempts: 3,
  retryDelayMs: 200,
  timeoutMs: 3000,
};

/**
 * One provisioned Moko MK102/MK112 plug on its broker, as spec §3 describes
 * it: switch_state on connect, on every switch and every 30 s; electricity
 * every second when metering; countdowns reported every second; firmware
 * information on request; OTA over HTTP; delete_device on a 10 s button
 * press; and injectable faults.
 *
 * Events: 'connect', 'disconnect', 'publish' ({ topic, payload }),
 * 'command' ({ field, payload }, after it was handled), 'ota' (OtaResult),
 * 'reset' (factory reset: the plug left its broker).
 */
export class MokoPlug extends EventEmitter {
  readonly identity: PlugIdentity;
  /** The nativeId the hub gives this plug: its MAC without colons, lower case. */
  private readonly nativeId: string;
  readonly base: string;
  private readonly opts: MokoPlugOptions;
  private readonly clock: () => number;
  private readonly countdown = new Countdown();
  private faults: MokoFaults;
  private relayOn: boolean;
  private firmware: string;
  private client: MqttClient | undefined;
  private interval: NodeJS.Timeout | undefined;
  private lastHeartbeat = 0;
  private lastElectricity = 0;
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(opts: MokoPlugOptions) {
    super();
    this.opts = opts;
    this.identity = opts.identity;
    this.nativeId = opts.identity.device_mac.replace(/:/g, '').toLowerCase();
    this.base = topicBase(opts.identity);
    this.clock = opts.clock ?? Date.now;
    this.faults = { ...opts.faults };
    this.relayOn = opts.powerOn ?? false;
    this.firmware = opts.firmwareVersion ?? '000001';
  }

  get metering(): boolean {
    return this.identity.device_type === '1';
  }

  /** The nativeId the hub gives this plug. */
  get id(): string {
    return this.nativeId;
  }

  isOn(): boolean {
    return this.relayOn;
  }

  countdownRunning(): boolean {
    return this.countdown.running;
  }

  firmwareVersion(): string {
    return this.firmware;
  }

  setFaults(faults: MokoFaults): void {
    this.faults = { ...faults };
  }

  /** Connects with the provisioned settings; resolves once subscribed and switch_state is out. */
  start(): Promise<void> {
    if (this.client) return Promise.reject(new Error(`plug ${this.id} already started`));
    this.stopped = false;
    const b = this.opts.broker;
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    const url = `${b.connectMode === 1 ? 'mqtts' : 'mqtt'}://${b.host}:${b.port}`;
    const client = mqtt.connect(url, {
      clientId: b.clientId ?? this.id,
      // Provisioned plugs always have both (1-32 bytes); a fleet started from a bare URL has none.
      ...(b.username ? { username: b.username, password: b.password } : {}),
      keepalive: b.keepalive,
      clean: b.cleanSession,
      protocolVersion: 4,
      reconnectPeriod: 5000,
      connectTimeout: 4000,
      resubscribe: false,
      // A plug has no CA store worth the name; it takes the broker's certificate.
      rejectUnauthorized: false,
    });
    this.client = client;
    client.on('close', () => this.emit('disconnect'));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    return firstConnect(client, url, timeoutMs, async () => {
      await this.onConnect(client);
      this.emit('connect');
    }).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    if (this.stopped) return;
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const qos = this.qos();
    await client.subscribeAsync(
      Object.values(APP_FIELDS).map((f) => `${this.base}app/${f}`),
      { qos },
    );
    const now = this.clock();
    this.lastElectricity = now;
    this.publishSwitch(now);
    if (!this.opts.manualTicks && !this.interval) {
      this.interval = setInterval(() => this.tick(), 1000);
      this.interval.unref();
    }
  }

  /** Controlled shutdown: disconnect cleanly, publish nothing more. */
  async stop(): Promise<void> {
    const client = this.client;
    this.halt();
    await client?.endAsync().catch(() => undefined);
  }

  /** Die without a clean disconnect (the socket is just gone). */
  kill(): void {
    const client = this.client;
    this.halt();
    client?.end(true);
  }

  /** Unplugged and plugged in again after `offMs`: countdown lost, relay back to its power-on state. */
  async powerCycle(offMs = 0): Promise<void> {
    this.kill();
    this.countdown.cancel();
    this.relayOn = this.opts.powerOn ?? false;
    if (offMs > 0) await new Promise((r) => setTimeout(r, offMs));
    await this.start();
  }

  /**
   * The button held for `seconds`: 10 s or more is a factory reset, which a
   * connected plug announces on delete_device before it leaves its broker.
   */
  async pressButton(seconds: number): Promise<void> {
    if (seconds < 10) return;
    const client = this.client;
    if (client?.connected) {
      await client.publishAsync(`${this.base}device/${DEVICE_FIELDS.deleted}`, '{}', {
        qos: this.qos(),
      });
      this.emit('publish', { topic: `${this.base}device/${DEVICE_FIELDS.deleted}`, payload: '{}' });
    }
    await this.factoryReset();
  }

  private async factoryReset(): Promise<void> {
    await this.stop();
    this.emit('reset');
  }

  /** Advance countdown, heartbeat and electricity reports to `now` (default: the clock). */
  tick(now = this.clock()): void {
    if (this.stopped) return;
    const step = this.countdown.step(now);
    if (step.report !== undefined)
      this.publish(DEVICE_FIELDS.countdown, delayBody(step.report, this.countdown.target));
    if (step.expired) {
      this.switchTo(this.countdown.target);
      this.publishSwitch(now);
    }
    if (!this.faults.noHeartbeat && now - this.lastHeartbeat >= HEARTBEAT_S * 1000)
      this.publishSwitch(now);
    if (this.metering && now - this.lastElectricity >= 1000) {
      this.lastElectricity = now;
      this.publish(DEVICE_FIELDS.electricity, this.electricity());
    }
  }

  private electricity(): Record<string, number> {
    const volts = this.opts.voltage ?? 230;
    const watts = this.relayOn ? (this.opts.loadWatts ?? 60) : 0;
    return {
      voltage: Math.round(volts * 10),
      current: Math.round((watts / volts) * 1000),
      power: Math.round(watts),
    };
  }

  private switchTo(on: boolean): void {
    const changed = on !== this.relayOn;
    this.relayOn = on;
    // A state change ends a running countdown (spec §3.2.3, 1.), silently.
    if (changed) this.countdown.cancel();
  }

  private publishSwitch(now: number): void {
    this.lastHeartbeat = now;
    this.publish(DEVICE_FIELDS.switchState, { switch_state: this.relayOn ? 'on' : 'off' });
  }

  // --- commands ------------------------------------------------------------

  private onMessage(topic: string, payload: Buffer): void {
    const prefix = `${this.base}app/`;
    if (this.stopped || !topic.startsWith(prefix)) return;
    const field = topic.slice(prefix.length);
    const text = payload.toString('utf8');
    if (!this.faults.neverReply) this.execute(field, text);
    this.emit('command', { field, payload: text });
  }

  private execute(field: string, text: string): void {
    const now = this.clock();
    this.tick(now);
    const body = parseBody(text);
    switch (field) {
      case APP_FIELDS.switchState: {
        const s = body?.switch_state;
        if (s !== 'on' && s !== 'off') return;
        this.switchTo(s === 'on');
        this.later(() => this.publishSwitch(now));
        return;
      }
      case APP_FIELDS.countdown: {
        const h = body?.delay_hour;
        const m = body?.delay_minute;
        if (!intIn(h, 23) || !intIn(m, 59)) return;
        // A new countdown replaces the running one (spec §3.2.3, 3.).
        this.countdown.cancel();
        if (h * 3600 + m * 60 === 0) return;
        this.countdown.start(now, h * 3600 + m * 60, !this.relayOn);
        this.later(() => this.tick(now));
        return;
      }
      case APP_FIELDS.readFirmware:
        this.later(() => this.publish(DEVICE_FIELDS.firmware, this.firmwareInfo()));
        return;
      case APP_FIELDS.reset:
        void this.factoryReset();
        return;
      case APP_FIELDS.upgrade:
        if (body && isOtaRequest(body)) void this.upgrade(body);
        return;
    }
  }

  private firmwareInfo(): Record<string, string> {
    return {
      company_name: 'moko',
      production_date: '201801',
      product_model: this.identity.device_name,
      firmware_version: this.firmware,
      device_mac: this.identity.device_mac,
    };
  }

  private async upgrade(r: OtaRequest): Promise<void> {
    const result: OtaResult = await runOta(r, { ...DEFAULT_OTA, ...this.opts.ota });
    if (result === 'R1')
      this.firmware = String(Number(this.firmware) + 1).padStart(this.firmware.length, '0');
    this.publish(DEVICE_FIELDS.ota, { ota_result: result });
    this.emit('ota', result);
  }

  /** Run what a command publishes now, or late under the replyDelayMs fault. */
  private later(f: () => void): void {
    const delay = this.faults.replyDelayMs ?? 0;
    if (delay <= 0) return f();
    const t = setTimeout(() => {
      this.pending.delete(t);
      f();
    }, delay);
    this.pending.add(t);
  }

  // --- publishing ----------------------------------------------------------

  private qos(): 0 | 1 | 2 {
    const q = this.opts.broker.qos;
    return q === 1 || q === 2 ? q : 0;
  }

  private publish(field: string, body: object): void {
    const client = this.client;
    if (!client || !client.connected || this.stopped) return;
    const topic = `${this.base}device/${field}`;
    const payload = JSON.stringify(body);
    const times = this.faults.duplicate ? 2 : 1;
    for (let i = 0; i < times; i++) {
      client.publish(topic, payload, { qos: this.qos() }, () => undefined);
      this.emit('publish', { topic, payload });
    }
  }

  private halt(): void {
    this.stopped = true;
    this.client = undefined;
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isOtaRequest(b: Record<string, unknown>): b is Record<string, unknown> & OtaRequest {
  return (
    (b.type === 0 || b.type === 1) &&
    typeof b.realm === 'string' &&
    b.realm.length > 0 &&
    intIn(b.port, 65535) &&
    typeof b.catalogue === 'string' &&
    Buffer.byteLength(b.catalogue) < MAX_CATALOGUE_BYTES
  );
}

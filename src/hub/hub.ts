import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Command, PowerState } from '../core/commands.js';
import type { Driver } from '../core/driver.js';
import { DecodeError } from '../core/driver.js';
import { HubError, UNREACHABLE_MESSAGE } from '../core/errors.js';
import type { DeviceEvent, NativeRef, Protocol } from '../core/events.js';
import type { Bus } from '../mqtt/bus.js';
import type { Store } from '../store/store.js';
import { CommandTracker } from './command-tracker.js';
import {
  newDevice,
  snapshot,
  type Availability,
  type DeviceSnapshot,
  type DeviceState,
} from './device.js';
import { TopicFilter } from './topic-filter.js';

export interface HubOptions {
  bus: Bus;
  store: Store;
  drivers: Driver[];
  log: Logger;
  commandTimeoutMs: number;
  /** Per protocol: silence (ms) after which a device is unavailable. */
  silenceMs: Partial<Record<Protocol, number>>;
  baseTopic: string;
  now?: () => number;
  /** How often silence is checked (ms). */
  silenceCheckMs?: number;
}

export interface HubCounters {
  messages: number;
  decodeErrors: number;
  unrouted: number;
  readings: number;
  stateReports: number;
  commandsSent: number;
  commandsConfirmed: number;
  commandsFailed: number;
}

interface Route {
  driver: Driver;
  filters: TopicFilter[];
}

const DEFAULT_SILENCE_MS = 15 * 60_000;
const REJECT_LOG_INTERVAL_MS = 10_000;

/**
 * The hub core: one state funnel for every driver. It routes bus messages to
 * drivers, applies their events to the registry, stores readings, tracks
 * availability and commands, and tells listeners what changed.
 *
 * Events: 'state' (DeviceSnapshot, relay), 'reading' (id, metric, value, ts),
 * 'availability' (DeviceSnapshot), 'device' (DeviceSnapshot, new device).
 */
export class Hub extends EventEmitter {
  readonly counters: HubCounters = {
    messages: 0,
    decodeErrors: 0,
    unrouted: 0,
    readings: 0,
    stateReports: 0,
    commandsSent: 0,
    commandsConfirmed: 0,
    commandsFailed: 0,
  };
  /** Decode errors by reason, for the health endpoint (bounded). */
  readonly lastDecodeErrors: { ts: string; topic: string; error: string }[] = [];
  private readonly devicesById = new Map<string, DeviceState>();
  /** protocol -> nativeId -> device */
  private readonly byNative = new Map<Protocol, Map<string, DeviceState>>();
  private readonly routes: Route[];
  private readonly tracker: CommandTracker;
  private readonly now: () => number;
  private silenceTimer?: NodeJS.Timeout;
  private stopping = false;
  private lastRejectLog = -Infinity;
  private rejectsSinceLog = 0;

  constructor(private readonly opts: HubOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.tracker = new CommandTracker(opts.commandTimeoutMs);
    this.routes = opts.drivers.map((driver) => ({
      driver,
      filters: driver.subscriptions().map((f) => new TopicFilter(f)),
    }));
  }

  async start(): Promise<void> {
    for (const d of this.opts.store.devices()) {
      const dev = this.register(d.protocol, d.nativeId, d.firstSeen, d.id);
      dev.info = d.info;
      dev.lastSeen = d.lastSeen;
      dev.availabilityReason = 'not heard from since the hub started';
    }
    this.opts.bus.onMessage((topic, payload) => this.handleMessage(topic, payload));
    await this.opts.bus.subscribe(this.routes.flatMap((r) => r.filters.map((f) => f.filter)));
    const every = this.opts.silenceCheckMs ?? 5000;
    this.silenceTimer = setInterval(() => this.checkSilence(), every);
    this.silenceTimer.unref();
    await this.publishStatus('online');
  }

  /** Publish the hub's own retained status; a disconnected bus is not an error here. */
  private async publishStatus(status: 'online' | 'offline'): Promise<void> {
    try {
      await this.opts.bus.publish(`${this.opts.baseTopic}/status`, status, {
        retain: true,
        qos: 1,
      });
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, `could not publish status ${status}`);
    }
  }

  handleMessage(topic: string, payload: Buffer): void {
    if (this.stopping) return;
    this.counters.messages++;
    const route = this.routeFor(topic);
    if (!route) {
      this.counters.unrouted++;
      return;
    }
    let events: DeviceEvent[];
    try {
      events = route.driver.decode(topic, payload, this.now());
    } catch (err) {
      this.rejectMessage(topic, err as Error);
      return;
    }
    for (const e of events) this.apply(e, route);
  }

  private routeFor(topic: string): Route | undefined {
    for (const r of this.routes) {
      for (const f of r.filters) if (f.matches(topic)) return r;
    }
    return undefined;
  }

  private rejectMessage(topic: string, err: Error): void {
    this.counters.decodeErrors++;
    const reason = err instanceof DecodeError ? err.message : `driver failed: ${err.message}`;
    const now = this.now();
    this.lastDecodeErrors.push({ ts: new Date(now).toISOString(), topic, error: reason });
    if (this.lastDecodeErrors.length > 20) this.lastDecodeErrors.shift();
    // A broken device can send garbage many times a second: say so once per
    // interval, with how many more there were, instead of flooding the log.
    if (now - this.lastRejectLog >= REJECT_LOG_INTERVAL_MS) {
      this.opts.log.warn(
        { topic, err: reason, alsoRejected: this.rejectsSinceLog },
        'rejected a message it cannot understand',
      );
      this.lastRejectLog = now;
      this.rejectsSinceLog = 0;
    } else {
      this.rejectsSinceLog++;
    }
  }

  private apply(e: DeviceEvent, route: Route): void {
    if (e.kind === 'subscribe') {
      const fresh = e.filters.filter((f) => !route.filters.some((x) => x.filter === f));
      route.filters.push(...fresh.map((f) => new TopicFilter(f)));
      if (fresh.length > 0)
        this.opts.bus
          .subscribe(fresh)
          .catch((err: Error) => this.opts.log.warn({ err: err.message }, 'subscribe failed'));
      return;
    }
    const dev = this.deviceFor(e, e.ts);
    switch (e.kind) {
      case 'seen': {
        const gap = e.ts - dev.lastSeen;
        // Smoothed report period; bursts (gap < 1 s) say nothing about it.
        if (gap >= 1000)
          dev.reportIntervalMs =
            dev.reportIntervalMs === 0 ? gap : dev.reportIntervalMs * 0.7 + gap * 0.3;
        if (e.ts > dev.lastSeen) dev.lastSeen = e.ts;
        return;
      }
      case 'state': {
        this.counters.stateReports++;
        this.markAlive(dev);
        const before = dev.relays.get(e.relay);
        dev.relays.set(e.relay, e.on);
        this.tracker.observe(dev.id, e.relay, e.on);
        if (before !== e.on) this.emit('state', snapshot(dev), e.relay);
        return;
      }
      case 'reading': {
        this.counters.readings++;
        this.markAlive(dev);
        dev.readings.set(e.metric, { value: e.value, ts: e.ts });
        this.opts.store.append(dev.id, e.metric, e.ts, e.value);
        this.emit('reading', dev.id, e.metric, e.value, e.ts);
        return;
      }
      case 'availability':
        this.setAvailability(
          dev,
          e.online ? 'online' : 'offline',
          e.online ? 'device says online' : 'device says offline (LWT)',
          e.ts,
        );
        return;
      case 'info': {
        const merged = { ...dev.info, ...e.info };
        if (JSON.stringify(merged) !== JSON.stringify(dev.info)) {
          dev.info = merged;
          this.persist(dev);
        }
        return;
      }
    }
  }

  private deviceFor(ref: NativeRef, ts: number): DeviceState {
    const existing = this.byNative.get(ref.protocol)?.get(ref.nativeId);
    if (existing) return existing;
    const dev = this.register(ref.protocol, ref.nativeId, ts);
    this.persist(dev);
    this.opts.log.info({ device: dev.id, protocol: dev.protocol }, 'discovered device');
    this.emit('device', snapshot(dev));
    return dev;
  }

  private register(protocol: Protocol, nativeId: string, ts: number, id = nativeId): DeviceState {
    const dev = newDevice(id, protocol, nativeId, ts);
    this.devicesById.set(id, dev);
    let m = this.byNative.get(protocol);
    if (!m) {
      m = new Map();
      this.byNative.set(protocol, m);
    }
    m.set(nativeId, dev);
    return dev;
  }

  private persist(dev: DeviceState): void {
    this.opts.store.upsertDevice({
      id: dev.id,
      protocol: dev.protocol,
      nativeId: dev.nativeId,
      info: dev.info,
      firstSeen: dev.firstSeen,
      lastSeen: dev.lastSeen,
    });
  }

  private markAlive(dev: DeviceState): void {
    if (dev.availability !== 'online') this.setAvailability(dev, 'online', 'reporting', this.now());
  }

  private setAvailability(dev: DeviceState, a: Availability, reason: string, ts: number): void {
    if (dev.availability === a) return;
    const cameOnline = a === 'online';
    dev.availability = a;
    dev.availabilityReason = reason;
    dev.availabilitySince = ts;
    this.opts.log.info({ device: dev.id, availability: a, reason }, 'availability changed');
    this.emit('availability', snapshot(dev));
    if (cameOnline) {
      // A device that (re)appears is asked for its state and readings, so the
      // hub never shows stale values from before it went away.
      this.send(dev, { kind: 'poll' }).catch((err: Error) =>
        this.opts.log.debug({ device: dev.id, err: err.message }, 'poll failed'),
      );
    }
  }

  private checkSilence(): void {
    const now = this.now();
    for (const dev of this.devicesById.values()) {
      if (dev.availability !== 'online') continue;
      const limit = Math.max(
        this.opts.silenceMs[dev.protocol] ?? DEFAULT_SILENCE_MS,
        3 * dev.reportIntervalMs,
      );
      const silent = now - dev.lastSeen;
      if (silent > limit)
        this.setAvailability(dev, 'offline', `silent for ${Math.round(silent / 1000)} s`, now);
    }
  }

  devices(): DeviceSnapshot[] {
    return [...this.devicesById.values()].map(snapshot).sort((a, b) => a.id.localeCompare(b.id));
  }

  device(id: string): DeviceSnapshot | undefined {
    const d = this.devicesById.get(id);
    return d && snapshot(d);
  }

  private requireDevice(id: string): DeviceState {
    const d = this.devicesById.get(id);
    if (!d) throw new HubError('not_found', `No device with id "${id}"`);
    return d;
  }

  private driverOf(dev: DeviceState): Driver {
    const r = this.routes.find((x) => x.driver.name === dev.protocol);
    if (!r) throw new HubError('unsupported', `No driver for protocol ${dev.protocol}`);
    return r.driver;
  }

  private async send(dev: DeviceState, command: Command): Promise<void> {
    const messages = this.driverOf(dev).encode(dev, command);
    for (const m of messages) {
      // Never retained on a command topic: retained cmnd/ causes ghost switching.
      await this.opts.bus.publish(m.topic, m.payload, { retain: false, qos: m.qos ?? 0 });
    }
    this.counters.commandsSent++;
  }

  /**
   * Switch a relay and resolve with the state the device confirmed. Fails with
   * HubError: not_found, bad_request, disconnected, or unreachable (offline
   * device, or no confirmation within the command timeout).
   */
  async setPower(
    id: string,
    relay: number,
    state: PowerState,
  ): Promise<{ relay: number; state: 'on' | 'off' }> {
    if (this.stopping) throw new HubError('shutting_down', 'The hub is shutting down');
    const dev = this.requireDevice(id);
    const max = dev.info.relayCount ?? 32;
    if (!Number.isInteger(relay) || relay < 1 || relay > max)
      throw new HubError(
        'bad_request',
        `relay must be an integer from 1 to ${max} for device "${id}"`,
      );
    if (!this.opts.bus.state.connected)
      throw new HubError(
        'disconnected',
        `Not connected to the MQTT broker (${this.opts.bus.state.endpoint}); nothing was sent`,
      );
    if (dev.availability === 'offline') {
      this.counters.commandsFailed++;
      throw new HubError('unreachable', `${UNREACHABLE_MESSAGE} (${dev.availabilityReason})`);
    }
    const current = dev.relays.get(relay);
    const want =
      state === 'on'
        ? true
        : state === 'off'
          ? false
          : current === undefined
            ? undefined
            : !current;
    const pending = this.tracker.expect(dev.id, relay, want);
    try {
      await this.send(dev, { kind: 'power', relay, state });
    } catch (err) {
      pending.cancel(err as Error);
    }
    try {
      const on = await pending.done;
      this.counters.commandsConfirmed++;
      return { relay, state: on ? 'on' : 'off' };
    } catch (err) {
      this.counters.commandsFailed++;
      throw err;
    }
  }

  /** Send any other command (countdown, timer, poll) without waiting for a state. */
  async command(id: string, command: Command): Promise<void> {
    const dev = this.requireDevice(id);
    if (!this.opts.bus.state.connected)
      throw new HubError(
        'disconnected',
        `Not connected to the MQTT broker (${this.opts.bus.state.endpoint}); nothing was sent`,
      );
    await this.send(dev, command);
  }

  get commandsInFlight(): number {
    return this.tracker.inFlight;
  }

  /** Stop taking input, fail pending commands, write everything, say goodbye. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.tracker.failAll(new HubError('shutting_down', 'The hub is shutting down'));
    for (const dev of this.devicesById.values()) this.persist(dev);
    this.opts.store.flush();
    await this.publishStatus('offline');
  }
}

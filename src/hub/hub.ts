import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Command, PowerState } from '../core/commands.js';
import { withDeadline } from '../core/deadline.js';
import type { Driver } from '../core/driver.js';
import { DecodeError } from '../core/driver.js';
import { deviceIdProblem, gridOf } from '../core/device-id.js';
import { HubError, UNREACHABLE_MESSAGE } from '../core/errors.js';
import type { DeviceEvent, NativeRef, Protocol } from '../core/events.js';
import type { Bus, BusState } from '../mqtt/bus.js';
import type { Store } from '../store/store.js';
import { observeReport, silenceLimit } from './availability.js';
import { CommandTracker } from './command-tracker.js';
import { snapshot, type Availability, type DeviceSnapshot, type DeviceState } from './device.js';
import { DeviceNames } from './naming.js';
import { HubTimers } from './hub-timers.js';
import { Registry } from './registry.js';
import { DAILY_TIME } from './schedule.js';
import { TopicFilter } from './topic-filter.js';

export interface HubOptions {
  bus: Bus;
  store: Store;
  drivers: Driver[];
  log: Logger;
  commandTimeoutMs: number;
  /** Per protocol: silence (ms) after which a device is unavailable. */
  silenceMs: Partial<Record<Protocol, number>>;
  /**
   * Per protocol without a heartbeat (MQTT2GO): unavailable after this many
   * of the device's own observed report periods; silenceMs applies until a
   * period is known.
   */
  silencePeriods?: Partial<Record<Protocol, number>>;
  /** Protocols whose devices send a fixed heartbeat: silenceMs applies exactly. */
  heartbeat?: readonly Protocol[];
  baseTopic: string;
  now?: () => number;
  /** How often silence is checked (ms). */
  silenceCheckMs?: number;
  /** Device ids from the configuration: native id (or protocol:native id) -> id. */
  names?: Readonly<Record<string, string>>;
}

export interface HubCounters {
  messages: number;
  /** Whole messages a driver could not understand. */
  decodeErrors: number;
  /** Fields dropped from messages whose other fields were kept. */
  rejectedFields: number;
  unrouted: number;
  readings: number;
  stateReports: number;
  /** Store operations that failed (locked or broken database); the hub kept running. */
  storeErrors: number;
  commandsSent: number;
  commandsConfirmed: number;
  commandsFailed: number;
}

interface Route {
  driver: Driver;
  filters: TopicFilter[];
}

/** Problems that can repeat many times a second are logged at most this often. */
const PROBLEM_LOG_INTERVAL_MS = 10_000;
/** The stored series of a relay's state: `status` for relay 1 (IoToad's measurement), `status_<n>` beyond. */
export function statusMetric(relay: number): string {
  return relay === 1 ? 'status' : `status_${relay}`;
}

/** Store setting holding the daily timers the hub runs. */
const TIMERS_SETTING = 'hub.dailyTimers';

/** The longest countdown the hub runs itself: a week. */
const MAX_COUNTDOWN_S = 7 * 86_400;
/** Shutdown may wait this long for the broker to take the offline status. */
const STATUS_PUBLISH_DEADLINE_MS = 1000;

/**
 * The hub core: one state funnel for every driver. It routes bus messages to
 * drivers, applies their events to the registry, stores readings, tracks
 * availability and commands, and tells listeners what changed.
 *
 * Events: 'state' (DeviceSnapshot, relay), 'reading' (id, metric, value, ts),
 * 'availability' (DeviceSnapshot), 'device' (DeviceSnapshot, new device),
 * 'info' (DeviceSnapshot), 'countdown' (DeviceSnapshot, relay), 'removed'
 * (DeviceSnapshot: factory reset), 'renamed' (old id, DeviceSnapshot),
 * 'deleted' (id: removed through the API).
 */
export class Hub extends EventEmitter {
  readonly counters: HubCounters = {
    messages: 0,
    decodeErrors: 0,
    rejectedFields: 0,
    unrouted: 0,
    readings: 0,
    stateReports: 0,
    storeErrors: 0,
    commandsSent: 0,
    commandsConfirmed: 0,
    commandsFailed: 0,
  };
  /** The latest rejections, for the health endpoint (bounded). */
  readonly lastDecodeErrors: { ts: string; topic: string; error: string }[] = [];
  private readonly registry = new Registry();
  private readonly names: DeviceNames;
  private readonly timers: HubTimers;
  private readonly routes: Route[];
  private readonly tracker: CommandTracker;
  private readonly now: () => number;
  private readonly startedAt: number;
  private silenceTimer?: NodeJS.Timeout;
  private stopping = false;
  private readonly lastProblemLog = new Map<string, { at: number; since: number }>();

  constructor(private readonly opts: HubOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.tracker = new CommandTracker(opts.commandTimeoutMs);
    this.names = new DeviceNames(opts.names);
    this.timers = new HubTimers({
      now: this.now,
      fire: async (a) => {
        this.unlistCountdown(a.id, a.relay);
        try {
          await this.setPower(a.id, a.relay, a.state);
        } catch (err) {
          this.opts.log.warn(
            { device: a.id, relay: a.relay, state: a.state, err: (err as Error).message },
            'a countdown or timer the hub runs could not switch the device',
          );
        }
      },
    });
    this.routes = opts.drivers.map((driver) => ({
      driver,
      filters: driver.subscriptions().map((f) => new TopicFilter(f)),
    }));
  }

  async start(): Promise<void> {
    for (const d of this.opts.store.devices()) {
      const dev = this.registry.add(d.protocol, d.nativeId, d.firstSeen, this.configuredId(d));
      dev.info = d.info;
      dev.lastSeen = d.lastSeen;
      dev.availabilityReason = 'not heard from since the hub started';
    }
    this.restoreTimers();
    this.opts.bus.onMessage((topic, payload, retained) =>
      this.handleMessage(topic, payload, retained),
    );
    this.opts.bus.on('state', this.onBusState);
    await this.opts.bus.subscribe(this.routes.flatMap((r) => r.filters.map((f) => f.filter)));
    const every = this.opts.silenceCheckMs ?? 5000;
    this.silenceTimer = setInterval(() => this.checkSilence(), every);
    this.silenceTimer.unref();
    if (this.opts.bus.state.connected) await this.publishStatus('online');
  }

  /**
   * The broker came back: say we are online again (the broker published our
   * will when we vanished). It went away: what we knew about devices is no
   * longer known to be true.
   */
  private readonly onBusState = (s: BusState): void => {
    if (this.stopping) return;
    if (s.connected) {
      void this.publishStatus('online');
      return;
    }
    const now = this.now();
    for (const dev of this.registry.all()) {
      if (dev.availability === 'online')
        this.setAvailability(dev, 'unknown', 'the hub lost its MQTT broker', now);
    }
  };

  /** Publish the hub's own retained status; never waits long, never throws. */
  private async publishStatus(status: 'online' | 'offline'): Promise<void> {
    try {
      await withDeadline(
        this.opts.bus.publish(`${this.opts.baseTopic}/status`, status, { retain: true, qos: 1 }),
        STATUS_PUBLISH_DEADLINE_MS,
        `publishing status ${status}`,
      );
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, `could not publish status ${status}`);
    }
  }

  handleMessage(topic: string, payload: Buffer, retained = false): void {
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
      this.counters.decodeErrors++;
      const reason =
        err instanceof DecodeError ? err.message : `driver failed: ${(err as Error).message}`;
      this.recordRejection(topic, reason, 'rejected a message it cannot understand');
      return;
    }
    for (const e of events) this.apply(e, route, retained, topic);
  }

  /**
   * Events from a source that is not a bus message: a P1 meter on a serial
   * port or a TCP reader. `source` names it in rejection reports.
   */
  ingest(events: readonly DeviceEvent[], source: string): void {
    if (this.stopping) return;
    for (const e of events) this.apply(e, undefined, false, source);
  }

  private routeFor(topic: string): Route | undefined {
    for (const r of this.routes) {
      for (const f of r.filters) if (f.matches(topic)) return r;
    }
    return undefined;
  }

  private recordRejection(topic: string, reason: string, what: string): void {
    const now = this.now();
    this.lastDecodeErrors.push({ ts: new Date(now).toISOString(), topic, error: reason });
    if (this.lastDecodeErrors.length > 20) this.lastDecodeErrors.shift();
    this.logProblem('rejection', what, { topic, err: reason });
  }

  /**
   * Warn about a recurring problem at most once per interval, with how many
   * more happened since: a broken device can send garbage many times a second.
   */
  private logProblem(kind: string, msg: string, details: Record<string, unknown>): void {
    const now = this.now();
    const last = this.lastProblemLog.get(kind);
    if (last && now - last.at < PROBLEM_LOG_INTERVAL_MS) {
      last.since++;
      return;
    }
    this.opts.log.warn({ ...details, alsoSinceLastReport: last?.since ?? 0 }, msg);
    this.lastProblemLog.set(kind, { at: now, since: 0 });
  }

  /** A store failure (locked or broken database) costs that write, never the hub. */
  private store(what: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.counters.storeErrors++;
      this.logProblem('store', `could not ${what}; the hub carries on`, {
        err: (err as Error).message,
      });
    }
  }

  private apply(e: DeviceEvent, route: Route | undefined, retained: boolean, topic: string): void {
    if (e.kind === 'subscribe') {
      if (!route) return;
      const fresh = e.filters.filter((f) => !route.filters.some((x) => x.filter === f));
      route.filters.push(...fresh.map((f) => new TopicFilter(f)));
      if (fresh.length > 0)
        this.opts.bus
          .subscribe(fresh)
          .catch((err: Error) => this.opts.log.warn({ err: err.message }, 'subscribe failed'));
      return;
    }
    if (e.protocol === 'senml') {
      // SenML about a device the hub owns is its own data/ output coming back,
      // or another collector naming one of ours: never a second device.
      const owner = this.registry.get(e.nativeId);
      if (owner && owner.protocol !== 'senml') return;
    }
    const dev = this.deviceFor(e, e.ts);
    switch (e.kind) {
      case 'seen':
        // A retained message is what the device said some time ago, not a sign of life.
        if (!retained) observeReport(dev, e.ts, this.silenceLimitOf(dev));
        return;
      case 'state': {
        this.counters.stateReports++;
        if (!retained) this.markAlive(dev, e.ts);
        const before = dev.relays.get(e.relay);
        dev.relays.set(e.relay, e.on);
        // Every report is a sample (IoToad's status measurement counts them).
        this.store('store a state', () =>
          this.opts.store.append(dev.id, statusMetric(e.relay), e.ts, e.on ? 1 : 0),
        );
        this.tracker.observe(dev.id, e.relay, e.on);
        if (before !== e.on) {
          this.emit('state', snapshot(dev), e.relay);
          this.endDeviceCountdown(dev, e.relay, e.on);
        }
        return;
      }
      case 'reading': {
        this.counters.readings++;
        if (!retained) this.markAlive(dev, e.ts);
        dev.readings.set(
          e.metric,
          e.priority === undefined
            ? { value: e.value, ts: e.ts }
            : { value: e.value, ts: e.ts, priority: e.priority },
        );
        this.store('store a reading', () =>
          this.opts.store.append(dev.id, e.metric, e.ts, e.value),
        );
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
          this.emit('info', snapshot(dev));
        }
        return;
      }
      case 'countdown': {
        if (!retained) this.markAlive(dev, e.ts);
        if (e.seconds > 0)
          dev.countdowns.set(e.relay, { endsAt: e.ts + e.seconds * 1000, state: e.state });
        else dev.countdowns.delete(e.relay);
        this.emit('countdown', snapshot(dev), e.relay);
        return;
      }
      case 'removed':
        dev.removed = { reason: e.reason, ts: e.ts };
        dev.countdowns.clear();
        this.setAvailability(dev, 'offline', `removed: ${e.reason}`, e.ts);
        this.emit('removed', snapshot(dev));
        return;
      case 'rejected':
        this.counters.rejectedFields++;
        this.recordRejection(topic, e.reason, 'dropped unusable fields from a message');
        return;
    }
  }

  /**
   * A stored device under the id the configuration gives it now: a changed
   * `devices:` entry renames it (history included) at start.
   */
  private configuredId(d: { id: string; protocol: Protocol; nativeId: string }): string {
    const want = this.names.of(d);
    if (want === undefined || want === d.id) return d.id;
    try {
      this.opts.store.renameDevice(d.id, want);
      this.opts.log.info({ from: d.id, to: want }, 'renamed device as configured');
      return want;
    } catch (err) {
      this.opts.log.warn(
        { device: d.id, wanted: want, err: (err as Error).message },
        'cannot give a device its configured id; it keeps its old one',
      );
      return d.id;
    }
  }

  /** The id a newly seen device gets: configured, else native, else protocol:native. */
  private newIdFor(ref: NativeRef): string {
    const configured = this.names.of(ref);
    for (const id of [configured, ref.nativeId, `${ref.protocol}:${ref.nativeId}`]) {
      if (id !== undefined && !this.registry.get(id)) return id;
    }
    return `${ref.protocol}:${ref.nativeId}:${this.registry.size}`;
  }

  private deviceFor(ref: NativeRef, ts: number): DeviceState {
    const existing = this.registry.find(ref);
    if (existing) return existing;
    const dev = this.registry.add(ref.protocol, ref.nativeId, ts, this.newIdFor(ref));
    this.persist(dev);
    this.opts.log.info({ device: dev.id, protocol: dev.protocol }, 'discovered device');
    this.emit('device', snapshot(dev));
    return dev;
  }

  private persist(dev: DeviceState): void {
    this.store('save a device', () =>
      this.opts.store.upsertDevice({
        id: dev.id,
        protocol: dev.protocol,
        nativeId: dev.nativeId,
        info: dev.info,
        firstSeen: dev.firstSeen,
        lastSeen: dev.lastSeen,
      }),
    );
  }

  private markAlive(dev: DeviceState, ts: number): void {
    // A report is a sign of life even from a driver that sends no 'seen'.
    if (ts > dev.lastSeen) dev.lastSeen = ts;
    if (dev.availability !== 'online') this.setAvailability(dev, 'online', 'reporting', this.now());
  }

  private setAvailability(dev: DeviceState, a: Availability, reason: string, ts: number): void {
    if (dev.availability === a) return;
    dev.availability = a;
    dev.availabilityReason = reason;
    dev.availabilitySince = ts;
    this.opts.log.info({ device: dev.id, availability: a, reason }, 'availability changed');
    this.emit('availability', snapshot(dev));
    if (a === 'online') {
      // A device that (re)appears is asked for its state and readings, so the
      // hub never shows stale values from before it went away.
      this.send(dev, { kind: 'poll' }).catch((err: Error) =>
        this.opts.log.debug({ device: dev.id, err: err.message }, 'poll failed'),
      );
    }
  }

  private silenceLimitOf(dev: DeviceState): number {
    return silenceLimit(
      dev,
      this.opts.silenceMs[dev.protocol],
      this.opts.silencePeriods?.[dev.protocol],
      this.opts.heartbeat?.includes(dev.protocol),
    );
  }

  private checkSilence(): void {
    const now = this.now();
    for (const dev of this.registry.all()) {
      const limit = this.silenceLimitOf(dev);
      if (dev.availability === 'online') {
        const silent = now - dev.lastSeen;
        if (silent > limit)
          this.setAvailability(dev, 'offline', `silent for ${Math.round(silent / 1000)} s`, now);
      } else if (
        dev.availability === 'unknown' &&
        now - this.startedAt > limit &&
        this.opts.bus.state.connected
      ) {
        // Known from before a restart (or from retained messages) and not heard since.
        this.setAvailability(dev, 'offline', `not heard from since the hub started`, now);
      }
    }
  }

  /** The daily timers the hub runs itself (for devices without their own). */
  dailyTimers(): { id: string; relay: number; state: 'on' | 'off'; slot: number; time: string }[] {
    return this.timers.dailyList();
  }

  /** A relay's last known state, cheaply (per-reading outputs ask this). */
  relayState(id: string, relay = 1): boolean | undefined {
    return this.registry.get(id)?.relays.get(relay);
  }

  /** The hub id of a device known by its native identity. */
  idOf(ref: NativeRef): string | undefined {
    return this.registry.find(ref)?.id;
  }

  protocolOf(id: string): Protocol | undefined {
    return this.registry.get(id)?.protocol;
  }

  devices(): DeviceSnapshot[] {
    return [...this.registry.all()].map(snapshot).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Give a device a new id (IoToad grid ids place it in the grid). The
   * history moves with it. Fails with not_found, bad_request (unusable id),
   * conflict (taken, or the configuration names this device).
   */
  renameDevice(id: string, newId: string): DeviceSnapshot {
    const dev = this.registry.get(id);
    if (!dev) throw new HubError('not_found', `No device with id "${id}"`);
    const problem = deviceIdProblem(newId);
    if (problem) throw new HubError('bad_request', problem);
    if (newId === id) return snapshot(dev);
    const configured = this.names.of(dev);
    if (configured !== undefined)
      throw new HubError(
        'conflict',
        `The configuration names device "${id}" (devices: ${dev.nativeId}: ${configured}); change it there`,
      );
    if (this.registry.get(newId) || this.names.isConfigured(newId))
      throw new HubError('conflict', `The id "${newId}" is taken by another device`);
    const place = gridOf(newId);
    // `w.r1.c2`, `sp_w.r1.c2` and `sp_w.r01.c2` are one place on the wall.
    const holder =
      place &&
      [...this.registry.all()].find((d) => {
        const p = d !== dev ? gridOf(d.id) : undefined;
        return p?.type === place.type && p.row === place.row && p.column === place.column;
      });
    if (holder)
      throw new HubError(
        'conflict',
        `The grid place ${place.type} row ${place.row} column ${place.column} is taken by "${holder.id}"`,
      );
    try {
      this.opts.store.renameDevice(id, newId);
    } catch (err) {
      throw new HubError('conflict', `Cannot rename "${id}": ${(err as Error).message}`);
    }
    this.registry.rename(dev, newId);
    this.timers.rename(id, newId);
    this.saveTimers();
    this.opts.log.info({ from: id, to: newId }, 'renamed device');
    const snap = snapshot(dev);
    this.emit('renamed', id, snap);
    return snap;
  }

  /**
   * Forget a device: it leaves the list, its hub-run timers stop, and with
   * `deleteHistory` its stored readings go too. A device that reports again
   * comes back as new (under its configured or native id).
   */
  removeDevice(id: string, deleteHistory: boolean): void {
    const dev = this.registry.get(id);
    if (!dev) throw new HubError('not_found', `No device with id "${id}"`);
    this.opts.store.removeDevice(id, deleteHistory);
    this.registry.remove(dev);
    this.timers.forget(id);
    this.saveTimers();
    this.opts.log.info(
      { device: id, history: deleteHistory ? 'deleted' : 'kept' },
      'removed device',
    );
    this.emit('deleted', id);
  }

  device(id: string): DeviceSnapshot | undefined {
    const d = this.registry.get(id);
    return d && snapshot(d);
  }

  private driverOf(dev: DeviceState): Driver {
    const r = this.routes.find((x) => x.driver.name === dev.protocol);
    if (!r)
      throw new HubError(
        'unsupported',
        `Device "${dev.id}" (${dev.protocol}) only reports readings: it has nothing to switch or set`,
      );
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
   * The device a command is for, once it can be sent: fails with HubError
   * shutting_down, not_found, bad_request (relay), disconnected, or
   * unreachable (offline device).
   */
  private commandTarget(id: string, relay: number): DeviceState {
    if (this.stopping) throw new HubError('shutting_down', 'The hub is shutting down');
    const dev = this.registry.get(id);
    if (!dev) throw new HubError('not_found', `No device with id "${id}"`);
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
    return dev;
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
    const dev = this.commandTarget(id, relay);
    // Switching by hand ends a countdown the hub runs, as it does on a plug.
    if (this.timers.cancelCountdown(dev.id, relay)) this.unlistCountdown(dev.id, relay);
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

  /**
   * Send a countdown, timer or poll to a device, encoded by its driver.
   * Resolves once it is published (by: 'device'); what the device then
   * reports arrives as events. A device without its own countdown or timers
   * gets the hub's (by: 'hub'). Fails like setPower, or with bad_request.
   */
  async command(
    id: string,
    command: Exclude<Command, { kind: 'power' }>,
  ): Promise<{ by: 'device' | 'hub'; at?: number }> {
    const dev = this.commandTarget(id, command.kind === 'poll' ? 1 : command.relay);
    if (
      command.kind === 'countdown' &&
      !(command.seconds >= 1 && command.seconds <= MAX_COUNTDOWN_S)
    )
      throw new HubError(
        'bad_request',
        `countdown must be 1 to ${MAX_COUNTDOWN_S} seconds, got ${command.seconds}`,
      );
    if (command.kind === 'timer' && !DAILY_TIME.test(command.time))
      throw new HubError(
        'bad_request',
        `timer time must be hh:mm:ss (24 h), got "${command.time}"`,
      );
    try {
      await this.send(dev, command);
      if (command.kind === 'countdown') {
        // The device's own countdown replaces one the hub was running; it is
        // listed like one until the relay gets there.
        this.timers.cancelCountdown(dev.id, command.relay);
        const at = Date.now() + command.seconds * 1000;
        this.listCountdown(dev, command.relay, at, command.state);
        return { by: 'device', at };
      }
      return { by: 'device' };
    } catch (err) {
      if (!(err instanceof HubError && err.code === 'unsupported') || command.kind === 'poll')
        throw err;
    }
    // The hub can run it only for a device it can switch.
    this.driverOf(dev).encode(dev, { kind: 'power', relay: command.relay, state: command.state });
    const action = { id: dev.id, relay: command.relay, state: command.state };
    if (command.kind === 'countdown') {
      const at = this.timers.countdown(action, command.seconds);
      this.listCountdown(dev, command.relay, at, command.state);
      return { by: 'hub', at };
    }
    const at = this.timers.daily(action, command.slot, command.time, command.enabled);
    this.saveTimers();
    return at === undefined ? { by: 'hub' } : { by: 'hub', at };
  }

  /** Daily timers the hub runs survive a restart (countdowns, being short, do not). */
  private saveTimers(): void {
    this.store('save the daily timers', () =>
      this.opts.store.setSetting(TIMERS_SETTING, JSON.stringify(this.timers.dailyList())),
    );
  }

  private restoreTimers(): void {
    let saved: unknown;
    try {
      saved = JSON.parse(this.opts.store.getSetting(TIMERS_SETTING) ?? '[]');
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'saved daily timers are unreadable');
      return;
    }
    if (!Array.isArray(saved)) return;
    for (const t of saved as {
      id: string;
      relay: number;
      state: 'on' | 'off';
      slot: number;
      time: string;
    }[]) {
      if (this.registry.get(t.id) && DAILY_TIME.test(t.time))
        this.timers.daily({ id: t.id, relay: t.relay, state: t.state }, t.slot, t.time, true);
    }
  }

  /**
   * A countdown the device runs itself ends when the relay reaches its state
   * (the device says nothing else about it); one the hub runs ends when it
   * fires or is cancelled.
   */
  private endDeviceCountdown(dev: DeviceState, relay: number, on: boolean): void {
    const c = dev.countdowns.get(relay);
    if (!c || (c.state === 'on') !== on || this.timers.hasCountdown(dev.id, relay)) return;
    this.unlistCountdown(dev.id, relay);
  }

  /** A running countdown shown in the device's snapshot, and announced. */
  private listCountdown(
    dev: DeviceState,
    relay: number,
    endsAt: number,
    state: 'on' | 'off',
  ): void {
    dev.countdowns.set(relay, { endsAt, state });
    this.emit('countdown', snapshot(dev), relay);
  }

  /** A countdown that ended, was cancelled or replaced, taken off the snapshot. */
  private unlistCountdown(id: string, relay: number): void {
    const dev = this.registry.get(id);
    if (dev?.countdowns.delete(relay)) this.emit('countdown', snapshot(dev), relay);
  }

  get commandsInFlight(): number {
    return this.tracker.inFlight;
  }

  /**
   * Stop taking input, fail pending commands at once (their HTTP requests
   * answer now instead of holding shutdown), write everything, say goodbye.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.opts.bus.off('state', this.onBusState);
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.timers.stop();
    this.tracker.failAll(new HubError('shutting_down', 'The hub is shutting down'));
    for (const dev of this.registry.all()) this.persist(dev);
    this.store('write the last readings', () => this.opts.store.flush());
    await this.publishStatus('offline');
  }
}

import { EnergyMeter } from './energy.js';
import type { JsonValue } from './format.js';
import { fixed, localTime, toJson, uptimeText } from './format.js';
import type { Identity } from './identity.js';
import { MAX_PULSETIMERS, PulseTimers } from './pulse.js';
import { TimerTable } from './timers.js';
import type { TopicLayout } from './topics.js';
import type { LoadModel, Outbound, ReplyContext } from './types.js';

/**
 * The firmware side of a simulated Tasmota plug, without any networking:
 * relays, PulseTime, timers, energy integration and teleperiod, advancing on
 * an explicit time line. Everything it wants published goes into an
 * `Outbound[]` the caller hands in.
 */

export const FIRMWARE_VERSION = '14.3.0';
export const FIRMWARE_VERSION_FULL = `${FIRMWARE_VERSION}(release-tasmota)`;
export const DEFAULT_TELE_PERIOD_S = 300;
export const STATE_TEXT = ['OFF', 'ON', 'TOGGLE', 'HOLD'] as const;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Timers run from one minute after boot (uptime > 60 s). */
const TIMER_START_MS = 61_000;
/** Clock jumps longer than this skip the per-minute timer checks before their last part. */
const TIMER_CATCH_UP_MS = 2 * DAY_MS;
const POWER_FACTOR = 0.96;

/** ExecuteCommandPower states; `Show` publishes the state without changing it. */
export const PowerAction = { Off: 0, On: 1, Toggle: 2, Show: 9 } as const;
export type PowerAction = (typeof PowerAction)[keyof typeof PowerAction];

export interface DeviceOptions {
  identity: Identity;
  layout: TopicLayout;
  relays: number;
  loadWatts: LoadModel;
  voltage: number;
  telePeriodS: number;
  initialEnergyTotalKWh: number;
  powerOn: boolean;
  /** Boot time, epoch ms. */
  bootMs: number;
}

/** SetOptions and retain switches the simulator honours. */
export interface DeviceFlags {
  /** SetOption4: reply on stat/<t>/<COMMAND> instead of RESULT. */
  so4: boolean;
  /** SetOption26: POWER1 naming even with one relay. */
  so26: boolean;
  /** SetOption59: tele STATE after every power change. */
  so59: boolean;
  /** SetOption90: no plain-text stat/<t>/POWER, JSON only. */
  so90: boolean;
  powerRetain: boolean;
  sensorRetain: boolean;
  stateRetain: boolean;
}

export interface ElectricalReadings {
  power: number;
  apparentPower: number;
  reactivePower: number;
  factor: number;
  voltage: number;
  current: number;
}

export function normalizeTelePeriod(seconds: number): number {
  if (seconds <= 0) return 0;
  const s = Math.min(Math.floor(seconds), 3600);
  if (s === 1) return DEFAULT_TELE_PERIOD_S;
  return Math.max(s, 10);
}

export class TasmotaDevice {
  readonly identity: Identity;
  readonly layout: TopicLayout;
  readonly relays: number;
  readonly voltage: number;
  readonly bootMs: number;
  readonly energy: EnergyMeter;
  readonly pulses = new PulseTimers();
  readonly timers = new TimerTable();
  readonly flags: DeviceFlags = {
    so4: false,
    so26: false,
    so59: false,
    so90: false,
    powerRetain: false,
    sensorRetain: false,
    stateRetain: false,
  };
  /** Generic SetOption values without simulated effect, echoed back. */
  readonly setOptions = new Map<number, number>();
  /** Time has been synchronised (false under the noNtp fault). */
  timeValid = true;
  mqttCount = 0;
  telePeriodS: number;

  private readonly load: LoadModel;
  private readonly power: boolean[];
  private now: number;
  private day: number | undefined;
  private lastTimerMinute = -1;
  private nextTeleMs = Number.POSITIVE_INFINITY;

  constructor(opts: DeviceOptions) {
    this.identity = opts.identity;
    this.layout = opts.layout;
    this.relays = Math.max(1, Math.floor(opts.relays));
    this.voltage = opts.voltage;
    this.load = opts.loadWatts;
    this.bootMs = opts.bootMs;
    this.now = opts.bootMs;
    this.telePeriodS = normalizeTelePeriod(opts.telePeriodS);
    this.power = new Array<boolean>(this.relays).fill(opts.powerOn);
    this.energy = new EnergyMeter(opts.initialEnergyTotalKWh, opts.bootMs);
    this.day = Math.floor(opts.bootMs / DAY_MS);
  }

  /** The device's current time line position, epoch ms. */
  get time(): number {
    return this.now;
  }

  /** What the device believes the time is (1970 + uptime without NTP). */
  deviceTime(): number {
    return this.timeValid ? this.now : this.now - this.bootMs;
  }

  uptimeSeconds(): number {
    return Math.floor((this.now - this.bootMs) / 1000);
  }

  isOn(relay: number): boolean {
    return this.power[relay - 1] ?? false;
  }

  /** `POWER` or `POWER<n>` (GetPowerDevice). */
  powerName(relay: number): string {
    return this.relays + (this.flags.so26 ? 1 : 0) > 1 ? `POWER${relay}` : 'POWER';
  }

  /** Relay bitmask, as Status prints it. */
  powerMask(): number {
    return this.power.reduce((mask, on, i) => (on ? mask | (1 << i) : mask), 0);
  }

  // --- relays --------------------------------------------------------------

  /** ExecuteCommandPower: change (or just show) one relay and publish its state. */
  executePower(relay: number, action: PowerAction, ctx: ReplyContext): void {
    if (relay < 1 || relay > this.relays) return;
    if (action !== PowerAction.Show) {
      const before = this.isOn(relay);
      const after = action === PowerAction.Toggle ? !before : action === PowerAction.On;
      this.power[relay - 1] = after;
      this.pulses.relaySwitched((relay - 1) % MAX_PULSETIMERS, after, this.now);
    }
    this.publishPowerState(relay, ctx);
    if (action !== PowerAction.Show && this.flags.so59) this.publishState(ctx.out);
  }

  /** MqttPublishPowerState: RESULT JSON, then plain ON/OFF unless SetOption90. */
  publishPowerState(relay: number, ctx: ReplyContext): void {
    const name = this.powerName(relay);
    const text = STATE_TEXT[this.isOn(relay) ? 1 : 0];
    ctx.out.push({
      prefix: 'stat',
      subtopic: this.flags.so4 ? name : 'RESULT',
      payload: toJson({ [name]: text }),
      fallback: ctx.fallback,
    });
    if (!this.flags.so90) {
      ctx.out.push({
        prefix: 'stat',
        subtopic: name,
        payload: text,
        retain: this.flags.powerRetain,
        fallback: ctx.fallback,
      });
    }
  }

  /** The first-connection sequence after "boot": all POWER states, teleperiod in 5 s. */
  firstConnect(out: Outbound[]): void {
    for (let relay = 1; relay <= this.relays; relay++) {
      this.publishPowerState(relay, { out, fallback: false });
    }
    if (this.telePeriodS > 0) this.nextTeleMs = this.now + 5000;
  }

  // --- time line -----------------------------------------------------------

  /** Advance to `target` (epoch ms): integrate energy, roll over at midnight,
   *  expire pulse timers, run clock timers and the teleperiod. */
  advance(target: number, out: Outbound[]): void {
    let guard = 0;
    while (this.now < target && guard++ < 500_000) {
      const next = Math.min(target, this.nextEvent(target));
      this.integrate(next);
      this.now = next;
      this.atInstant(out);
    }
    if (this.now < target) {
      this.integrate(target);
      this.now = target;
    }
    this.atInstant(out);
    if (this.telePeriodS > 0 && this.now >= this.nextTeleMs) {
      this.publishTele(out);
      this.nextTeleMs = this.now + this.telePeriodS * 1000;
    }
  }

  /** `TelePeriod` command: new period, telemetry now (unless disabled). */
  setTelePeriod(seconds: number | undefined, out: Outbound[]): void {
    if (seconds !== undefined) this.telePeriodS = normalizeTelePeriod(seconds);
    if (this.telePeriodS > 0) {
      this.publishTele(out);
      this.nextTeleMs = this.now + this.telePeriodS * 1000;
    } else {
      this.nextTeleMs = Number.POSITIVE_INFINITY;
    }
  }

  private nextEvent(target: number): number {
    let next = Number.POSITIVE_INFINITY;
    const t = this.now;
    if (this.timeValid) next = Math.min(next, (Math.floor(t / DAY_MS) + 1) * DAY_MS);
    const pulse = this.pulses.nextDeadline();
    if (pulse !== undefined) next = Math.min(next, Math.max(pulse, t + 1));
    const timerStart = this.bootMs + TIMER_START_MS;
    if (timerStart > t) next = Math.min(next, timerStart);
    if (this.timeValid && this.timers.enabled && this.timers.anyArmed()) {
      const from = Math.max(t, target - TIMER_CATCH_UP_MS);
      next = Math.min(next, (Math.floor(from / MINUTE_MS) + 1) * MINUTE_MS);
    }
    return next;
  }

  private integrate(until: number): void {
    const hours = (until - this.now) / 3_600_000;
    if (hours > 0) this.energy.add(this.activePower(this.now) * hours);
  }

  private atInstant(out: Outbound[]): void {
    const ctx: ReplyContext = { out, fallback: false };
    if (this.timeValid) {
      const day = Math.floor(this.now / DAY_MS);
      if (this.day !== undefined && day !== this.day) this.energy.rollover();
      this.day = day;
    }
    for (const index of this.pulses.takeExpired(this.now)) {
      for (let relay = index + 1; relay <= this.relays; relay += MAX_PULSETIMERS) {
        this.executePower(relay, PowerAction.Off, ctx);
      }
    }
    const minute = Math.floor(this.now / MINUTE_MS);
    if (
      this.timeValid &&
      this.timers.enabled &&
      this.now - this.bootMs >= TIMER_START_MS &&
      minute !== this.lastTimerMinute
    ) {
      this.lastTimerMinute = minute;
      const minuteOfDay = minute % 1440;
      const weekday = new Date(this.now).getUTCDay();
      for (const due of this.timers.due(minuteOfDay, weekday)) {
        if (due.action <= PowerAction.Toggle) {
          this.executePower(
            due.relay,
            due.action === 0
              ? PowerAction.Off
              : due.action === 1
                ? PowerAction.On
                : PowerAction.Toggle,
            ctx,
          );
        }
      }
    }
  }

  // --- telemetry -----------------------------------------------------------

  /** Watts drawn right now (at `t`) by all relays that are on. */
  activePower(t = this.now): number {
    let watts = 0;
    for (let relay = 1; relay <= this.relays; relay++) {
      if (!this.isOn(relay)) continue;
      const w = typeof this.load === 'function' ? this.load(relay, t) : this.load;
      if (Number.isFinite(w) && w > 0) watts += w;
    }
    return watts;
  }

  readings(): ElectricalReadings {
    const power = this.activePower();
    if (power <= 0) {
      return {
        power: 0,
        apparentPower: 0,
        reactivePower: 0,
        factor: 0,
        voltage: this.voltage,
        current: 0,
      };
    }
    const apparentPower = power / POWER_FACTOR;
    return {
      power,
      apparentPower,
      reactivePower: Math.sqrt(apparentPower ** 2 - power ** 2),
      factor: POWER_FACTOR,
      voltage: this.voltage,
      current: this.voltage > 0 ? apparentPower / this.voltage : 0,
    };
  }

  /** MqttShowState. */
  stateJson(): { [key: string]: JsonValue } {
    const uptime = this.uptimeSeconds();
    const state: { [key: string]: JsonValue } = {
      Time: localTime(this.deviceTime()),
      Uptime: uptimeText(uptime),
      UptimeSec: uptime,
      Heap: 25,
      SleepMode: 'Dynamic',
      Sleep: 50,
      LoadAvg: 19,
      MqttCount: this.mqttCount,
    };
    for (let relay = 1; relay <= this.relays; relay++) {
      state[this.powerName(relay)] = STATE_TEXT[this.isOn(relay) ? 1 : 0];
    }
    state.Wifi = {
      AP: 1,
      SSId: 'wattbridge-sim',
      BSSId: this.identity.bssid,
      Channel: 6,
      Mode: '11n',
      RSSI: this.identity.rssi,
      Signal: Math.round(this.identity.rssi / 2 - 100),
      LinkCount: 1,
      Downtime: '0T00:00:03',
    };
    return state;
  }

  /** The ENERGY object; `periodWh` only in the teleperiod message. */
  energyJson(periodWh?: number): { [key: string]: JsonValue } {
    const c = this.energy.counters();
    const r = this.readings();
    return {
      TotalStartTime: localTime(this.energy.totalStartMs),
      Total: fixed(c.totalKWh, 3),
      Yesterday: fixed(c.yesterdayKWh, 3),
      Today: fixed(c.todayKWh, 3),
      Period: periodWh === undefined ? undefined : fixed(periodWh, 0),
      Power: fixed(r.power, 0),
      ApparentPower: fixed(r.apparentPower, 0),
      ReactivePower: fixed(r.reactivePower, 0),
      Factor: fixed(r.factor, 2),
      Voltage: fixed(r.voltage, 0),
      Current: fixed(r.current, 3),
    };
  }

  /** MqttShowSensor. */
  sensorJson(periodWh?: number): { [key: string]: JsonValue } {
    return { Time: localTime(this.deviceTime()), ENERGY: this.energyJson(periodWh) };
  }

  publishState(out: Outbound[]): void {
    out.push({
      prefix: 'tele',
      subtopic: 'STATE',
      payload: toJson(this.stateJson()),
      retain: this.flags.stateRetain,
    });
  }

  /** tele STATE then tele SENSOR (with Period). */
  publishTele(out: Outbound[]): void {
    this.publishState(out);
    out.push({
      prefix: 'tele',
      subtopic: 'SENSOR',
      payload: toJson(this.sensorJson(this.energy.takePeriodWh())),
      retain: this.flags.sensorRetain,
    });
  }
}

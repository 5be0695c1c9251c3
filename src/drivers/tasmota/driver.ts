/**
 * The Tasmota convention (specs/tasmota-mqtt.md, research/tasmota-ha-z2m.md
 * §1): a pure codec. What it learns from devices (topic layouts from
 * discovery, relay counts, custom state texts, countdowns it armed) is kept
 * on the instance, never at module level.
 *
 * Decisions a reader of the code should know:
 * - nativeId is the Tasmota `Topic`.
 * - Relay 1 is commanded as `POWER` unless the device is known (discovery
 *   `rl`, or a STATE listing POWER1..n) to have more than one relay, then
 *   `POWER1`. Both forms switch relay 1 on real firmware.
 * - Empty payloads are retained messages being cleared (or the device's own
 *   `cmnd/<t>/POWER` echo), not device reports: they yield [].
 * - Every device message yields one `seen` event, except an `Offline` LWT
 *   (the broker speaks for a device that is gone) and discovery configs
 *   (retained: they outlive the device).
 * - `{"Command":"Unknown"|"Error"}` on RESULT yields only `seen`.
 * - Fields that are wrong are rejected one by one; a message with nothing
 *   usable left throws DecodeError listing them.
 */
import type { Command, OutboundMessage, PowerState } from '../../core/commands.js';
import { DecodeError, type Driver } from '../../core/driver.js';
import { HubError } from '../../core/errors.js';
import type { DeviceEvent, DeviceInfo, NativeRef } from '../../core/events.js';
import { DecodeContext, isObject, parseObject, show, typeName } from './context.js';
import { macDisplay, macHex, readDiscovery, type DiscoveryConfig } from './discovery.js';
import {
  checkPowerState,
  checkRelay,
  encodeGroupPower,
  MAX_TIMER_OUTPUT,
  MAX_TIMER_SLOT,
  message,
  pulseTimeValue,
  timerPayload,
  timerTime,
} from './encode.js';
import {
  parseCustomWord,
  parseLwtWord,
  parsePowerWord,
  POWER_PAYLOAD,
  relayIndex,
} from './payload.js';
import { decodeEnergy, messageTime } from './sensor.js';
import {
  DEFAULT_PREFIXES,
  DISCOVERY_PREFIX,
  isPlainTopicText,
  topicBase,
  type Prefixes,
} from './topics.js';

export interface TasmotaDriverOptions {
  /** Prefix1..3 when a fleet does not use cmnd/stat/tele. */
  readonly prefixes?: Partial<Prefixes>;
  /** GroupTopic for {@link TasmotaDriver.groupPower}; Tasmota's default is `tasmotas`. */
  readonly groupTopic?: string;
}

/** What the driver remembers about one device. */
class DeviceMemo {
  relayCount: number | undefined = undefined;
  /** Custom StateText1/2 (discovery `state`), when not OFF/ON. */
  onText: string | undefined = undefined;
  offText: string | undefined = undefined;
  /** Custom LWT texts (discovery `onln`/`ofln`), when not Online/Offline. */
  onlineText: string | undefined = undefined;
  offlineText: string | undefined = undefined;
  /** Command topic base when the device's FullTopic is not the default. */
  cmndBase: string | undefined = undefined;
  /** Topic bases registered in the route table for this device. */
  bases: string[] = [];
  /** The subscribe filters last announced, to announce only changes. */
  filtersKey = '';
  /** Bit r-1 set: we armed PulseTime<r> for a countdown and have not seen it cleared. */
  pulseArmed = 0;
}

/** A learned topic base (non-default FullTopic) and whose it is. */
interface Route {
  readonly nativeId: string;
  readonly command: boolean;
}

function checkPrefix(name: string, p: string): string {
  if (!isPlainTopicText(p) || p.includes('/')) {
    throw new HubError('bad_request', `tasmota ${name} prefix must be one topic level, got ${p}`);
  }
  return p;
}

/** `word` sits at `start` of `s` and runs to its end. */
function isSub(s: string, start: number, word: string): boolean {
  return s.length - start === word.length && s.startsWith(word, start);
}

export class TasmotaDriver implements Driver {
  readonly name = 'tasmota' as const;
  readonly prefixes: Prefixes;
  readonly groupTopic: string;

  private readonly devices = new Map<string, DeviceMemo>();
  /** Topic base (`kitchen/tele/`) → device, for non-default layouts only. */
  private readonly routes = new Map<string, Route>();
  private readonly byMac = new Map<string, string>();

  constructor(opts: TasmotaDriverOptions = {}) {
    const p = opts.prefixes ?? {};
    this.prefixes = {
      cmnd: checkPrefix('cmnd', p.cmnd ?? DEFAULT_PREFIXES.cmnd),
      stat: checkPrefix('stat', p.stat ?? DEFAULT_PREFIXES.stat),
      tele: checkPrefix('tele', p.tele ?? DEFAULT_PREFIXES.tele),
    };
    this.groupTopic = opts.groupTopic ?? 'tasmotas';
  }

  subscriptions(): string[] {
    const { stat, tele } = this.prefixes;
    const filters = [`${stat}/+/+`];
    if (tele !== stat) {
      filters.push(
        `${tele}/+/LWT`,
        `${tele}/+/STATE`,
        `${tele}/+/SENSOR`,
        `${tele}/+/INFO1`,
        `${tele}/+/INFO2`,
      );
    }
    filters.push(`${DISCOVERY_PREFIX}+/config`);
    return filters;
  }

  // ---------------------------------------------------------------- decode

  decode(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    try {
      return this.decodeTopic(topic, payload, now);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      // Never let a bug here take the hub's message loop down.
      const why = err instanceof Error ? err.message : String(err);
      throw new DecodeError(`${topic}: internal error: ${why}`, topic);
    }
  }

  private decodeTopic(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    if (this.routes.size > 0) {
      const slash = topic.lastIndexOf('/');
      const route = slash > 0 ? this.routes.get(topic.slice(0, slash + 1)) : undefined;
      if (route !== undefined) {
        if (route.command || payload.length === 0 || slash === topic.length - 1) return [];
        return this.decodeMessage(topic, slash + 1, route.nativeId, payload, now);
      }
    }
    const a = topic.indexOf('/');
    if (a <= 0) return [];
    const { stat, tele } = this.prefixes;
    const ours =
      (a === stat.length && topic.startsWith(stat)) ||
      (a === tele.length && topic.startsWith(tele));
    if (!ours) {
      if (topic.startsWith(DISCOVERY_PREFIX)) return this.decodeDiscovery(topic, payload, now);
      // cmnd/<t>/… (incl. the device's empty POWER echo on reconnect) and foreign topics.
      return [];
    }
    const b = topic.indexOf('/', a + 1);
    if (b <= a + 1 || b === topic.length - 1 || topic.indexOf('/', b + 1) !== -1) return [];
    if (payload.length === 0) return [];
    return this.decodeMessage(topic, b + 1, topic.slice(a + 1, b), payload, now);
  }

  /** A message from device `nativeId` whose subtopic starts at `sub`. */
  private decodeMessage(
    topic: string,
    sub: number,
    nativeId: string,
    payload: Buffer,
    now: number,
  ): DeviceEvent[] {
    const c = topic.charCodeAt(sub);
    if (c === 83) {
      // S
      if (isSub(topic, sub, 'SENSOR')) {
        const obj = parseObject(topic, payload);
        const ctx = new DecodeContext(topic, nativeId, now);
        ctx.seen();
        if (obj.ENERGY !== undefined) decodeEnergy(ctx, obj.ENERGY, messageTime(obj, now));
        return ctx.finish();
      }
      if (isSub(topic, sub, 'STATE')) {
        const obj = parseObject(topic, payload);
        const ctx = new DecodeContext(topic, nativeId, now);
        ctx.seen();
        this.decodePowers(ctx, obj, messageTime(obj, now), true);
        return ctx.finish();
      }
      if (topic.startsWith('STATUS', sub)) return this.decodeStatus(topic, nativeId, payload, now);
    } else if (c === 82 && isSub(topic, sub, 'RESULT')) {
      return this.decodeResult(topic, nativeId, payload, now);
    } else if (c === 76 && isSub(topic, sub, 'LWT')) {
      return this.decodeLwt(topic, nativeId, payload, now);
    } else if (c === 80) {
      // P
      const relay = relayIndex(topic, sub);
      if (relay !== 0) return this.decodePlainPower(topic, nativeId, relay, payload, now);
      // SetOption4: the reply goes to stat/<t>/PULSETIME1 instead of RESULT.
      if (topic.startsWith('PULSETIME', sub))
        return this.decodeResult(topic, nativeId, payload, now);
    } else if (c === 73 && topic.startsWith('INFO', sub)) {
      return this.decodeInfo(topic, nativeId, payload, now);
    }
    // MARGINS, WARNING, UPTIME, …: the device is alive, nothing else to learn.
    return [{ protocol: 'tasmota', nativeId, kind: 'seen', ts: now }];
  }

  /** `stat/<t>/POWER[n]`: `ON`/`OFF` plain, or `{"POWER":"ON"}` with SetOption4. */
  private decodePlainPower(
    topic: string,
    nativeId: string,
    relay: number,
    payload: Buffer,
    now: number,
  ): DeviceEvent[] {
    if (relay < 0) {
      throw new DecodeError(`${topic}: relay index above 32`, topic);
    }
    if (payload[0] === 0x7b) return this.decodeResult(topic, nativeId, payload, now);
    const text = payload.toString('utf8').trim();
    const on = this.powerWord(nativeId, text);
    if (on === undefined) {
      throw new DecodeError(`${topic}: not a relay state: ${show(text)}`, topic);
    }
    const ctx = new DecodeContext(topic, nativeId, now);
    ctx.seen();
    ctx.state(relay, on, now);
    return ctx.events;
  }

  private decodeLwt(topic: string, nativeId: string, payload: Buffer, now: number): DeviceEvent[] {
    const text = payload.toString('utf8').trim();
    let online = parseLwtWord(text);
    if (online === undefined) {
      const memo = this.devices.get(nativeId);
      if (memo?.onlineText !== undefined && text === memo.onlineText) online = true;
      else if (memo?.offlineText !== undefined && text === memo.offlineText) online = false;
      else
        throw new DecodeError(`${topic}: LWT is neither Online nor Offline: ${show(text)}`, topic);
    }
    const ctx = new DecodeContext(topic, nativeId, now);
    if (online) ctx.seen();
    ctx.availability(online);
    return ctx.events;
  }

  private decodeResult(
    topic: string,
    nativeId: string,
    payload: Buffer,
    now: number,
  ): DeviceEvent[] {
    const obj = parseObject(topic, payload);
    const ctx = new DecodeContext(topic, nativeId, now);
    ctx.seen();
    this.decodePowers(ctx, obj, now, false);
    for (const key in obj) {
      if (key.startsWith('PulseTime')) this.pulseReply(nativeId, key, obj[key]);
      else if (key === 'EnergyTotal' || key === 'EnergyToday' || key === 'EnergyYesterday') {
        // Reply to setting a counter: {"EnergyTotal":{"Total":…,"Yesterday":…,"Today":…}}
        // in kWh. The new counters are the evidence of a deliberate reset.
        decodeEnergy(ctx, obj[key], now);
      }
    }
    // {"Command":"Unknown"} / {"Command":"Error"} and replies to other
    // commands (Timer<n>, Timers, …) carry nothing for the canonical model.
    return ctx.finish();
  }

  /**
   * Relay states from POWER / POWER<n> keys. `complete` when the object
   * lists every relay (STATE, StatusSTS): then it also tells the relay count.
   */
  private decodePowers(
    ctx: DecodeContext,
    obj: Record<string, unknown>,
    ts: number,
    complete: boolean,
  ): void {
    let highest = 0;
    for (const key in obj) {
      const relay = relayIndex(key);
      if (relay === 0) continue;
      const v = obj[key];
      if (relay < 0) {
        ctx.reject(`${key}: relay index above 32`);
        continue;
      }
      const on =
        typeof v === 'string'
          ? this.powerWord(ctx.nativeId, v)
          : typeof v === 'boolean'
            ? v
            : v === 1 || v === 0
              ? v === 1
              : undefined;
      if (on === undefined) {
        ctx.reject(`${key}: not a relay state: ${show(v)}`);
        continue;
      }
      ctx.state(relay, on, ts);
      if (relay > highest) highest = relay;
    }
    if (complete && highest > 0) {
      ctx.info({ relayCount: highest });
      const memo = this.memo(ctx.nativeId);
      memo.relayCount = highest;
    }
  }

  private powerWord(nativeId: string, text: string): boolean | undefined {
    const on = parsePowerWord(text);
    if (on !== undefined) return on;
    const memo = this.devices.get(nativeId);
    if (memo?.onText === undefined || memo.offText === undefined) return undefined;
    return parseCustomWord(text, memo.onText, memo.offText);
  }

  /** `{"PulseTime1":{"Set":0,…}}`: a countdown we armed has been cleared. */
  private pulseReply(nativeId: string, key: string, value: unknown): void {
    const memo = this.devices.get(nativeId);
    if (memo === undefined || memo.pulseArmed === 0 || !isObject(value)) return;
    const set = value.Set;
    if (key.length === 9 && Array.isArray(set)) {
      // Bare `PulseTime`: all values, relay 1 first.
      for (let i = 0; i < set.length && i < 32; i++) {
        if (set[i] === 0) memo.pulseArmed &= ~(1 << i);
      }
      return;
    }
    const relay = key.length === 9 ? 1 : Number(key.slice(9));
    if (set === 0 && Number.isInteger(relay) && relay >= 1 && relay <= 32) {
      memo.pulseArmed &= ~(1 << (relay - 1));
    }
  }

  /**
   * `stat/<t>/STATUS<n>`: Status (0: DeviceName), StatusFWR (2: Version),
   * StatusNET (5: Hostname, IPAddress, Mac), StatusSNS (8 and 10: sensors),
   * StatusSTS (11: like tele STATE). STATUS0 carries them all at once.
   */
  private decodeStatus(
    topic: string,
    nativeId: string,
    payload: Buffer,
    now: number,
  ): DeviceEvent[] {
    const obj = parseObject(topic, payload);
    const ctx = new DecodeContext(topic, nativeId, now);
    ctx.seen();
    const info: DeviceInfo = {};
    let any = false;

    const status = obj.Status;
    if (isObject(status)) {
      const name = str(ctx, 'Status.DeviceName', status.DeviceName);
      const friendly = status.FriendlyName;
      if (name !== undefined) info.name = name;
      else if (Array.isArray(friendly) && typeof friendly[0] === 'string' && friendly[0]) {
        info.name = friendly[0];
      }
      any ||= info.name !== undefined;
    } else if (status !== undefined) {
      ctx.reject(`Status: expected an object, got ${typeName(status)}`);
    }

    const fwr = obj.StatusFWR;
    if (isObject(fwr)) {
      const version = str(ctx, 'StatusFWR.Version', fwr.Version);
      if (version !== undefined) {
        info.firmware = version;
        any = true;
      }
    } else if (fwr !== undefined) {
      ctx.reject(`StatusFWR: expected an object, got ${typeName(fwr)}`);
    }

    const net = obj.StatusNET;
    if (isObject(net)) {
      const hostname = str(ctx, 'StatusNET.Hostname', net.Hostname);
      const ip = str(ctx, 'StatusNET.IPAddress', net.IPAddress);
      const macText = str(ctx, 'StatusNET.Mac', net.Mac);
      const hex = macText === undefined ? undefined : macHex(macText);
      if (macText !== undefined && hex === undefined) {
        ctx.reject(`StatusNET.Mac: not a MAC address: ${show(macText)}`);
      }
      if (hostname !== undefined) info.hostname = hostname;
      if (ip !== undefined) info.ip = ip;
      if (hex !== undefined) info.mac = macDisplay(hex);
      any ||= hostname !== undefined || ip !== undefined || hex !== undefined;
    } else if (net !== undefined) {
      ctx.reject(`StatusNET: expected an object, got ${typeName(net)}`);
    }
    if (any) ctx.info(info);

    const sns = obj.StatusSNS;
    if (isObject(sns)) {
      if (sns.ENERGY !== undefined) decodeEnergy(ctx, sns.ENERGY, messageTime(sns, now));
    } else if (sns !== undefined) {
      ctx.reject(`StatusSNS: expected an object, got ${typeName(sns)}`);
    }

    const sts = obj.StatusSTS;
    if (isObject(sts)) {
      this.decodePowers(ctx, sts, messageTime(sts, now), true);
    } else if (sts !== undefined) {
      ctx.reject(`StatusSTS: expected an object, got ${typeName(sts)}`);
    }
    return ctx.finish();
  }

  /**
   * `tele/<t>/INFO1` (Module, Version) and `INFO2` (Hostname, IPAddress),
   * published once after boot; wrapped in `Info1`/`Info2` since v9, flat before.
   */
  private decodeInfo(topic: string, nativeId: string, payload: Buffer, now: number): DeviceEvent[] {
    const obj = parseObject(topic, payload);
    const ctx = new DecodeContext(topic, nativeId, now);
    ctx.seen();
    const inner = isObject(obj.Info1) ? obj.Info1 : isObject(obj.Info2) ? obj.Info2 : obj;
    const info: DeviceInfo = {};
    // Module is a name since v6; older builds sent the module number: not a name.
    if (typeof inner.Module === 'string' && inner.Module) info.module = inner.Module;
    const version = str(ctx, 'Version', inner.Version);
    if (version !== undefined) info.firmware = version;
    const hostname = str(ctx, 'Hostname', inner.Hostname);
    if (hostname !== undefined) info.hostname = hostname;
    const ip = str(ctx, 'IPAddress', inner.IPAddress);
    if (ip !== undefined) info.ip = ip;
    if (Object.keys(info).length > 0) ctx.info(info);
    return ctx.finish();
  }

  // ------------------------------------------------------------- discovery

  private decodeDiscovery(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    const start = DISCOVERY_PREFIX.length;
    const slash = topic.indexOf('/', start);
    // `…/sensors` repeats SENSOR without naming the device: not used.
    if (slash <= start || !isSub(topic, slash + 1, 'config')) return [];
    // Empty: the device cleared its retained config (SetOption19 1). It keeps
    // publishing on its FullTopic, so the learned layout is kept.
    if (payload.length === 0) return [];
    const obj = parseObject(topic, payload);
    const ctx = new DecodeContext(topic, '', now);
    const cfg = readDiscovery(ctx, obj, topic.slice(start, slash), this.prefixes);
    ctx.nativeId = cfg.topic;
    const filters = this.learn(ctx, cfg);
    ctx.info(cfg.info);
    if (filters !== undefined) ctx.events.push({ kind: 'subscribe', filters });
    return ctx.finish();
  }

  /**
   * Remembers a device's discovery facts and topic layout. Returns the
   * filters to subscribe to when its layout is not covered by
   * {@link subscriptions} and differs from what was announced before.
   */
  private learn(ctx: DecodeContext, cfg: DiscoveryConfig): string[] | undefined {
    const id = cfg.topic;
    const p = cfg.prefixes;
    const ids =
      cfg.fullTopic.includes('%id%') && cfg.macHex
        ? [cfg.macHex, cfg.macHex.slice(6)]
        : [cfg.macHex];

    // Compute everything first: a failure must leave what we knew intact.
    const layouts: { cmnd: string; stat: string; tele: string }[] = [];
    for (const mac of ids) {
      const tokens = { topic: id, hostname: cfg.hostname, id: mac };
      const cmnd = topicBase(cfg.fullTopic, p.cmnd, true, tokens);
      const stat = topicBase(cfg.fullTopic, p.stat, false, tokens);
      const tele = topicBase(cfg.fullTopic, p.tele, false, tokens);
      if (cmnd === undefined || stat === undefined || tele === undefined) {
        ctx.fail(
          `discovery FullTopic ${show(cfg.fullTopic)} needs ${
            cfg.hostname === undefined ? '"hn" (hostname)' : '"mac"'
          }, which is missing`,
        );
      }
      for (const base of [cmnd, stat, tele]) {
        if (!isPlainTopicText(base))
          ctx.fail(`discovery FullTopic gives a topic with a wildcard: ${show(base)}`);
      }
      layouts.push({ cmnd, stat, tele });
    }

    if (cfg.macHex !== undefined) {
      const previous = this.byMac.get(cfg.macHex);
      if (previous !== undefined && previous !== id) this.forget(previous);
      this.byMac.set(cfg.macHex, id);
    }
    const memo = this.memo(id);
    memo.onText = cfg.onText;
    memo.offText = cfg.offText;
    memo.onlineText = cfg.onlineText;
    memo.offlineText = cfg.offlineText;
    if (cfg.info.relayCount !== undefined) memo.relayCount = cfg.info.relayCount;

    this.dropRoutes(id, memo);
    const first = layouts[0]!;
    memo.cmndBase = first.cmnd === `${this.prefixes.cmnd}/${id}/` ? undefined : first.cmnd;
    const standard =
      !id.includes('/') &&
      first.stat === `${this.prefixes.stat}/${id}/` &&
      first.tele === `${this.prefixes.tele}/${id}/`;
    const filters: string[] = [];
    if (!standard) {
      for (const l of layouts) {
        // Command topics are known so that their echo is ignored, not decoded.
        this.route(memo, l.cmnd, { nativeId: id, command: true });
        this.route(memo, l.stat, { nativeId: id, command: false });
        this.route(memo, l.tele, { nativeId: id, command: false });
        for (const base of [l.stat, l.tele]) {
          // `stat/<MAC>/` (FullTopic %prefix%/%id%/) needs a route, not a
          // subscription: the default filters already deliver it, and a
          // second, overlapping filter could deliver every message twice.
          const f = `${base}+`;
          if (!this.coveredByDefaults(base) && !filters.includes(f)) filters.push(f);
        }
      }
    }
    const key = filters.join('\n');
    if (key === memo.filtersKey) return undefined;
    memo.filtersKey = key;
    return filters.length > 0 ? filters : undefined;
  }

  /** `base` is `<stat or tele prefix>/<one level>/`, which {@link subscriptions} covers. */
  private coveredByDefaults(base: string): boolean {
    for (const p of [this.prefixes.stat, this.prefixes.tele]) {
      if (
        base.length > p.length + 2 &&
        base.startsWith(p) &&
        base.charCodeAt(p.length) === 47 &&
        base.indexOf('/', p.length + 1) === base.length - 1
      ) {
        return true;
      }
    }
    return false;
  }

  private route(memo: DeviceMemo, base: string, route: Route): void {
    this.routes.set(base, route);
    if (!memo.bases.includes(base)) memo.bases.push(base);
  }

  private dropRoutes(id: string, memo: DeviceMemo): void {
    for (const base of memo.bases) {
      if (this.routes.get(base)?.nativeId === id) this.routes.delete(base);
    }
    memo.bases = [];
  }

  /** A device renamed its Topic: what we knew under the old name is void. */
  private forget(id: string): void {
    const memo = this.devices.get(id);
    if (memo === undefined) return;
    this.dropRoutes(id, memo);
    this.devices.delete(id);
  }

  private memo(id: string): DeviceMemo {
    let memo = this.devices.get(id);
    if (memo === undefined) {
      memo = new DeviceMemo();
      this.devices.set(id, memo);
    }
    return memo;
  }

  // ---------------------------------------------------------------- encode

  encode(device: NativeRef, command: Command): OutboundMessage[] {
    if (device.protocol !== 'tasmota') {
      throw new HubError('bad_request', `not a Tasmota device: ${device.protocol}`);
    }
    const id = device.nativeId;
    if (!isPlainTopicText(id)) {
      throw new HubError(
        'bad_request',
        `Tasmota Topic must be non-empty, without wildcards: ${show(id)}`,
      );
    }
    const memo = this.devices.get(id);
    const base = memo?.cmndBase ?? `${this.prefixes.cmnd}/${id}/`;

    switch (command.kind) {
      case 'power': {
        checkRelay(command.relay);
        checkPowerState(command.state);
        const out: OutboundMessage[] = [];
        const bit = 1 << (command.relay - 1);
        if (command.state !== 'off' && memo !== undefined && (memo.pulseArmed & bit) !== 0) {
          // A countdown we set left PulseTime armed: without clearing it, this
          // plain "on" would switch off again when the old countdown runs out.
          out.push(message(`${base}PulseTime${command.relay}`, '0'));
        }
        out.push(message(base + this.powerName(memo, command.relay), POWER_PAYLOAD[command.state]));
        return out;
      }
      case 'poll':
        return [message(`${base}STATE`, ''), message(`${base}STATUS`, '10')];
      case 'countdown': {
        if (command.state !== 'off') {
          throw new HubError(
            'unsupported',
            'Tasmota can only count down to off (PulseTime: on now, off when it expires); ' +
              'a countdown to on is not supported',
          );
        }
        checkRelay(command.relay);
        const value = pulseTimeValue(command.seconds);
        this.memo(id).pulseArmed |= 1 << (command.relay - 1);
        return [
          message(`${base}PulseTime${command.relay}`, String(value)),
          message(base + this.powerName(memo, command.relay), 'ON'),
        ];
      }
      case 'timer': {
        const { slot, relay } = command;
        if (!Number.isInteger(slot) || slot < 1 || slot > MAX_TIMER_SLOT) {
          throw new HubError(
            'bad_request',
            `timer slot must be 1 to ${MAX_TIMER_SLOT}, got ${slot}`,
          );
        }
        checkRelay(relay, MAX_TIMER_OUTPUT);
        if (command.state !== 'on' && command.state !== 'off') {
          throw new HubError(
            'bad_request',
            `timer state must be on or off, got ${String(command.state)}`,
          );
        }
        const hhmm = timerTime(command.time);
        const out = [
          message(
            `${base}Timer${slot}`,
            timerPayload(relay, hhmm, command.state === 'on', command.enabled),
          ),
        ];
        // Timers only run while the global switch is on (`Timers 1`).
        if (command.enabled) out.push(message(`${base}Timers`, '1'));
        return out;
      }
      default: {
        const unknown: never = command;
        throw new HubError(
          'unsupported',
          `unknown command ${show((unknown as { kind?: unknown }).kind)}`,
        );
      }
    }
  }

  /** `cmnd/<groupTopic>/POWER` for every device in this driver's group. */
  groupPower(state: PowerState): OutboundMessage {
    return encodeGroupPower(this.groupTopic, state, this.prefixes.cmnd);
  }

  /** `POWER` for relay 1 of a device not known to have several relays. */
  private powerName(memo: DeviceMemo | undefined, relay: number): string {
    if (relay === 1 && (memo?.relayCount === undefined || memo.relayCount <= 1)) return 'POWER';
    return `POWER${relay}`;
  }
}

/** An optional string field; other types are rejected. */
function str(ctx: DecodeContext, label: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  ctx.reject(`${label}: expected a string, got ${typeName(v)}`);
  return undefined;
}

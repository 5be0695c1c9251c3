/**
 * The Tasmota convention (specs/tasmota-mqtt.md, research/tasmota-ha-z2m.md
 * §1): a pure codec. What it learns from devices (topic layouts from
 * discovery, relay counts, custom state texts, countdowns it armed) is kept
 * on the instance (device-memo.ts, layouts.ts), never at module level.
 *
 * This file routes: it tells from the topic which device a message is from
 * and which decoder reads it, and hands commands to encode-command.ts.
 *
 * Decisions a reader of the code should know:
 * - nativeId is the Tasmota `Topic`.
 * - Empty payloads are retained messages being cleared (or the device's own
 *   `cmnd/<t>/POWER` echo), not device reports: they yield [].
 * - Every device message yields one `seen` event, except an `Offline` LWT
 *   (the broker speaks for a device that is gone) and discovery configs
 *   (retained: they outlive the device).
 * - Fields that are wrong (wrong type, not finite, physically impossible such
 *   as a negative voltage) are rejected one by one: the good ones are kept
 *   and one `rejected` event lists the bad ones; a message with nothing
 *   usable left throws DecodeError listing them (DecodeContext, context.ts).
 * - Timestamps: a device's `Time` is local time without a zone unless
 *   SetOption52, so readings and states carry the receive time (`now`)
 *   unless the message has an `Epoch` or a `Time` with `Z`/an offset that
 *   is plausible (sensor.ts, messageTime).
 * - Replies to a command sent on the fallback topic come on
 *   `stat/<MqttClient>_fb/…` (research §1.1). Such an id is mapped to the
 *   device it belongs to: `DVES_<last 6 MAC hex digits>_fb` once the MAC is
 *   known (discovery, STATUS5), any `<client>_fb` once INFO1
 *   `FallbackTopic` or STATUS6 `MqttClient` named it. An unknown
 *   `DVES_xxxxxx_fb` is ignored, never taken for a new device; an unknown
 *   custom `<client>_fb` cannot be told from a Topic ending in `_fb` and is
 *   read as one.
 */
import type { Command, OutboundMessage, PowerState } from '../../core/commands.js';
import { DecodeError, type Driver } from '../../core/driver.js';
import { HubError } from '../../core/errors.js';
import type { DeviceEvent, NativeRef } from '../../core/events.js';
import { decodeJson, type JsonMessage } from './decode-json.js';
import { decodeLwt, decodePlainPower } from './decode-power.js';
import { DeviceMemos } from './device-memo.js';
import { isDefaultFallbackId } from './discovery.js';
import { encodeGroupPower } from './encode.js';
import { encodeCommand } from './encode-command.js';
import { TopicLayouts } from './layouts.js';
import { relayIndex } from './payload.js';
import {
  DEFAULT_PREFIXES,
  DISCOVERY_PREFIX,
  isPlainTopicText,
  isSub,
  type Prefixes,
} from './topics.js';

export interface TasmotaDriverOptions {
  /** Prefix1..3 when a fleet does not use cmnd/stat/tele. */
  readonly prefixes?: Partial<Prefixes>;
  /** GroupTopic for {@link TasmotaDriver.groupPower}; Tasmota's default is `tasmotas`. */
  readonly groupTopic?: string;
}

function checkPrefix(name: string, p: string): string {
  if (!isPlainTopicText(p) || p.includes('/')) {
    throw new HubError('bad_request', `tasmota ${name} prefix must be one topic level, got ${p}`);
  }
  return p;
}

export class TasmotaDriver implements Driver {
  readonly name = 'tasmota' as const;
  readonly prefixes: Prefixes;
  readonly groupTopic: string;

  private readonly memos = new DeviceMemos();
  private readonly layouts: TopicLayouts;

  constructor(opts: TasmotaDriverOptions = {}) {
    const p = opts.prefixes ?? {};
    this.prefixes = {
      cmnd: checkPrefix('cmnd', p.cmnd ?? DEFAULT_PREFIXES.cmnd),
      stat: checkPrefix('stat', p.stat ?? DEFAULT_PREFIXES.stat),
      tele: checkPrefix('tele', p.tele ?? DEFAULT_PREFIXES.tele),
    };
    this.groupTopic = opts.groupTopic ?? 'tasmotas';
    this.layouts = new TopicLayouts(this.prefixes, this.memos);
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
    const routes = this.layouts.routes;
    if (routes.size > 0) {
      const slash = topic.lastIndexOf('/');
      const route = slash > 0 ? routes.get(topic.slice(0, slash + 1)) : undefined;
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
      if (topic.startsWith(DISCOVERY_PREFIX)) {
        return this.layouts.decodeDiscovery(topic, payload, now);
      }
      // cmnd/<t>/… (incl. the device's empty POWER echo on reconnect) and foreign topics.
      return [];
    }
    const b = topic.indexOf('/', a + 1);
    if (b <= a + 1 || b === topic.length - 1 || topic.indexOf('/', b + 1) !== -1) return [];
    if (payload.length === 0) return [];
    let nativeId = topic.slice(a + 1, b);
    if (
      topic.charCodeAt(b - 1) === 98 && // b
      topic.charCodeAt(b - 2) === 102 && // f
      topic.charCodeAt(b - 3) === 95 // _
    ) {
      // `stat/<MqttClient>_fb/…`: the reply to a command on the fallback topic.
      const owner = this.memos.fallbackOwner(nativeId);
      if (owner !== undefined) nativeId = owner;
      else if (isDefaultFallbackId(nativeId)) return [];
    }
    return this.decodeMessage(topic, b + 1, nativeId, payload, now);
  }

  /**
   * A message from device `nativeId` whose subtopic starts at `sub`:
   * dispatched on the subtopic's first char code, then compared in full.
   */
  private decodeMessage(
    topic: string,
    sub: number,
    nativeId: string,
    payload: Buffer,
    now: number,
  ): DeviceEvent[] {
    const c = topic.charCodeAt(sub);
    let json: JsonMessage | undefined;
    if (c === 83) {
      // S
      if (isSub(topic, sub, 'SENSOR')) json = 'SENSOR';
      else if (isSub(topic, sub, 'STATE')) json = 'STATE';
      else if (topic.startsWith('STATUS', sub)) json = 'STATUS';
    } else if (c === 82) {
      if (isSub(topic, sub, 'RESULT')) json = 'RESULT';
    } else if (c === 76) {
      if (isSub(topic, sub, 'LWT')) return decodeLwt(topic, nativeId, payload, now, this.memos);
    } else if (c === 80) {
      // P
      const relay = relayIndex(topic, sub);
      if (relay !== 0) {
        if (relay < 0 || payload[0] !== 0x7b) {
          return decodePlainPower(topic, nativeId, relay, payload, now, this.memos);
        }
        // SetOption4: `{"POWER":"ON"}` comes here instead of on RESULT.
        json = 'RESULT';
      } else if (topic.startsWith('PULSETIME', sub)) {
        // SetOption4: the reply goes to stat/<t>/PULSETIME1 instead of RESULT.
        json = 'RESULT';
      }
    } else if (c === 73 && topic.startsWith('INFO', sub)) {
      json = 'INFO';
    }
    if (json !== undefined) return decodeJson(json, topic, nativeId, payload, now, this.memos);
    // MARGINS, WARNING, UPTIME, …: the device is alive, nothing else to learn.
    return [{ protocol: 'tasmota', nativeId, kind: 'seen', ts: now }];
  }

  // ---------------------------------------------------------------- encode

  encode(device: NativeRef, command: Command): OutboundMessage[] {
    return encodeCommand(device, command, this.memos, this.prefixes.cmnd);
  }

  /** `cmnd/<groupTopic>/POWER` for every device in this driver's group. */
  groupPower(state: PowerState): OutboundMessage {
    return encodeGroupPower(this.groupTopic, state, this.prefixes.cmnd);
  }
}

/**
 * Tasmota native discovery: `tasmota/discovery/<MAC>/config` (retained),
 * published by firmware with SetOption19 0. Keys (xdrv_12_discovery.ino):
 * `t` Topic, `ft` FullTopic, `tp` [cmnd, stat, tele] prefixes, `hn`
 * hostname, `mac`, `ip`, `dn` DeviceName, `fn` FriendlyNames, `md` module,
 * `sw` firmware, `rl` relay types (1 = relay), `state` [OFF, ON, TOGGLE,
 * HOLD] texts, `onln`/`ofln` LWT texts. Also the MAC forms the other
 * decoders share, and the default fallback topic id derived from a MAC.
 */
import type { DeviceInfo } from '../../core/events.js';
import { optionalString, typeName, type DecodeContext } from './context.js';
import { DEFAULT_FULLTOPIC, isPlainTopicText, type Prefixes } from './topics.js';

export interface DiscoveryConfig {
  readonly topic: string;
  readonly fullTopic: string;
  readonly prefixes: Prefixes;
  /** 12 upper-case hex digits, as `%id%` expands on the device. */
  readonly macHex: string | undefined;
  readonly hostname: string | undefined;
  /** Relay state texts, only when they differ from `ON`/`OFF`. */
  readonly onText: string | undefined;
  readonly offText: string | undefined;
  /** LWT texts, only when they differ from `Online`/`Offline`. */
  readonly onlineText: string | undefined;
  readonly offlineText: string | undefined;
  readonly info: DeviceInfo;
}

/**
 * `C44F337F0B7A`, `c4:4f:33:7f:0b:7a` or `C4-4F-…` to 12 upper-case hex
 * digits; undefined if it is not a MAC.
 */
export function macHex(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 || c === 45) continue; // : -
    if (!isHexDigit(c)) return undefined;
    out += s[i];
  }
  return out.length === 12 ? out.toUpperCase() : undefined;
}

/** A char code of `0-9`, `A-F` or `a-f`. */
function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The canonical MAC form the driver reports: `C4:4F:33:7F:0B:7A`. */
export function macDisplay(hex12: string): string {
  return hex12.replace(/(..)(?!$)/g, '$1:');
}

/**
 * The fallback topic id of a device whose MqttClient is Tasmota's default
 * `DVES_%06X` (the last 6 hex digits of its MAC): `DVES_043A71_fb`.
 */
export function defaultFallbackId(macHex: string): string {
  return `DVES_${macHex.slice(6)}_fb`;
}

/**
 * `DVES_<6 hex>_fb`: the fallback id of a device with the default MqttClient.
 * The firmware writes the hex digits upper-case; lower-case is accepted too.
 */
export function isDefaultFallbackId(id: string): boolean {
  if (id.length !== 14 || !id.startsWith('DVES_') || !id.endsWith('_fb')) return false;
  for (let i = 5; i < 11; i++) if (!isHexDigit(id.charCodeAt(i))) return false;
  return true;
}

/**
 * Reads a discovery config. Layout fields (`t`, `ft`, `tp`) must be right or
 * the whole message fails: a wrong layout would silently lose the device.
 * Other fields are rejected one by one.
 */
export function readDiscovery(
  ctx: DecodeContext,
  obj: Record<string, unknown>,
  macFromTopic: string,
  defaults: Prefixes,
): DiscoveryConfig {
  const topic = obj.t;
  if (typeof topic !== 'string' || !isPlainTopicText(topic)) {
    ctx.fail(
      `discovery "t" (Topic) must be a non-empty string without wildcards, got ${
        typeof topic === 'string' ? JSON.stringify(topic) : typeName(topic)
      }`,
    );
  }
  const ft = obj.ft;
  if (ft !== undefined && (typeof ft !== 'string' || ft.length === 0)) {
    ctx.fail(`discovery "ft" (FullTopic) must be a non-empty string, got ${typeName(ft)}`);
  }
  const tp = obj.tp;
  let prefixes = defaults;
  if (tp !== undefined) {
    if (
      !Array.isArray(tp) ||
      tp.length < 3 ||
      !tp.slice(0, 3).every((p) => typeof p === 'string' && isPlainTopicText(p))
    ) {
      ctx.fail(`discovery "tp" (prefixes) must be 3 non-empty strings, got ${JSON.stringify(tp)}`);
    }
    prefixes = { cmnd: tp[0] as string, stat: tp[1] as string, tele: tp[2] as string };
  }

  const macText = optionalString(ctx, 'mac', obj.mac);
  let hex = macText === undefined ? undefined : macHex(macText);
  if (macText !== undefined && hex === undefined) ctx.reject(`mac: not a MAC address: ${macText}`);
  hex ??= macHex(macFromTopic);

  const hostname = optionalString(ctx, 'hn', obj.hn);
  const info: DeviceInfo = {};
  if (hex !== undefined) info.mac = macDisplay(hex);
  if (hostname !== undefined) info.hostname = hostname;
  const sw = optionalString(ctx, 'sw', obj.sw);
  if (sw !== undefined) info.firmware = sw;
  const md = optionalString(ctx, 'md', obj.md);
  if (md !== undefined) info.module = md;
  const ip = optionalString(ctx, 'ip', obj.ip);
  if (ip !== undefined) info.ip = ip;
  let name = optionalString(ctx, 'dn', obj.dn);
  if (name === undefined && Array.isArray(obj.fn) && typeof obj.fn[0] === 'string' && obj.fn[0]) {
    name = obj.fn[0];
  }
  if (name !== undefined) info.name = name;
  const rl = obj.rl;
  if (Array.isArray(rl)) {
    let relays = 0;
    for (const r of rl) if (r === 1) relays++;
    info.relayCount = relays;
  } else if (rl !== undefined) {
    ctx.reject(`rl: expected an array, got ${typeName(rl)}`);
  }

  let onText: string | undefined;
  let offText: string | undefined;
  const state = obj.state;
  if (Array.isArray(state)) {
    const off: unknown = state[0];
    const on: unknown = state[1];
    if (typeof off === 'string' && off && off.toUpperCase() !== 'OFF') offText = off;
    if (typeof on === 'string' && on && on.toUpperCase() !== 'ON') onText = on;
  } else if (state !== undefined) {
    ctx.reject(`state: expected an array, got ${typeName(state)}`);
  }
  const onln = optionalString(ctx, 'onln', obj.onln);
  const ofln = optionalString(ctx, 'ofln', obj.ofln);

  return {
    topic,
    fullTopic: ft ?? DEFAULT_FULLTOPIC,
    prefixes,
    macHex: hex,
    hostname,
    onText: onText !== undefined || offText !== undefined ? (onText ?? 'ON') : undefined,
    offText: onText !== undefined || offText !== undefined ? (offText ?? 'OFF') : undefined,
    onlineText: onln !== undefined && onln.toLowerCase() !== 'online' ? onln : undefined,
    offlineText: ofln !== undefined && ofln.toLowerCase() !== 'offline' ? ofln : undefined,
    info,
  };
}

/**
 * What a device tells about itself: `stat/<t>/STATUS<n>` replies (to our
 * poll and to discovery-less setups) and the `tele/<t>/INFO1..2` it
 * publishes after boot. Yields `info` events, plus readings and relay
 * states where a STATUS carries them. Also learns the device's fallback
 * topic id (`<MqttClient>_fb`) from its MAC, MqttClient or FallbackTopic.
 */
import type { DeviceInfo } from '../../core/events.js';
import { isObject, optionalString, show, typeName, type DecodeContext } from './context.js';
import type { DeviceMemos } from './device-memo.js';
import { decodePowers } from './decode-power.js';
import { defaultFallbackId, macDisplay, macHex } from './discovery.js';
import { decodeEnergy, messageTime } from './sensor.js';
import { isPlainTopicText } from './topics.js';

/**
 * `stat/<t>/STATUS<n>`: Status (0: DeviceName), StatusFWR (2: Version),
 * StatusNET (5: Hostname, IPAddress, Mac), StatusMQT (6: MqttClient),
 * StatusSNS (8 and 10: sensors), StatusSTS (11: like tele STATE). STATUS0
 * carries them all at once.
 */
export function decodeStatus(
  ctx: DecodeContext,
  obj: Record<string, unknown>,
  memos: DeviceMemos,
): void {
  const info: DeviceInfo = {};
  let any = false;

  const status = obj.Status;
  if (isObject(status)) {
    const name = optionalString(ctx, 'Status.DeviceName', status.DeviceName);
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
    const version = optionalString(ctx, 'StatusFWR.Version', fwr.Version);
    if (version !== undefined) {
      info.firmware = version;
      any = true;
    }
  } else if (fwr !== undefined) {
    ctx.reject(`StatusFWR: expected an object, got ${typeName(fwr)}`);
  }

  const net = obj.StatusNET;
  if (isObject(net)) {
    const hostname = optionalString(ctx, 'StatusNET.Hostname', net.Hostname);
    const ip = optionalString(ctx, 'StatusNET.IPAddress', net.IPAddress);
    const macText = optionalString(ctx, 'StatusNET.Mac', net.Mac);
    const hex = macText === undefined ? undefined : macHex(macText);
    if (macText !== undefined && hex === undefined) {
      ctx.reject(`StatusNET.Mac: not a MAC address: ${show(macText)}`);
    }
    if (hostname !== undefined) info.hostname = hostname;
    if (ip !== undefined) info.ip = ip;
    if (hex !== undefined) {
      info.mac = macDisplay(hex);
      memos.learnFallback(defaultFallbackId(hex), ctx.nativeId);
    }
    any ||= hostname !== undefined || ip !== undefined || hex !== undefined;
  } else if (net !== undefined) {
    ctx.reject(`StatusNET: expected an object, got ${typeName(net)}`);
  }
  if (any) ctx.info(info);

  const mqt = obj.StatusMQT;
  if (isObject(mqt)) {
    const client = optionalString(ctx, 'StatusMQT.MqttClient', mqt.MqttClient);
    if (client !== undefined) memos.learnFallback(`${client}_fb`, ctx.nativeId);
  } else if (mqt !== undefined) {
    ctx.reject(`StatusMQT: expected an object, got ${typeName(mqt)}`);
  }

  const sns = obj.StatusSNS;
  if (isObject(sns)) {
    if (sns.ENERGY !== undefined) decodeEnergy(ctx, sns.ENERGY, messageTime(sns, ctx.now));
  } else if (sns !== undefined) {
    ctx.reject(`StatusSNS: expected an object, got ${typeName(sns)}`);
  }

  const sts = obj.StatusSTS;
  if (isObject(sts)) {
    decodePowers(ctx, sts, messageTime(sts, ctx.now), true, memos);
  } else if (sts !== undefined) {
    ctx.reject(`StatusSTS: expected an object, got ${typeName(sts)}`);
  }
}

/**
 * `tele/<t>/INFO1` (Module, Version, FallbackTopic) and `INFO2` (Hostname,
 * IPAddress), published once after boot; wrapped in `Info1`/`Info2` since
 * v9, flat before.
 */
export function decodeInfo(
  ctx: DecodeContext,
  obj: Record<string, unknown>,
  memos: DeviceMemos,
): void {
  const inner = isObject(obj.Info1) ? obj.Info1 : isObject(obj.Info2) ? obj.Info2 : obj;
  const fallback = optionalString(ctx, 'FallbackTopic', inner.FallbackTopic);
  const fallbackId = fallback === undefined ? undefined : fallbackTopicId(fallback);
  if (fallbackId !== undefined) memos.learnFallback(fallbackId, ctx.nativeId);
  const info: DeviceInfo = {};
  // Module is a name since v6; older builds sent the module number: not a name.
  if (typeof inner.Module === 'string' && inner.Module) info.module = inner.Module;
  const version = optionalString(ctx, 'Version', inner.Version);
  if (version !== undefined) info.firmware = version;
  const hostname = optionalString(ctx, 'Hostname', inner.Hostname);
  if (hostname !== undefined) info.hostname = hostname;
  const ip = optionalString(ctx, 'IPAddress', inner.IPAddress);
  if (ip !== undefined) info.ip = ip;
  if (Object.keys(info).length > 0) ctx.info(info);
}

/**
 * The id level of an INFO1 `FallbackTopic` (`cmnd/DVES_043A71_fb/`):
 * `DVES_043A71_fb`. Undefined for any other form (old builds had no `_fb`).
 */
function fallbackTopicId(topic: string): string | undefined {
  const end = topic.endsWith('/') ? topic.length - 1 : topic.length;
  const id = topic.slice(topic.lastIndexOf('/', end - 1) + 1, end);
  return id.length > 3 && id.endsWith('_fb') && isPlainTopicText(id) ? id : undefined;
}

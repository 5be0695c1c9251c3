/**
 * Moko V1 topics (spec §3.1): exactly six levels,
 * `<device_function>/<device_name>/<model>/<mac>/<client>/<field>`, where
 * client is `device` (the plug publishes) or `app` (we publish). The first
 * four levels come from the plug's provisioning reply (4001) and are the same
 * on both sides, so what we learn from a `device/` topic is everything we
 * need to address the plug.
 */

/** What a topic the plug published says about the plug. */
export interface MokoTopic {
  /** `<device_function>/<device_name>/<model>/<mac>/`: the plug's topic base. */
  readonly base: string;
  readonly deviceFunction: string;
  readonly deviceName: string;
  readonly model: string;
  /** The MAC level as published (`11:22:33:44:55:66`). */
  readonly mac: string;
  /** MAC without separators, lower case: the device's nativeId. */
  readonly nativeId: string;
  /** The function field: switch_state, delay_time, ... */
  readonly field: string;
}

/** Topic filter for everything a V1 plug publishes. */
export const DEVICE_FILTER = '+/+/+/+/device/+';

/** 12 hex digits, optionally in pairs separated by `:` or `-`. */
const MAC = /^[0-9A-Fa-f]{2}(?:([:-]?)[0-9A-Fa-f]{2})(?:\1[0-9A-Fa-f]{2}){4}$/;

/** The nativeId of a MAC as the plug writes it, or undefined when it is no MAC. */
export function nativeIdOfMac(mac: string): string | undefined {
  if (!MAC.test(mac)) return undefined;
  return mac.replace(/[:-]/g, '').toLowerCase();
}

/**
 * Split a `.../device/<field>` topic. Returns undefined for any other shape
 * (a different level count, `app/` echoes, an empty level); a MAC level that
 * is no MAC is reported as `badMac` so the driver can reject it by name.
 */
export function parseDeviceTopic(topic: string): MokoTopic | { badMac: string } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 6 || levels[4] !== 'device') return undefined;
  if (levels.some((l) => l.length === 0)) return undefined;
  const [deviceFunction, deviceName, model, mac, , field] = levels as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const nativeId = nativeIdOfMac(mac);
  if (nativeId === undefined) return { badMac: mac };
  return {
    base: `${deviceFunction}/${deviceName}/${model}/${mac}/`,
    deviceFunction,
    deviceName,
    model,
    mac,
    nativeId,
    field,
  };
}

/** The topic we publish `field` on for the plug whose topic base is `base`. */
export function appTopic(base: string, field: string): string {
  return `${base}app/${field}`;
}

/** `112233445566` -> `11:22:33:44:55:66`. */
export function colonMac(nativeId: string): string {
  return nativeId.replace(/(..)(?!$)/g, '$1:');
}

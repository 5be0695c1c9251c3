/**
 * How a plug in AP mode answers the three provisioning requests (spec §1-2),
 * as a pure function: request text and session in, reply and session out.
 * Checks come in the spec's order of codes: unknown JSON (5), type (2),
 * length (1), range (6); 4003 before a good 4002 is out of order (3).
 */
import { CODE, HEADER, LIMITS, meaningOf, type PlugIdentity } from '../../provision/moko/codes.js';

/** The broker a provisioned plug connects to (4002). */
export interface BrokerSettings {
  host: string;
  port: number;
  /** 0 TCP, 1 SSL. */
  connectMode: number;
  username: string;
  password: string;
  keepalive: number;
  qos: number;
  cleanSession: boolean;
  /** Empty or absent: the plug uses its MAC. */
  clientId?: string;
}

export interface WifiSettings {
  ssid: string;
  password: string;
  security: number;
}

export interface ApSession {
  mqtt?: BrokerSettings;
  wifi?: WifiSettings;
}

export interface ApReply {
  code: number;
  message: string;
  result: Record<string, unknown>;
}

type Field =
  | { kind: 'string'; bytes: readonly [number, number] }
  | { kind: 'int'; range: readonly [number, number] };

const MQTT_FIELDS: Record<string, Field> = {
  host: { kind: 'string', bytes: LIMITS.hostBytes },
  port: { kind: 'int', range: LIMITS.port },
  connect_mode: { kind: 'int', range: LIMITS.connectMode },
  username: { kind: 'string', bytes: LIMITS.credentialBytes },
  password: { kind: 'string', bytes: LIMITS.credentialBytes },
  keepalive: { kind: 'int', range: LIMITS.keepalive },
  qos: { kind: 'int', range: LIMITS.qos },
  clean_session: { kind: 'int', range: LIMITS.cleanSession },
};
const MQTT_OPTIONAL: Record<string, Field> = {
  clientId: { kind: 'string', bytes: LIMITS.clientIdBytes },
};

const WIFI_FIELDS: Record<string, Field> = {
  wifi_ssid: { kind: 'string', bytes: LIMITS.ssidBytes },
  wifi_pwd: { kind: 'string', bytes: LIMITS.wifiPasswordBytes },
  wifi_security: { kind: 'int', range: LIMITS.wifiSecurity },
};

function reply(code: number, header?: number, extra: Record<string, unknown> = {}): ApReply {
  return {
    code,
    message: code === CODE.ok ? 'success' : meaningOf(code),
    result: header === undefined ? {} : { header, ...extra },
  };
}

/** The code for the first field that breaks its rule, or 0. */
function check(
  obj: Record<string, unknown>,
  required: Record<string, Field>,
  optional: Record<string, Field> = {},
): number {
  const all = { ...required, ...optional };
  for (const key of Object.keys(obj))
    if (key !== 'header' && !Object.hasOwn(all, key)) return CODE.unknown;
  for (const key of Object.keys(required)) if (!Object.hasOwn(obj, key)) return CODE.unknown;
  const present = Object.entries(all).filter(([k]) => Object.hasOwn(obj, k));
  for (const [key, f] of present) {
    const v = obj[key];
    const ok =
      f.kind === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isInteger(v);
    if (!ok) return CODE.type;
  }
  for (const [key, f] of present) {
    if (f.kind !== 'string') continue;
    const n = Buffer.byteLength(obj[key] as string);
    if (n < f.bytes[0] || n > f.bytes[1]) return CODE.length;
  }
  for (const [key, f] of present) {
    if (f.kind !== 'int') continue;
    const v = obj[key] as number;
    if (v < f.range[0] || v > f.range[1]) return CODE.range;
  }
  return CODE.ok;
}

export function answer(
  session: ApSession,
  text: string,
  identity: PlugIdentity,
): { reply: ApReply; session: ApSession } {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return { reply: reply(CODE.notJson), session };
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    return { reply: reply(CODE.notJson), session };
  const req = obj as Record<string, unknown>;
  const header = req.header;
  switch (header) {
    case HEADER.info:
      if (Object.keys(req).length !== 1) return { reply: reply(CODE.unknown, header), session };
      return { reply: reply(CODE.ok, header, { ...identity }), session };
    case HEADER.mqtt: {
      const code = check(req, MQTT_FIELDS, MQTT_OPTIONAL);
      if (code !== CODE.ok) return { reply: reply(code, header), session };
      const mqtt: BrokerSettings = {
        host: req.host as string,
        port: req.port as number,
        connectMode: req.connect_mode as number,
        username: req.username as string,
        password: req.password as string,
        keepalive: req.keepalive as number,
        qos: req.qos as number,
        cleanSession: req.clean_session === 1,
        ...(typeof req.clientId === 'string' && req.clientId !== ''
          ? { clientId: req.clientId }
          : {}),
      };
      return { reply: reply(CODE.ok, header), session: { ...session, mqtt } };
    }
    case HEADER.wifi: {
      if (!session.mqtt) return { reply: reply(CODE.order, header), session };
      const code = check(req, WIFI_FIELDS);
      if (code !== CODE.ok) return { reply: reply(code, header), session };
      const wifi = {
        ssid: req.wifi_ssid as string,
        password: req.wifi_pwd as string,
        security: req.wifi_security as number,
      };
      return { reply: reply(CODE.ok, header), session: { ...session, wifi } };
    }
    default:
      return {
        reply: reply(CODE.unknown, typeof header === 'number' ? header : undefined),
        session,
      };
  }
}

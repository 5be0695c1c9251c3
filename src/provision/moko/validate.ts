/**
 * Everything `wattbridge provision moko` sends, checked against the spec's
 * limits (§2.2, §2.3) before a byte goes to the plug. Pure: settings in,
 * the three requests out, or an error naming the bad value.
 */
import { HEADER, LIMITS, WIFI_SECURITY } from './codes.js';

export class InvalidSetting extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSetting';
  }
}

export interface ProvisionSettings {
  /** `host:port` of the plug in AP mode. */
  plug: string;
  /** mqtt:// (connect_mode 0) or mqtts:// (1), with user and password. */
  mqttUrl: string;
  keepalive: number;
  qos: number;
  cleanSession: boolean;
  clientId?: string;
  wifiSsid: string;
  wifiPassword: string;
  wifiSecurity: number;
}

export interface ProvisionPlan {
  plugHost: string;
  plugPort: number;
  /** The broker as the plug will reach it, for messages (no password). */
  broker: { host: string; port: number; tls: boolean; username: string };
  requests: { info: object; mqtt: object; wifi: object };
}

function bytesWithin(
  what: string,
  s: string,
  [min, max]: readonly [number, number],
  secret = false,
): void {
  const n = Buffer.byteLength(s);
  if (n < min || n > max) {
    const shown = secret ? '' : ` (${JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s)})`;
    const want = min === max ? `${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
    throw new InvalidSetting(`${what} must be ${want} bytes, got ${n}${shown}`);
  }
}

function intWithin(what: string, v: number, [min, max]: readonly [number, number]): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new InvalidSetting(
      `${what} must be a whole number from ${min} to ${max}, got ${String(v)}`,
    );
}

/** `host:port` (IPv6 in brackets); the port is required. */
export function parseHostPort(what: string, text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d+)$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new InvalidSetting(
      `${what} must be HOST:PORT (e.g. 192.168.4.1:8266), got ${JSON.stringify(text)}`,
    );
  return { host: (m[1] ?? m[2]) as string, port };
}

export function planProvisioning(s: ProvisionSettings): ProvisionPlan {
  const plug = parseHostPort('--plug', s.plug);
  let url: URL;
  try {
    url = new URL(s.mqttUrl);
  } catch {
    throw new InvalidSetting(`--mqtt-url is not a URL: ${JSON.stringify(s.mqttUrl)}`);
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new InvalidSetting(
      `--mqtt-url must be mqtt:// (TCP) or mqtts:// (SSL): a Moko plug speaks nothing else; got ${url.protocol}`,
    );
  const tls = url.protocol === 'mqtts:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  bytesWithin('the MQTT host in --mqtt-url', host, LIMITS.hostBytes);
  const port = url.port ? Number(url.port) : tls ? 8883 : 1883;
  intWithin('the MQTT port in --mqtt-url', port, LIMITS.port);
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw new InvalidSetting('the user or password in --mqtt-url has a broken %-escape');
  }
  if (!username)
    throw new InvalidSetting(
      '--mqtt-url needs a user and password (mqtt://USER:PASSWORD@host): the plug requires both',
    );
  bytesWithin('the MQTT user name in --mqtt-url', username, LIMITS.credentialBytes);
  if (!password)
    throw new InvalidSetting(
      '--mqtt-url needs a password after the user name: the plug requires one',
    );
  bytesWithin('the MQTT password in --mqtt-url', password, LIMITS.credentialBytes, true);
  intWithin('--keepalive (seconds)', s.keepalive, LIMITS.keepalive);
  intWithin('--qos', s.qos, LIMITS.qos);
  if (s.clientId !== undefined) bytesWithin('--client-id', s.clientId, LIMITS.clientIdBytes);
  if (s.wifiSsid === '') throw new InvalidSetting('--wifi-ssid must not be empty');
  bytesWithin('--wifi-ssid', s.wifiSsid, LIMITS.ssidBytes);
  bytesWithin('--wifi-password', s.wifiPassword, LIMITS.wifiPasswordBytes, true);
  intWithin(
    `--wifi-security (${WIFI_SECURITY.map((w, i) => `${i} ${w}`).join(', ')})`,
    s.wifiSecurity,
    LIMITS.wifiSecurity,
  );
  if (s.wifiSecurity !== 0 && s.wifiPassword === '')
    throw new InvalidSetting(
      `--wifi-password is needed for --wifi-security ${s.wifiSecurity} (${WIFI_SECURITY[s.wifiSecurity]}); use 0 for an open network`,
    );
  return {
    plugHost: plug.host,
    plugPort: plug.port,
    broker: { host, port, tls, username },
    requests: {
      info: { header: HEADER.info },
      mqtt: {
        header: HEADER.mqtt,
        host,
        port,
        ...(s.clientId !== undefined ? { clientId: s.clientId } : {}),
        connect_mode: tls ? 1 : 0,
        username,
        password,
        keepalive: s.keepalive,
        qos: s.qos,
        clean_session: s.cleanSession ? 1 : 0,
      },
      wifi: {
        header: HEADER.wifi,
        wifi_ssid: s.wifiSsid,
        wifi_pwd: s.wifiPassword,
        wifi_security: s.wifiSecurity,
      },
    },
  };
}

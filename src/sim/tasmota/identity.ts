import { createHash } from 'node:crypto';

/**
 * Everything a Tasmota device derives from its MAC and Topic: MQTT client id
 * (`DVES_` + last 6 MAC digits, also the fallback topic), hostname
 * (`<topic>-<chip id & 0x1FFF>`), and the believable-but-fake network details
 * the status and discovery messages report.
 */
export interface Identity {
  readonly topic: string;
  /** 12 uppercase hex digits, no separators (Tasmota's NetworkUniqueId). */
  readonly mac: string;
  /** `AA:BB:CC:DD:EE:FF`, the form Status 5 prints. */
  readonly macColons: string;
  readonly clientId: string;
  readonly hostname: string;
  readonly ip: string;
  readonly gateway: string;
  readonly bssid: string;
  readonly rssi: number;
  readonly chipId: number;
  readonly bootCount: number;
}

const MAC_RE = /^[0-9A-F]{12}$/;
/** An Espressif OUI, so the MAC looks like one of a real ESP8266 plug. */
const ESPRESSIF_OUI = 'DC4F22';

export function normalizeMac(mac: string): string {
  const clean = mac.replace(/[:-]/g, '').toUpperCase();
  if (!MAC_RE.test(clean)) {
    throw new Error(`invalid MAC "${mac}": expected 12 hex digits`);
  }
  return clean;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A stable MAC for a topic: Espressif OUI + 3 bytes of the topic's hash. */
export function macFromTopic(topic: string): string {
  return ESPRESSIF_OUI + digest(topic).subarray(0, 3).toString('hex').toUpperCase();
}

/** The n-th MAC of a block starting at a hash of `seed`; unique for n < 2^24. */
export function macFromSeed(seed: string, n: number): string {
  const base = digest(seed).readUIntBE(0, 3);
  const low = (base + n) % 0x1000000;
  return ESPRESSIF_OUI + low.toString(16).toUpperCase().padStart(6, '0');
}

function hostnameFor(topic: string, chipId: number): string {
  const base = topic.replace(/[^A-Za-z0-9-]/g, '-');
  return `${base}-${String(chipId & 0x1fff).padStart(4, '0')}`;
}

export function makeIdentity(topic: string, mac: string): Identity {
  const macHex = normalizeMac(mac);
  const low = macHex.slice(6);
  const bytes = Buffer.from(macHex, 'hex');
  const hash = digest(macHex);
  const chipId = parseInt(low, 16);
  const b4 = bytes[4] ?? 0;
  const b5 = bytes[5] ?? 0;
  return {
    topic,
    mac: macHex,
    macColons: macHex.match(/../g)?.join(':') ?? macHex,
    clientId: `DVES_${low}`,
    hostname: hostnameFor(topic, chipId),
    ip: `192.168.${(b4 % 250) + 1}.${(b5 % 250) + 2}`,
    gateway: `192.168.${(b4 % 250) + 1}.1`,
    bssid:
      '60:E3:27:' +
      (hash.subarray(0, 3).toString('hex').toUpperCase().match(/../g) ?? []).join(':'),
    rssi: 60 + ((hash[3] ?? 0) % 40),
    chipId,
    bootCount: 3 + ((hash[4] ?? 0) % 40),
  };
}

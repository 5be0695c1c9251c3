/**
 * The AP-mode provisioning exchange (spec §1, §2): request headers, reply
 * codes and the limits every value must keep. Shared by the client
 * (`wattbridge provision moko`) and the simulated plug.
 */

export const HEADER = { info: 4001, mqtt: 4002, wifi: 4003 } as const;

/** Reply codes and their meaning (spec §1). */
const CODE_MEANINGS: Readonly<Record<number, string>> = {
  0: 'information successfully received and parsed',
  1: 'the length does not meet the requirements',
  2: 'the data type does not meet the requirements',
  3: 'MQTT and Wi-Fi settings were sent in the wrong order (MQTT must come first)',
  4: 'the data received is not JSON',
  5: 'the JSON received is not defined by the protocol',
  6: 'the data type is right, but the value is out of range',
};

export const CODE = {
  ok: 0,
  length: 1,
  type: 2,
  order: 3,
  notJson: 4,
  unknown: 5,
  range: 6,
} as const;

/** Limits of 4002 / 4003 values (spec §2.2, §2.3; clientId from research §3.2). */
export const LIMITS = {
  hostBytes: [1, 64],
  credentialBytes: [1, 32],
  clientIdBytes: [0, 32],
  port: [0, 65535],
  connectMode: [0, 1],
  keepalive: [60, 120],
  qos: [0, 2],
  cleanSession: [0, 1],
  /** 802.11 allows SSIDs of 1-32 bytes and WPA passphrases of up to 64. */
  ssidBytes: [1, 32],
  wifiPasswordBytes: [0, 64],
  wifiSecurity: [0, 4],
} as const;

export const WIFI_SECURITY = ['open', 'WEP', 'WPA_PSK', 'WPA2_PSK', 'WPA/WPA2_PSK'] as const;

/** What the plug is, from its 4001 reply. */
export interface PlugIdentity {
  device_function: string;
  device_name: string;
  device_specifications: string;
  device_mac: string;
  device_type: string;
}

/** `<device_function>/<device_name>/<model>/<mac>/`: where the plug's topics live. */
export function topicBase(id: PlugIdentity): string {
  return `${id.device_function}/${id.device_name}/${id.device_specifications}/${id.device_mac}/`;
}

export function meaningOf(code: number): string {
  return CODE_MEANINGS[code] ?? 'an error code the protocol does not define';
}

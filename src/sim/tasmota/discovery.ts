import type { TasmotaDevice } from './device.js';
import { FIRMWARE_VERSION, STATE_TEXT } from './device.js';
import type { JsonValue } from './format.js';
import { toJson } from './format.js';
import { friendlyNames, moduleName } from './status.js';
import type { Outbound } from './types.js';

/**
 * Tasmota native discovery (xdrv_12_discovery, SetOption19 0): retained
 * `tasmota/discovery/<MAC>/config` and `/sensors`, as Home Assistant's
 * Tasmota integration (hatasmota) reads them. ESP8266 array sizes.
 */

const MAX_FRIENDLYNAMES = 8;
const MAX_RELAYS_SET = 8;
const MAX_SWITCHES_SET = 8;
const MAX_KEYS_SET = 8;

export function discoveryConfig(d: TasmotaDevice): { [key: string]: JsonValue } {
  const names = friendlyNames(d.relays);
  const fn: JsonValue[] = [];
  for (let i = 0; i < MAX_FRIENDLYNAMES; i++) fn.push(names[i] ?? null);
  const rl: number[] = [];
  for (let i = 0; i < Math.max(MAX_RELAYS_SET, d.relays); i++) rl.push(i < d.relays ? 1 : 0);
  return {
    ip: d.identity.ip,
    dn: 'Tasmota',
    fn,
    hn: d.identity.hostname,
    mac: d.identity.mac,
    md: moduleName(d.relays),
    ty: 0,
    if: 0,
    ofln: 'Offline',
    onln: 'Online',
    state: [...STATE_TEXT],
    sw: FIRMWARE_VERSION,
    t: d.identity.topic,
    ft: d.layout.fullTopic,
    tp: ['cmnd', 'stat', 'tele'],
    rl,
    swc: new Array<number>(MAX_SWITCHES_SET).fill(-1),
    swn: new Array<null>(MAX_SWITCHES_SET).fill(null),
    btn: new Array<number>(MAX_KEYS_SET).fill(0),
    so: {
      '4': d.flags.so4 ? 1 : 0,
      '11': 0,
      '13': 0,
      '17': 0,
      '20': 0,
      '30': 0,
      '68': 0,
      '73': 0,
      '82': 0,
      '114': 0,
      '117': 0,
    },
    lk: 0,
    lt_st: 0,
    bat: 0,
    dslp: 0,
    sho: [],
    sht: [],
    ver: 1,
  };
}

/** Both retained discovery messages. */
export function discoveryMessages(d: TasmotaDevice): Outbound[] {
  const base = `tasmota/discovery/${d.identity.mac}`;
  return [
    {
      prefix: 'absolute',
      subtopic: `${base}/config`,
      payload: toJson(discoveryConfig(d)),
      retain: true,
    },
    {
      prefix: 'absolute',
      subtopic: `${base}/sensors`,
      payload: toJson({ sn: d.sensorJson(), ver: 1 }),
      retain: true,
    },
  ];
}

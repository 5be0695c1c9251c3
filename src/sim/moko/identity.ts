import type { PlugIdentity } from '../../provision/moko/codes.js';
import { macFromSeed } from '../tasmota/identity.js';

/** The spec's example plug: iot_plug / plug_one / us. */
export const DEFAULT_IDENTITY: Omit<PlugIdentity, 'device_mac'> = {
  device_function: 'iot_plug',
  device_name: 'plug_one',
  device_specifications: 'us',
  device_type: '1',
};

/** `AABBCCDDEEFF` -> `aa:bb:cc:dd:ee:ff`, the form the plug reports. */
export function colonMacOf(mac12: string): string {
  return mac12.toLowerCase().replace(/(..)(?!$)/g, '$1:');
}

/** Plug `n` (0-based) of a fleet seeded by `seed`: unique, stable MACs. */
export function fleetIdentity(seed: string, n: number, metering = true): PlugIdentity {
  return {
    ...DEFAULT_IDENTITY,
    device_mac: colonMacOf(macFromSeed(seed, n)),
    device_type: metering ? '1' : '0',
  };
}

/** `<device_function>/<device_name>/<model>/<mac>/`: where the plug's topics live. */
export function topicBase(id: PlugIdentity): string {
  return `${id.device_function}/${id.device_name}/${id.device_specifications}/${id.device_mac}/`;
}

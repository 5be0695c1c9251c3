import type { PlugIdentity } from '../../provision/moko/codes.js';
import { colonMac } from '../../drivers/moko/topics.js';
import { macFromSeed } from '../tasmota/identity.js';

/** The spec's example plug: iot_plug / plug_one / us. */
export const DEFAULT_IDENTITY: Omit<PlugIdentity, 'device_mac'> = {
  device_function: 'iot_plug',
  device_name: 'plug_one',
  device_specifications: 'us',
  device_type: '1',
};

/** Plug `n` (0-based) of a fleet seeded by `seed`: unique, stable MACs. */
export function fleetIdentity(seed: string, n: number, metering = true): PlugIdentity {
  return {
    ...DEFAULT_IDENTITY,
    // `aa:bb:cc:dd:ee:ff`, the form the plug reports.
    device_mac: colonMac(macFromSeed(seed, n).toLowerCase()),
    device_type: metering ? '1' : '0',
  };
}

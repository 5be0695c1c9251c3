import type { Driver } from '../core/driver.js';
import { MokoDriver } from './moko/driver.js';
import { TasmotaDriver } from './tasmota/driver.js';

/** Every device convention the hub speaks. Adding one is adding a line here. */
export function createDrivers(): Driver[] {
  return [new TasmotaDriver(), new MokoDriver()];
}

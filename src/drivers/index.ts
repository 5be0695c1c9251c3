import type { HubConfig } from '../config/config.js';
import type { Driver } from '../core/driver.js';
import { MokoDriver } from './moko/driver.js';
import { Mqtt2goDriver, splitList } from './mqtt2go/index.js';
import { SenmlDriver } from './senml/driver.js';
import { TasmotaDriver } from './tasmota/driver.js';

/** Every device convention the hub speaks. Adding one is adding a line here. */
export function createDrivers(cfg?: Pick<HubConfig, 'mqtt2go'>): Driver[] {
  return [
    new TasmotaDriver(),
    new MokoDriver(),
    new Mqtt2goDriver({
      homes: splitList(cfg?.mqtt2go.homes),
      gateways: splitList(cfg?.mqtt2go.gateways),
      version: cfg?.mqtt2go.version,
    }),
    new SenmlDriver(),
  ];
}

import { startAll } from '../start-all.js';
import { macFromSeed } from './identity.js';
import { TasmotaPlug } from './plug.js';
import type { TasmotaFaults } from './types.js';

export interface TasmotaFleetOptions {
  mqttUrl: string;
  count: number;
  /** Topics become `<prefix>_<n>` (1-based); without a prefix, Tasmota's default `tasmota_<MAC6>`. */
  topicPrefix?: string;
  telePeriodS?: number;
  /** Watts per plug while on, used round-robin; default a mix of household loads. */
  loads?: number[];
  faults?: TasmotaFaults;
  /** Relays on at boot. */
  powerOn?: boolean;
  /** Energy Total (kWh) every plug starts with; default 0. */
  initialEnergyTotalKWh?: number;
  /** Per-plug first-connection timeout (default 5000 ms). */
  connectTimeoutMs?: number;
}

export interface TasmotaFleet {
  plugs: TasmotaPlug[];
  stop(): Promise<void>;
}

/** Lamp, phone charger, kettle, fridge, router, heater, TV, washing machine. */
const DEFAULT_LOADS = [60, 8, 2000, 150, 12, 1500, 95, 450];

/** Start `count` plugs with unique topics and MACs; all connected when it resolves. */
export async function startTasmotaFleet(opts: TasmotaFleetOptions): Promise<TasmotaFleet> {
  if (!Number.isInteger(opts.count) || opts.count < 1) {
    throw new Error(`fleet count must be a positive integer, got ${opts.count}`);
  }
  const loads = opts.loads && opts.loads.length > 0 ? opts.loads : DEFAULT_LOADS;
  const seed = opts.topicPrefix ?? 'tasmota';
  const plugs: TasmotaPlug[] = [];
  for (let i = 0; i < opts.count; i++) {
    const mac = macFromSeed(seed, i);
    plugs.push(
      new TasmotaPlug({
        mqttUrl: opts.mqttUrl,
        topic: opts.topicPrefix ? `${opts.topicPrefix}_${i + 1}` : `tasmota_${mac.slice(6)}`,
        mac,
        loadWatts: loads[i % loads.length] ?? 60,
        telePeriodS: opts.telePeriodS,
        faults: opts.faults,
        connectTimeoutMs: opts.connectTimeoutMs,
        powerOn: opts.powerOn,
        initialEnergyTotalKWh: opts.initialEnergyTotalKWh,
      }),
    );
  }
  const { stop } = await startAll(plugs);
  return { plugs, stop };
}

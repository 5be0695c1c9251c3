import { Mqtt2goSocket, type Mqtt2goFaults } from './socket.js';
import type { SimVersion } from './wire.js';
import { startAll } from '../start-all.js';

export interface Mqtt2goFleetOptions {
  mqttUrl: string;
  count: number;
  version: SimVersion;
  home: string;
  gateway: string;
  /** 1.x group_id. */
  group?: string;
  /** dev_ids become `<prefix>_<n>` (1-based); default `socket`. */
  idPrefix?: string;
  intervalMs?: number;
  /** Watts per socket while on, used round-robin. */
  loads?: number[];
  powerOn?: boolean;
  faults?: Mqtt2goFaults;
  clock?: () => number;
  connectTimeoutMs?: number;
}

export interface Mqtt2goFleet {
  sockets: Mqtt2goSocket[];
  stop(): Promise<void>;
}

/** Lamp, kettle, fridge, TV, washing machine. */
const DEFAULT_LOADS = [60, 2000, 150, 95, 450];

/** Start `count` sockets with unique dev_ids; all connected when it resolves. */
export async function startMqtt2goFleet(opts: Mqtt2goFleetOptions): Promise<Mqtt2goFleet> {
  if (!Number.isInteger(opts.count) || opts.count < 1)
    throw new Error(`fleet count must be a positive integer, got ${opts.count}`);
  const loads = opts.loads && opts.loads.length > 0 ? opts.loads : DEFAULT_LOADS;
  const sockets: Mqtt2goSocket[] = [];
  for (let i = 0; i < opts.count; i++) {
    sockets.push(
      new Mqtt2goSocket({
        mqttUrl: opts.mqttUrl,
        version: opts.version,
        home: opts.home,
        gateway: opts.gateway,
        group: opts.group,
        devId: `${opts.idPrefix ?? 'socket'}_${i + 1}`,
        intervalMs: opts.intervalMs,
        loadWatts: loads[i % loads.length] ?? 60,
        powerOn: opts.powerOn,
        faults: opts.faults,
        clock: opts.clock,
        connectTimeoutMs: opts.connectTimeoutMs,
      }),
    );
  }
  const { stop } = await startAll(sockets);
  return { sockets, stop };
}

import { startAll } from '../start-all.js';
import type { BrokerSettings } from './ap-rules.js';
import { fleetIdentity } from './identity.js';
import { MokoPlug, type MokoFaults, type MokoPlugOptions } from './plug.js';

export interface MokoFleetOptions {
  mqttUrl: string;
  count: number;
  /** Seeds the MACs; default 'moko'. */
  seed?: string;
  keepalive?: number;
  qos?: number;
  /** Watts per plug while on, used round-robin. */
  loads?: number[];
  /** Plugs with power metering (device_type "1"); default true. */
  metering?: boolean;
  faults?: MokoFaults;
  powerOn?: boolean;
  connectTimeoutMs?: number;
  clock?: MokoPlugOptions['clock'];
}

export interface MokoFleet {
  plugs: MokoPlug[];
  stop(): Promise<void>;
}

/** Lamp, kettle, fridge, TV, heater. */
const DEFAULT_LOADS = [60, 2000, 150, 95, 1500];

/** The broker settings a plug would have been provisioned with, from a URL (user and password in it). */
export function brokerFromUrl(
  mqttUrl: string,
  opts: { keepalive?: number; qos?: number; cleanSession?: boolean } = {},
): BrokerSettings {
  const url = new URL(mqttUrl);
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw new Error(`a Moko plug speaks mqtt:// or mqtts://, not ${url.protocol}`);
  const ssl = url.protocol === 'mqtts:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : ssl ? 8883 : 1883,
    connectMode: ssl ? 1 : 0,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    keepalive: opts.keepalive ?? 60,
    qos: opts.qos ?? 1,
    cleanSession: opts.cleanSession ?? true,
  };
}

/** Start `count` provisioned plugs with unique MACs; all connected when it resolves. */
export async function startMokoFleet(opts: MokoFleetOptions): Promise<MokoFleet> {
  const broker = brokerFromUrl(opts.mqttUrl, opts);
  const loads = opts.loads && opts.loads.length > 0 ? opts.loads : DEFAULT_LOADS;
  const plugs: MokoPlug[] = [];
  for (let i = 0; i < opts.count; i++) {
    plugs.push(
      new MokoPlug({
        identity: fleetIdentity(opts.seed ?? 'moko', i, opts.metering ?? true),
        broker,
        loadWatts: loads[i % loads.length] ?? 60,
        faults: opts.faults,
        powerOn: opts.powerOn,
        connectTimeoutMs: opts.connectTimeoutMs,
        clock: opts.clock,
      }),
    );
  }
  const { stop } = await startAll(plugs);
  return { plugs, stop };
}

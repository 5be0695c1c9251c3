/**
 * The P1 meter inside `wattbridge start`: the input the `p1.*` settings name
 * (serial port, network reader or replayed file), the P1Service with its
 * JSON/raw sockets and smartmeter2mqtt topics on the hub's own broker
 * connection, and every valid telegram handed to the hub as DeviceEvents
 * (hub-events.ts), so the meter and its gas/water/heat meters are devices
 * like any plug: listed, stored, available or not.
 */
import type { Logger } from 'pino';
import type { HubConfig } from '../../config/config.js';
import type { DeviceEvent } from '../../core/events.js';
import type { Bus } from '../../mqtt/bus.js';
import { StartupError } from '../../mqtt/startup-error.js';
import { DsmrHubEvents } from '../hub-events.js';
import { JsonSocketOutput } from './json-socket.js';
import type { MeterTelegrams } from './meter-telegrams.js';
import { MqttOutput } from './mqtt-output.js';
import type { P1Output } from './output.js';
import { P1Service } from './p1-service.js';
import { RawSocketOutput } from './raw-socket.js';
import { ReplayInput } from './replay-input.js';
import { SerialInput } from './serial-input.js';
import { ListenError } from './socket-server.js';
import type { P1Source } from './source.js';
import { TcpInput, parseHostPort } from './tcp-input.js';

export type P1Settings = HubConfig['p1'];

/** Telegrams come every 1 s (DSMR 5) or 10 s (DSMR 2.2-4): 5 of the slow ones, at least a minute. */
export const DSMR_SILENCE_MS = 60_000;

export interface HubMeterOptions {
  p1: P1Settings;
  hub: { ingest(events: readonly DeviceEvent[], source: string): void };
  bus: Bus;
  log: Logger;
  /** For `p1.file: -`. */
  stdin?: NodeJS.ReadableStream;
  /** Keeps what the meter said last, for the HTTP API and the live socket. */
  telegrams?: MeterTelegrams;
}

export interface HubMeter {
  readonly service: P1Service;
  stop(): Promise<void>;
}

/** Whether the settings name a P1 input at all. */
export function p1Configured(p1: P1Settings): boolean {
  return p1.serial !== undefined || p1.tcp !== undefined || p1.file !== undefined;
}

function sourceFor(p1: P1Settings, stdin: NodeJS.ReadableStream | undefined): P1Source {
  const given = (['serial', 'tcp', 'file'] as const).filter((k) => p1[k] !== undefined);
  if (given.length > 1)
    throw new StartupError(
      `P1: give one input, not ${given.map((k) => `p1.${k}`).join(' and ')} (--p1-serial, --p1-tcp or --p1-file)`,
    );
  if (p1.legacy && p1.serial === undefined)
    throw new StartupError('P1: p1.legacy (--p1-legacy) goes with p1.serial (--p1-serial)');
  if (p1.serial !== undefined) return new SerialInput({ path: p1.serial, legacy: p1.legacy });
  if (p1.tcp !== undefined) {
    const hp = parseHostPort(p1.tcp);
    if (typeof hp === 'string') throw new StartupError(`P1: p1.tcp (--p1-tcp): ${hp}`);
    return new TcpInput(hp);
  }
  if (p1.file === '-' && stdin === undefined)
    throw new StartupError('P1: p1.file "-" needs a standard input');
  return new ReplayInput({ path: p1.file!, stdin, rate: p1.replayRate });
}

function outputsFor(p1: P1Settings, bus: Bus, log: Logger): P1Output[] {
  if (p1.jsonPort !== undefined && p1.jsonPort !== 0 && p1.jsonPort === p1.rawPort)
    throw new StartupError('P1: p1.jsonPort and p1.rawPort must be different ports');
  const outputs: P1Output[] = [];
  const common = { host: p1.host, maxClients: p1.maxClients, log };
  if (p1.jsonPort !== undefined)
    outputs.push(new JsonSocketOutput({ ...common, port: p1.jsonPort }));
  if (p1.rawPort !== undefined) outputs.push(new RawSocketOutput({ ...common, port: p1.rawPort }));
  if (p1.mqttPrefix !== undefined)
    outputs.push(new MqttOutput({ bus, prefix: p1.mqttPrefix, distinct: p1.mqttDistinct, log }));
  return outputs;
}

const hex = (text: string | undefined) =>
  text === undefined ? undefined : Buffer.from(text, 'hex');

/** Starts the meter; throws StartupError for settings or ports that cannot work. */
export async function startHubMeter(o: HubMeterOptions): Promise<HubMeter> {
  const log = o.log;
  const source = sourceFor(o.p1, o.stdin);
  const outputs = outputsFor(o.p1, o.bus, log);
  const service = new P1Service({
    source,
    outputs,
    decoder: { key: hex(o.p1.key), aad: hex(o.p1.aad) },
    log,
    summaryEveryMs: 60_000,
  });
  const events = new DsmrHubEvents();
  service.on('telegram', (t) => {
    o.hub.ingest(events.events(t.telegram, t.receivedAt), source.description);
    o.telegrams?.add(t);
  });
  try {
    await service.start();
  } catch (e) {
    await source.stop();
    if (e instanceof ListenError) {
      const key =
        e.kind === 'json socket' ? 'p1.jsonPort (--p1-json-port)' : 'p1.rawPort (--p1-raw-port)';
      throw new StartupError(`P1: ${e.message}; choose another with ${key}`);
    }
    throw e;
  }
  log.info(
    { input: source.description, outputs: outputs.map((out) => out.description) },
    'P1 meter input started',
  );
  return { service, stop: () => service.stop() };
}

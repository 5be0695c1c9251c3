/**
 * What the service hands every output per valid telegram, and what an
 * output must offer. The smartmeter2mqtt message is built once and frozen:
 * smartmeter2mqtt's outputs shared one mutable object and deleted fields from
 * it for each other (research/dsmr.md 1.8b defect 6); here a change throws.
 */
import { toSmartmeter2mqtt, type DsmrTelegram, type Smartmeter2mqttMessage } from '../index.js';

export interface P1Telegram {
  /** Epoch ms at which the telegram was decoded. */
  readonly receivedAt: number;
  readonly telegram: DsmrTelegram;
  /** The telegram's bytes as received; the decrypted plaintext for an encrypted meter. */
  readonly raw: Buffer;
  /** smartmeter2mqtt's message for the telegram, deeply frozen. */
  readonly message: Readonly<Smartmeter2mqttMessage>;
  /** `JSON.stringify(message)`, made once for every output that sends it. */
  readonly json: string;
}

export interface P1Output {
  /** For logs: `json socket 127.0.0.1:3010`, `mqtt mqtt://broker:1883`. */
  readonly description: string;
  /** Listens or connects; rejects when that is impossible (port taken). */
  start(): Promise<void>;
  /** Sends one telegram; never waits and never throws for a slow or absent peer. */
  write(t: P1Telegram): void;
  close(): Promise<void>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function p1Telegram(telegram: DsmrTelegram, raw: Buffer, receivedAt: number): P1Telegram {
  const message = deepFreeze(toSmartmeter2mqtt(telegram));
  return Object.freeze({ receivedAt, telegram, raw, message, json: JSON.stringify(message) });
}

import type { EventEmitter } from 'node:events';

/**
 * `retained` marks a message the broker stored earlier and replays on
 * subscribe: it tells what a device last said, not that it is alive now.
 */
export type MessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

export interface BusState {
  connected: boolean;
  /** Where the hub reads and writes: `embedded mqtt://127.0.0.1:1883` or the external URL (no password). */
  endpoint: string;
  /** Epoch ms of the last change of `connected`. */
  since: number;
  lastError?: string;
  reconnects: number;
  /** While disconnected: how long until the next attempt (ms). */
  retryInMs?: number;
}

/**
 * The hub's one connection to MQTT, embedded or external. Subscriptions are
 * remembered and restored after every reconnect.
 */
export interface Bus extends EventEmitter {
  readonly state: BusState;
  start(): Promise<void>;
  subscribe(filters: readonly string[]): Promise<void>;
  onMessage(handler: MessageHandler): void;
  /** Rejects with HubError('disconnected') when the broker cannot be reached now. */
  publish(topic: string, payload: string | Buffer, opts?: PublishOptions): Promise<void>;
  stop(): Promise<void>;
}

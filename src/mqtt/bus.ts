import type { EventEmitter } from 'node:events';

export type MessageHandler = (topic: string, payload: Buffer) => void;

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

import type { Command, OutboundMessage } from './commands.js';
import type { DeviceEvent, NativeRef, Protocol } from './events.js';

/**
 * A device convention. decode/encode are pure codecs: no timers, sockets or
 * logging. A driver may keep what it learned about topic layouts (Tasmota
 * discovery) on its own instance, never at module level.
 */
export interface Driver {
  readonly name: Protocol;
  /** Topic filters to listen on from the start. */
  subscriptions(): string[];
  /**
   * Turn one MQTT message into events. Throws DecodeError for a message on a
   * driver's topic that it cannot understand; returns [] for messages it
   * deliberately ignores.
   */
  decode(topic: string, payload: Buffer, now: number): DeviceEvent[];
  encode(device: NativeRef, command: Command): OutboundMessage[];
}

export class DecodeError extends Error {
  constructor(
    message: string,
    readonly topic: string,
  ) {
    super(message);
    this.name = 'DecodeError';
  }
}

import type { Command, OutboundMessage } from '../../core/commands.js';
import type { Driver } from '../../core/driver.js';
import { HubError } from '../../core/errors.js';
import type { DeviceEvent, NativeRef } from '../../core/events.js';
import { decodeSenml } from './decode.js';

/**
 * Readings other IoToad collectors publish (`data/<source>/influx_data/<db>`),
 * stored as devices of protocol `senml`. They are measurements, not plugs:
 * nothing can be sent to them.
 */
export class SenmlDriver implements Driver {
  readonly name = 'senml' as const;

  subscriptions(): string[] {
    return ['data/+/influx_data', 'data/+/influx_data/#'];
  }

  decode(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    return decodeSenml(topic, payload, now);
  }

  encode(device: NativeRef, command: Command): OutboundMessage[] {
    throw new HubError(
      'unsupported',
      `"${device.nativeId}" only reports readings over SenML; it takes no ${command.kind} command`,
    );
  }
}

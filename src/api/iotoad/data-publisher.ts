import type { Logger } from 'pino';
import type { DeviceSnapshot } from '../../hub/device.js';
import type { Hub } from '../../hub/hub.js';
import type { Bus } from '../../mqtt/bus.js';

/** Where IoToad's sp_data collector publishes and influx_data listens. */
export const SP_DATA_TOPIC = 'data/sp_data/influx_data/sp';

/**
 * IoToad's collector message for one plug: power and status together, `t` in
 * seconds, in that order (influx_data reads data[0] as power, data[1] as status).
 */
export function spDataMessage(
  id: string,
  ts: number,
  power: number,
  on: boolean | undefined,
): string {
  const t = ts / 1000;
  const records: object[] = [{ bn: `${id}/power`, bu: 'W', t, v: power }];
  if (on !== undefined) records.push({ bn: `${id}/status`, bu: 'S', t, v: on ? 1 : 0 });
  return JSON.stringify({ data: records });
}

/**
 * Publish every power reading of every device as IoToad's collector does, so
 * existing IoToad consumers (influx_data, dashboards) keep working. A relay
 * change is published with the last power known.
 */
export function publishSpData(hub: Hub, bus: Bus, log: Logger): () => void {
  const send = (payload: string): void => {
    if (!bus.state.connected) return;
    bus
      .publish(SP_DATA_TOPIC, payload)
      .catch((err: Error) => log.debug({ err: err.message }, 'could not publish IoToad data'));
  };
  // SenML devices are other collectors' readings: republishing them would echo.
  const onReading = (id: string, metric: string, value: number, ts: number): void => {
    if (metric === 'power' && hub.protocolOf(id) !== 'senml')
      send(spDataMessage(id, ts, value, hub.relayState(id)));
  };
  const onState = (dev: DeviceSnapshot, relay: number): void => {
    const power = dev.readings.power?.value;
    if (relay === 1 && power !== undefined && dev.protocol !== 'senml')
      send(spDataMessage(dev.id, Date.parse(dev.lastSeen), power, hub.relayState(dev.id)));
  };
  hub.on('reading', onReading);
  hub.on('state', onState);
  return () => {
    hub.off('reading', onReading);
    hub.off('state', onState);
  };
}

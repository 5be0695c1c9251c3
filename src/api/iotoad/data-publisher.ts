import type { Logger } from 'pino';
import type { DeviceSnapshot } from '../../hub/device.js';
import type { Hub } from '../../hub/hub.js';
import type { Bus } from '../../mqtt/bus.js';

/** Where IoToad's sp_data collector publishes and influx_data listens. */
const SP_DATA_TOPIC = 'data/sp_data/influx_data/sp';

/**
 * IoToad's collector message for one plug: power and status together, `t` in
 * seconds, in that order (influx_data reads data[0] as power, data[1] as status).
 */
function spDataMessage(id: string, ts: number, power: number, on: boolean | undefined): string {
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
  // Nothing is built while the broker is away; SenML devices are other
  // collectors' readings, and republishing them would echo.
  const send = (id: string, ts: number, power: number): void => {
    if (!bus.state.connected || hub.protocolOf(id) === 'senml') return;
    bus
      .publish(SP_DATA_TOPIC, spDataMessage(id, ts, power, hub.relayState(id)))
      .catch((err: Error) => log.debug({ err: err.message }, 'could not publish IoToad data'));
  };
  const onReading = (id: string, metric: string, value: number, ts: number): void => {
    if (metric === 'power') send(id, ts, value);
  };
  const onState = (dev: DeviceSnapshot, relay: number): void => {
    const power = dev.readings.power?.value;
    if (relay === 1 && power !== undefined) send(dev.id, Date.parse(dev.lastSeen), power);
  };
  hub.on('reading', onReading);
  hub.on('state', onState);
  return () => {
    hub.off('reading', onReading);
    hub.off('state', onState);
  };
}

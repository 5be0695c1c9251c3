import type { App } from '../../src/app.js';
import { brokerFromUrl } from '../../src/sim/moko/fleet.js';
import { fleetIdentity } from '../../src/sim/moko/identity.js';
import { MokoPlug, type MokoPlugOptions } from '../../src/sim/moko/plug.js';
import { TasmotaPlug, type TasmotaPlugOptions } from '../../src/sim/tasmota/plug.js';
import { eventually } from './hub.js';

/**
 * Simulated devices on a hub's broker, each started and waited for until the
 * hub lists it online with a power reading; stopAll() stops what is left.
 */
export class SimPeers {
  private readonly running: { stop(): Promise<void> }[] = [];

  constructor(private readonly app: App) {}

  private async online(id: string, what: string): Promise<void> {
    await eventually(
      () => {
        const d = this.app.hub.device(id);
        return d?.availability === 'online' && d.readings.power !== undefined;
      },
      5000,
      `${what} online with a power reading`,
    );
  }

  /** A Tasmota plug whose hub id is its topic; it reports when the hub polls it (no teleperiod). */
  async tasmota(
    topic: string,
    opts: Partial<Omit<TasmotaPlugOptions, 'mqttUrl' | 'topic'>> = {},
  ): Promise<TasmotaPlug> {
    const plug = new TasmotaPlug({ mqttUrl: this.app.mqttUrl, topic, telePeriodS: 0, ...opts });
    this.running.push(plug);
    await plug.start();
    await this.online(topic, `Tasmota plug ${topic}`);
    return plug;
  }

  /** A metering Moko plug (electricity every second); its hub id is `plug.id`. */
  async moko(
    seed: string,
    opts: Partial<Omit<MokoPlugOptions, 'identity' | 'broker'>> = {},
  ): Promise<MokoPlug> {
    const plug = new MokoPlug({
      identity: fleetIdentity(seed, 0),
      broker: brokerFromUrl(this.app.mqttUrl),
      ...opts,
    });
    this.running.push(plug);
    await plug.start();
    await this.online(plug.id, `Moko plug ${plug.id}`);
    return plug;
  }

  /** Stop a plug cleanly (it says Offline) and wait until the hub shows it offline. */
  async gone(plug: TasmotaPlug, id = plug.topic): Promise<void> {
    await plug.stop();
    await eventually(
      () => this.app.hub.device(id)?.availability === 'offline',
      5000,
      `${id} offline`,
    );
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.splice(0).map((p) => p.stop().catch(() => {})));
  }
}

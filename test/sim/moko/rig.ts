import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import { brokerFromUrl } from '../../../src/sim/moko/fleet.js';
import { fleetIdentity } from '../../../src/sim/moko/identity.js';
import { MokoPlug, type MokoPlugOptions } from '../../../src/sim/moko/plug.js';
import { Observer } from '../tasmota/observer.js';

export const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

/** A broker, an observer of everything, a controlled clock and plugs on them (ticked by hand). */
export interface MokoRig {
  broker: TestBroker;
  obs: Observer;
  clock: { now: number };
  plug(opts?: Partial<MokoPlugOptions>): Promise<MokoPlug>;
  /** Move the clock on by `ms` in steps of a second, ticking every plug at each. */
  advance(ms: number): void;
  /** Publish to the plug's app/<field>; returns the observer index its effects start at. */
  send(plug: MokoPlug, field: string, body: unknown): Promise<number>;
  /** The device/<field> messages of `plug` from `from` on, as parsed JSON. */
  reports(plug: MokoPlug, field: string, from: number): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startMokoRig(): Promise<MokoRig> {
  const broker = await startTestBroker();
  const obs = await Observer.connect(broker.url);
  const clock = { now: T0 };
  const plugs: MokoPlug[] = [];
  return {
    broker,
    obs,
    clock,
    async plug(opts = {}) {
      const plug = new MokoPlug({
        identity: fleetIdentity('rig', plugs.length),
        broker: brokerFromUrl(broker.url),
        clock: () => clock.now,
        manualTicks: true,
        ...opts,
      });
      plugs.push(plug);
      const from = obs.mark();
      await plug.start();
      // The connect switch_state has reached the observer: tests see only their own.
      await obs.waitFor((m) => m.topic === `${plug.base}device/switch_state`, from);
      return plug;
    },
    advance(ms) {
      for (let t = 0; t < ms; t += 1000) {
        clock.now += Math.min(1000, ms - t);
        for (const p of plugs) p.tick();
      }
    },
    async send(plug, field, body) {
      const from = obs.mark();
      await obs.publish(
        `${plug.base}app/${field}`,
        typeof body === 'string' ? body : JSON.stringify(body),
      );
      return from;
    },
    reports(plug, field, from) {
      return obs
        .on(`${plug.base}device/${field}`, from)
        .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    },
    async close() {
      for (const p of plugs) p.kill();
      await obs.close();
      await broker.close();
    },
  };
}

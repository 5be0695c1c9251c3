import { startTestBroker } from '../../helpers/aedes-broker.js';
import type { TestBroker } from '../../helpers/aedes-broker.js';
import { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import type { TasmotaPlugOptions } from '../../../src/sim/tasmota/plug.js';
import { Observer } from './observer.js';

/** Monday 2024-01-15 07:28:00 UTC. */
export const T0 = Date.UTC(2024, 0, 15, 7, 28, 0);

/** A broker, an observer subscribed to everything, a controllable clock and plugs on them. */
export interface Rig {
  broker: TestBroker;
  obs: Observer;
  clock: { now: number };
  plug(opts?: Partial<TasmotaPlugOptions>): Promise<TasmotaPlug>;
  /** Publish a command as a controller would; returns the observer index its replies start at. */
  send(topic: string, payload: string): Promise<number>;
  close(): Promise<void>;
}

export async function startRig(startMs = T0): Promise<Rig> {
  const broker = await startTestBroker();
  const obs = await Observer.connect(broker.url);
  const clock = { now: startMs };
  const plugs: TasmotaPlug[] = [];
  return {
    broker,
    obs,
    clock,
    async send(topic, payload) {
      const from = obs.mark();
      await obs.publish(topic, payload);
      return from;
    },
    async plug(opts = {}) {
      const plug = new TasmotaPlug({
        mqttUrl: broker.url,
        topic: 'plug_a',
        clock: () => clock.now,
        ...opts,
      });
      plugs.push(plug);
      // Start, then wait until the observer has seen everything the plug
      // published while starting, so tests only see their own replies.
      const published: string[] = [];
      const record = (m: { topic: string; payload: string }): void => {
        published.push(`${m.topic}\n${m.payload}`);
      };
      const from = obs.mark();
      plug.on('publish', record);
      await plug.start();
      plug.off('publish', record);
      const last = published[published.length - 1];
      const n = published.filter((x) => x === last).length;
      await obs.waitForCount((m) => `${m.topic}\n${m.payload}` === last, n, from);
      return plug;
    },
    async close() {
      for (const p of plugs) p.kill();
      await obs.close();
      await broker.close();
    },
  };
}

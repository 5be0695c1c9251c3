import { figure, type Bench } from './harness.js';
import { startBenchHub } from './load/bench-hub.js';
import { runPublishers, waitQuiet } from './load/run-publishers.js';
import { slowSubscriber } from '../src/sim/stuck-subscriber.js';

const RATE = 100_000; // twice the sustained target
const SECONDS = 30;
const CONNECTIONS = 50;

/**
 * Publishers at twice the sustained target plus one subscriber that stops
 * reading, for 30 s, against the hub with its default broker guard. The hub
 * must stay up (it runs in this process: a crash ends the benchmark), stay
 * under 1 GB, and say what it shed.
 */
export const bench: Bench = {
  name: 'overload',
  async run() {
    const h = await startBenchHub({
      maxPublishRate: 5000,
      maxQueued: 20_000,
      maxClientBufferBytes: 1024 * 1024,
      slowClientTimeoutMs: 10_000,
    });
    const idleRss = process.memoryUsage().rss;
    const slow = await slowSubscriber(h.broker.port);
    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 250);
    const pub = await runPublishers(h.url, CONNECTIONS, RATE, SECONDS, 'overload');
    await waitQuiet(h.received);
    clearInterval(sampler);
    const shed = { ...h.broker.guard.counters };
    const received = h.received();
    slow.destroy();
    await h.stop();
    const mb = (n: number) => Math.round(n / 2 ** 20);
    return [
      figure({
        name: `hub alive after ${SECONDS} s at ${RATE.toLocaleString('en-US')} msg/s offered + 1 stuck subscriber: peak RSS`,
        value: mb(peakRss),
        unit: 'MB',
        baselineName: 'RSS before the load',
        baselineValue: mb(idleRss),
        target: 'peak < 1024 MB',
        pass: (_r, v) => v < 1024,
        notes: `offered ${Math.round(pub.sent / pub.seconds)} msg/s (${pub.sent} sent); hub took ${received}; shed: rate ${shed.shedRate}, queue ${shed.shedQueue}, to slow subscriber ${shed.shedSlowSubscriber}; slow subscribers disconnected ${shed.slowDisconnects}`,
      }),
      figure({
        name: 'messages the hub took under overload',
        value: received / SECONDS,
        unit: 'msg/s',
        baselineName: 'offered',
        baselineValue: pub.sent / SECONDS,
        target: 'informational (the rest is shed and counted)',
        notes: `shed total ${shed.shedRate + shed.shedQueue} publishes`,
      }),
    ];
  },
};

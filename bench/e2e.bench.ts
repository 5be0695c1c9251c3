import { figure, type Bench } from './harness.js';
import { startBenchHub, UNLIMITED } from './load/bench-hub.js';
import { runPublishers, waitQuiet } from './load/run-publishers.js';

const CONNECTIONS = 50;
const TARGET = 50_000;
const SECONDS = 10;

/** Offer `rate` msg/s for `seconds`; report what the consumer took and what it lost. */
async function measure(withHub: boolean, rate: number, seconds: number) {
  const h = await startBenchHub(UNLIMITED, withHub);
  const t0 = Date.now();
  const pub = await runPublishers(h.url, CONNECTIONS, rate, seconds);
  const lagMs = await waitQuiet(h.received);
  const took = (Date.now() - t0) / 1000;
  const received = h.received();
  const rows = h.store.stats().rowsWritten + h.store.stats().pending;
  await h.stop();
  return {
    offered: pub.sent / pub.seconds,
    sent: pub.sent,
    received,
    rate: received / took,
    lagMs,
    rows,
  };
}

export const bench: Bench = {
  name: 'e2e-ingest',
  async run() {
    // Saturation: publishers as fast as they can go, broker alone vs full hub.
    const brokerOnly = await measure(false, 400_000, 5);
    const hubMax = await measure(true, 400_000, 5);
    // Sustained: the target rate for SECONDS, nothing may be lost and the hub must keep up.
    const sustained = await measure(true, TARGET, SECONDS);
    const lost = sustained.sent - sustained.received;
    return [
      figure({
        name: 'hub ingest at saturation (broker -> decode -> state -> SQLite)',
        value: hubMax.rate,
        unit: 'msg/s',
        baselineName: 'embedded broker in-process delivery, no hub',
        baselineValue: brokerOnly.rate,
        target: 'informational',
        notes: `offered ${Math.round(hubMax.offered)} msg/s; ${hubMax.rows} rows stored; baseline offered ${Math.round(brokerOnly.offered)}`,
      }),
      figure({
        name: `hub sustained at ${TARGET.toLocaleString('en-US')} msg/s for ${SECONDS} s`,
        value: sustained.received / SECONDS,
        unit: 'msg/s',
        baselineName: 'embedded broker in-process delivery, no hub',
        baselineValue: brokerOnly.rate,
        target: `>= ${TARGET} msg/s, 0 lost, drained < 1 s`,
        pass: (_r, v) => v >= TARGET * 0.98 && lost === 0 && sustained.lagMs < 1000,
        notes: `sent ${sustained.sent}, received ${sustained.received}, lost ${lost}, drained ${sustained.lagMs} ms after the publishers stopped; ${sustained.rows} rows`,
      }),
    ];
  },
};

import mqtt from 'mqtt';
import { sensorPayloads } from './payloads.js';

/**
 * Load generator, run as a child process so it does not share the hub's
 * event loop: `node publishers.js URL CONNECTIONS RATE SECONDS`. Publishes
 * QoS 0 SENSOR messages paced in 10 ms ticks, spread over the connections,
 * then prints {"sent": n, "seconds": s} on stdout.
 */
const [url, connArg, rateArg, secondsArg, prefix = 'bench'] = process.argv.slice(2);
const connections = Number(connArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const payloads = sensorPayloads(1024);

const clients = await Promise.all(
  Array.from({ length: connections }, (_, i) =>
    mqtt.connectAsync(url!, { clientId: `${prefix}-pub-${i}-${process.pid}`, reconnectPeriod: 0 }),
  ),
);
const topics = clients.map((_, i) => `tele/${prefix}-${i}/SENSOR`);
let sent = 0;
const start = Date.now();
const perTick = rate / 100;
let owed = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const elapsed = Date.now() - start;
    if (elapsed >= seconds * 1000) {
      clearInterval(timer);
      resolve();
      return;
    }
    // Catch up on ticks the timer missed, so the offered rate is the asked one.
    owed = Math.floor((elapsed / 10 + 1) * perTick) - sent;
    for (let k = 0; k < owed; k++) {
      const c = sent % connections;
      clients[c]!.publish(topics[c]!, payloads[sent % payloads.length]!, { qos: 0 });
      sent++;
    }
  }, 10);
});
const took = (Date.now() - start) / 1000;
await Promise.all(clients.map((c) => c.endAsync()));
process.stdout.write(JSON.stringify({ sent, seconds: took }) + '\n');
process.exit(0);

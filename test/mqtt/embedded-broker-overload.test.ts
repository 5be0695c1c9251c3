import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { slowSubscriber } from '../../src/sim/stuck-subscriber.js';
import { startEmbeddedBroker } from '../helpers/embedded-broker.js';
import { eventually } from '../helpers/hub.js';

/**
 * The embedded broker with a subscriber that stops reading while publishers
 * flood it: unguarded aedes 1.2 dies of a stack overflow here. The process
 * running this test is the one that would die.
 */
describe('embedded broker under overload', () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it(
    'sheds and disconnects a stuck subscriber and keeps delivering in-process',
    { timeout: 60_000 },
    async () => {
      const broker = await startEmbeddedBroker({
        maxClientBufferBytes: 64 * 1024,
        slowClientTimeoutMs: 300,
      });
      cleanup.push(() => broker.stop());
      let received = 0;
      broker.onMessage(() => received++);
      await broker.subscribe(['tele/+/SENSOR']);
      const stuck = await slowSubscriber(broker.port);
      cleanup.push(() => stuck.destroy());

      const payload = Buffer.alloc(4096, 0x41);
      const publishers = await Promise.all(
        Array.from({ length: 10 }, () => mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`)),
      );
      cleanup.push(() => Promise.all(publishers.map((p) => p.endAsync(true))));
      // Flood until the guard cuts the stuck subscriber off (it cannot notice:
      // it reads nothing), bounded so a broken guard fails instead of hanging.
      let sent = 0;
      for (let round = 0; round < 100 && broker.guard.counters.slowDisconnects === 0; round++) {
        for (let i = 0; i < 500; i++) {
          for (const [k, p] of publishers.entries()) p.publish(`tele/p${k}/SENSOR`, payload);
          if (i % 100 === 0) await new Promise((r) => setImmediate(r));
        }
        sent += 500 * publishers.length;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(broker.guard.counters.slowDisconnects).toBe(1);
      await eventually(() => received === sent, 20_000, 'every message delivered in-process');
      await eventually(
        () => broker.clientCount === publishers.length,
        5000,
        'only the publishers left',
      );
      expect(broker.guard.counters.shedSlowSubscriber).toBeGreaterThan(0);
    },
  );

  it('sheds what a client publishes beyond its rate, and counts it', async () => {
    const broker = await startEmbeddedBroker({ maxPublishRate: 100, slowClientTimeoutMs: 1000 });
    cleanup.push(() => broker.stop());
    let received = 0;
    broker.onMessage(() => received++);
    await broker.subscribe(['tele/+/SENSOR']);
    const flood = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`);
    cleanup.push(() => flood.endAsync(true));
    for (let i = 0; i < 1000; i++) flood.publish('tele/flood/SENSOR', '{}');
    await eventually(
      () => received + broker.guard.counters.shedRate === 1000,
      5000,
      'all accounted for',
    );
    expect(broker.guard.counters.shedRate).toBeGreaterThan(500);
    expect(received).toBeGreaterThanOrEqual(100);
  });
});

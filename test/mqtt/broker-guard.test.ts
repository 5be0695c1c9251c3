import { describe, expect, it } from 'vitest';
import { BrokerGuard } from '../../src/mqtt/broker-guard.js';

function client(id: string, buffered = 0) {
  return {
    id,
    conn: { writableLength: buffered },
    closed: false,
    close() {
      this.closed = true;
    },
  };
}

describe('BrokerGuard', () => {
  const limits = {
    maxPublishRate: 10,
    maxQueued: 100,
    maxClientBufferBytes: 1000,
    slowClientTimeoutMs: 5000,
  };

  it('lets a client publish its rate per second and sheds the excess', () => {
    let now = 0;
    let queued = 0;
    const g = new BrokerGuard(
      limits,
      () => queued,
      undefined,
      () => now,
    );
    const c = client('pub');
    const admitted = Array.from({ length: 15 }, () => g.admitPublish(c)).filter(Boolean).length;
    expect(admitted).toBe(10);
    expect(g.counters.shedRate).toBe(5);
    now += 500; // half a second refills half the bucket
    expect(Array.from({ length: 10 }, () => g.admitPublish(c)).filter(Boolean).length).toBe(5);
    // another client has its own bucket
    expect(g.admitPublish(client('other'))).toBe(true);
    queued = 100;
    expect(g.admitPublish(client('third'))).toBe(false);
    expect(g.counters.shedQueue).toBe(1);
    expect(g.admitPublish(null)).toBe(true); // the broker's own will messages pass
  });

  it('skips deliveries to a full subscriber and disconnects it when it stays slow', () => {
    let now = 0;
    const events: string[] = [];
    const g = new BrokerGuard(
      limits,
      () => 0,
      (e) => events.push(e.kind),
      () => now,
    );
    const fast = client('fast', 10);
    const slow = client('slow', 5000);
    expect(g.admitForward(fast)).toBe(true);
    expect(g.admitForward(slow)).toBe(false);
    now = 4000;
    expect(g.admitForward(slow)).toBe(false);
    expect(slow.closed).toBe(false);
    now = 5000;
    expect(g.admitForward(slow)).toBe(false);
    expect(slow.closed).toBe(true);
    expect(g.counters).toMatchObject({ shedSlowSubscriber: 3, slowDisconnects: 1 });
    expect(events).toContain('slow-disconnect');
  });

  it('treats a socket waiting for drain as full, whatever it holds', () => {
    const g = new BrokerGuard(limits, () => 0);
    const c = { id: 'c', conn: { writableLength: 10, writableNeedDrain: true }, close() {} };
    expect(g.admitForward(c)).toBe(false);
    c.conn.writableNeedDrain = false;
    expect(g.admitForward(c)).toBe(true);
  });

  it('forgives a subscriber that drained in time', () => {
    let now = 0;
    const g = new BrokerGuard(
      limits,
      () => 0,
      undefined,
      () => now,
    );
    const c = client('c', 5000);
    g.admitForward(c);
    c.conn.writableLength = 0;
    now = 3000;
    expect(g.admitForward(c)).toBe(true);
    c.conn.writableLength = 5000;
    now = 7000;
    expect(g.admitForward(c)).toBe(false);
    expect(c.closed).toBe(false); // the slow period restarted at 7000
  });
});

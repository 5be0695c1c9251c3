import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/dsmr/io/backoff.js';

describe('P1 input reconnect backoff', () => {
  it('waits 1 s, doubling to at most 10 s by default, and starts over after a reset', () => {
    const b = new Backoff();
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
    b.reset();
    expect(b.next()).toBe(1000);
  });

  it('takes other bounds, never a longest wait below the first', () => {
    const b = new Backoff({ minBackoffMs: 500, maxBackoffMs: 200 });
    expect([b.next(), b.next()]).toEqual([500, 500]);
  });
});

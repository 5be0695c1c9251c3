import { describe, expect, it } from 'vitest';
import { TcpInput, parseHostPort } from '../../../src/dsmr/io/index.js';
import { fixture } from '../fixtures.js';
import {
  FakeReader,
  TELEGRAMS,
  deferCleanup,
  expectedMessage,
  junk,
  startService,
  waitFor,
} from './helpers.js';

describe('TCP input', () => {
  const defer = deferCleanup();

  async function serve(reader: FakeReader, inactivityMs?: number) {
    const source = new TcpInput({
      host: '127.0.0.1',
      port: reader.port,
      minBackoffMs: 10,
      maxBackoffMs: 40,
      inactivityMs,
    });
    return startService(source, defer);
  }

  /** The fixtures with seeded junk before, between and after them. */
  function stream(seed: number): Buffer {
    const parts = TELEGRAMS.flatMap((name, i) => [junk(seed + i), fixture(name)]);
    return Buffer.concat([...parts, junk(seed + 99)]);
  }

  it('reads telegrams split anywhere with junk between, and again after the reader comes back', async () => {
    const reader = await FakeReader.start();
    defer(() => reader.close());
    const { service, states } = await serve(reader);
    const received: unknown[] = [];
    service.on('telegram', (t) => received.push(t.message));

    await reader.connected(1);
    await reader.send(stream(1), 1);
    await waitFor(() => received.length >= TELEGRAMS.length, 'the first round');

    // The reader goes away (power cut, reboot): nothing listens for a while.
    await reader.close();
    await waitFor(() => states.some((s) => s.reason?.includes('cannot connect')), 'refusals');
    await reader.listen();
    await reader.connected(2);
    await reader.send(stream(7), 7);
    await waitFor(() => received.length >= 2 * TELEGRAMS.length, 'the second round');

    const expected = TELEGRAMS.map(expectedMessage);
    expect(received).toEqual([...expected, ...expected]);
    expect(states.filter((s) => s.state === 'connected')).toHaveLength(2);
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(/closed the connection/);
    expect(service.stats.ok).toBe(2 * TELEGRAMS.length);
    expect(service.stats.skippedBytes).toBeGreaterThan(0);
  });

  it('counts a telegram cut off by a dropped connection as truncated, not glued to the next', async () => {
    const reader = await FakeReader.start();
    defer(() => reader.close());
    const { service } = await serve(reader);
    const whole = fixture(TELEGRAMS[0]!);
    await reader.connected(1);
    await reader.send(whole.subarray(0, 200));
    await reader.close();
    await reader.listen();
    await reader.connected(2);
    // The next connection starts mid-telegram, as a real reader's does.
    await reader.send(Buffer.concat([whole.subarray(200), whole]));
    await waitFor(() => service.stats.ok >= 1, 'the whole telegram');
    expect(service.stats.ok).toBe(1);
    expect(service.stats.rejected.truncated).toBe(1);
    expect(service.latest()?.message).toEqual(expectedMessage(TELEGRAMS[0]!));
  });

  it('reconnects when the reader stays silent longer than the inactivity timeout', async () => {
    const reader = await FakeReader.start();
    defer(() => reader.close());
    const { service, states } = await serve(reader, 300);
    await reader.connected(1);
    await reader.send(fixture(TELEGRAMS[0]!));
    // ...then nothing: the input gives up on this connection and opens another.
    await reader.connected(2);
    await reader.send(fixture(TELEGRAMS[1]!));
    await waitFor(() => service.stats.ok >= 2, 'both telegrams');
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(
      /no data from 127\.0\.0\.1:\d+ for 0\.3 s/,
    );
    expect(service.latest()?.message).toEqual(expectedMessage(TELEGRAMS[1]!));
  });

  it('keeps trying a reader that is not there yet, and says why', async () => {
    const reader = await FakeReader.start();
    await reader.close(); // the port is known and nothing listens
    const { service, states } = await serve(reader);
    await waitFor(
      () => states.filter((s) => s.state === 'disconnected').length >= 3,
      'three failed attempts',
    );
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(
      new RegExp(`cannot connect to 127\\.0\\.0\\.1:${reader.port}: .*ECONNREFUSED`),
    );
    await reader.listen();
    defer(() => reader.close());
    await reader.connected(1);
    await reader.send(fixture(TELEGRAMS[2]!));
    await waitFor(() => service.stats.ok >= 1, 'a telegram');
  });

  it('parses host:port, IPv6 in brackets, and names a bad one', () => {
    expect(parseHostPort('192.168.1.20:23')).toEqual({ host: '192.168.1.20', port: 23 });
    expect(parseHostPort('[fe80::1]:2000')).toEqual({ host: 'fe80::1', port: 2000 });
    expect(parseHostPort('reader.local:8088')).toEqual({ host: 'reader.local', port: 8088 });
    for (const bad of ['reader.local', 'host:0', 'host:70000', ':23', 'fe80::1:23'])
      expect(parseHostPort(bad)).toMatch(/is not host:port/);
  });
});

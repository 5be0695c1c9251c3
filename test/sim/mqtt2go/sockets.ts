import { Mqtt2goSocket, type Mqtt2goSocketOptions } from '../../../src/sim/mqtt2go/socket.js';

/** 2025-06-01 02:11:50 local time: ten seconds before the 02:12:00 timers of the tests. */
export const T0 = new Date(2025, 5, 1, 2, 11, 50).getTime();

/**
 * A 2.1 socket `powr2` in BRQ/BUT drawing 115 W, on a clock the test moves;
 * `stops` gets its stop so the test's cleanup ends it.
 */
export function testSocket(
  mqttUrl: string,
  clock: { now: number },
  stops: (() => Promise<unknown>)[],
  opts: Partial<Mqtt2goSocketOptions> = {},
): Mqtt2goSocket {
  const s = new Mqtt2goSocket({
    mqttUrl,
    version: '2.1',
    home: 'BRQ',
    gateway: 'BUT',
    devId: 'powr2',
    loadWatts: 115,
    clock: () => clock.now,
    ...opts,
  });
  stops.push(() => s.stop());
  return s;
}

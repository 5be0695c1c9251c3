import { describe, expect, it } from 'vitest';
import { HubError } from '../../../src/core/errors.js';
import { encodeReset, encodeUpgrade, upgradeRequest } from '../../../src/drivers/moko/index.js';
import { BASE, driver, heardDriver, ID } from './helpers.js';

const ref = { protocol: 'moko', nativeId: ID } as const;

function hubError(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a HubError');
}

describe('Moko driver: commands (§3.3)', () => {
  it('power: app/switch_state as in the spec; toggle from the last reported state', () => {
    const { d } = heardDriver(false);
    const [on] = d.encode(ref, { kind: 'power', relay: 1, state: 'on' });
    expect(on?.topic).toBe(`${BASE}app/switch_state`);
    // §3.3.1
    expect(JSON.parse(on!.payload)).toEqual({ switch_state: 'on' });
    expect(d.encode(ref, { kind: 'power', relay: 1, state: 'toggle' })[0]?.payload).toBe(
      '{"switch_state":"on"}',
    );
    expect(hubError(() => d.encode(ref, { kind: 'power', relay: 2, state: 'on' })).code).toBe(
      'bad_request',
    );
  });

  it('countdown: app/delay_time in hours and minutes, as in the spec', () => {
    const { d } = heardDriver(true);
    const out = d.encode(ref, {
      kind: 'countdown',
      relay: 1,
      seconds: 3 * 3600 + 3 * 60,
      state: 'off',
    });
    expect(out).toEqual([
      { topic: `${BASE}app/delay_time`, payload: '{"delay_hour":3,"delay_minute":3}', qos: 1 },
    ]);
  });

  it('countdown to the state the plug is in switches it first (on now, off later)', () => {
    const { d } = heardDriver(false);
    const out = d.encode(ref, { kind: 'countdown', relay: 1, seconds: 600, state: 'off' });
    expect(out.map((m) => `${m.topic.slice(BASE.length)} ${m.payload}`)).toEqual([
      'app/switch_state {"switch_state":"on"}',
      'app/delay_time {"delay_hour":0,"delay_minute":10}',
    ]);
    // And to on from off: just the countdown.
    expect(d.encode(ref, { kind: 'countdown', relay: 1, seconds: 60, state: 'on' })).toHaveLength(
      1,
    );
  });

  it('refuses countdowns the plug cannot run, saying why', () => {
    const { d } = heardDriver(true);
    const long = hubError(() =>
      d.encode(ref, { kind: 'countdown', relay: 1, seconds: 24 * 3600, state: 'off' }),
    );
    expect(long.code).toBe('bad_request');
    expect(long.message).toMatch(/longer than 23:59/);
    expect(
      d.encode(ref, { kind: 'countdown', relay: 1, seconds: 86_340, state: 'off' })[0]?.payload,
    ).toBe('{"delay_hour":23,"delay_minute":59}');
    for (const seconds of [0, 30, 90, 1.5 * 60, -60])
      expect(
        hubError(() => d.encode(ref, { kind: 'countdown', relay: 1, seconds, state: 'off' }))
          .message,
      ).toMatch(/whole minutes/);
  });

  it('poll asks for firmware_infor; timers are unsupported', () => {
    const { d } = heardDriver();
    expect(d.encode(ref, { kind: 'poll' })).toEqual([
      { topic: `${BASE}app/read_firmware_infor`, payload: '{}', qos: 1 },
    ]);
    const timer = hubError(() =>
      d.encode(ref, {
        kind: 'timer',
        relay: 1,
        slot: 1,
        time: '07:00',
        state: 'on',
        enabled: true,
      }),
    );
    expect(timer.code).toBe('unsupported');
  });

  it('a plug not heard since the start cannot be addressed; toggle and countdown need its state', () => {
    const { d, decode } = driver();
    expect(hubError(() => d.encode(ref, { kind: 'poll' })).code).toBe('unreachable');
    decode('electricity_information', '{"power":5}');
    expect(d.encode(ref, { kind: 'poll' })).toHaveLength(1);
    expect(
      hubError(() => d.encode(ref, { kind: 'power', relay: 1, state: 'toggle' })).message,
    ).toMatch(/not reported its switch state yet/);
  });

  it('reset and upgrade: pure encoders, and through the driver for a heard plug', () => {
    expect(encodeReset(BASE)).toEqual({ topic: `${BASE}app/reset`, payload: '{}', qos: 1 });
    const { d } = heardDriver();
    expect(d.resetMessage(ref).topic).toBe(`${BASE}app/reset`);
    // §3.3.4: the spec's URL and body.
    const spec = 'http://23.83.237.116/smartplug/20180623/user2.1024.new.2.bin';
    expect(upgradeRequest(spec)).toEqual({
      type: 0,
      realm: '23.83.237.116',
      port: 80,
      catalogue: 'smartplug/20180623/',
    });
    expect(JSON.parse(encodeUpgrade(BASE, spec).payload)).toEqual(upgradeRequest(spec));
    expect(d.upgradeMessage(ref, 'http://fw.example.com:8080/moko/').payload).toBe(
      '{"type":1,"realm":"fw.example.com","port":8080,"catalogue":"moko/"}',
    );
  });

  it('refuses firmware URLs the plug cannot fetch', () => {
    for (const [url, why] of [
      ['https://fw.example.com/a/b.bin', /plain HTTP/],
      ['fw.example.com/a.bin', /not a URL/],
      ['http://u:p@fw.example.com/a.bin', /credentials/],
      ['http://[::1]/a.bin', /IPv6/],
      [`http://fw.example.com/${'x'.repeat(100)}/a.bin`, /under 100 bytes/],
    ] as const) {
      const err = hubError(() => upgradeRequest(url));
      expect(err.code).toBe('bad_request');
      expect(err.message).toMatch(why);
    }
  });
});

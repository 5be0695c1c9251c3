import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { HubError } from '../../../src/core/errors.js';
import { TasmotaDriver } from '../../../src/drivers/tasmota/driver.js';
import { pulseTimeValue } from '../../../src/drivers/tasmota/encode.js';
import { encodeGroupPower } from '../../../src/drivers/tasmota/index.js';
import { driver } from './helpers.js';

const PLUG = { protocol: 'tasmota', nativeId: 'sp_w.r1.c1' } as const;

function encode(command: Command, d = new TasmotaDriver()) {
  return d.encode(PLUG, command);
}

function hubError(fn: () => unknown): HubError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HubError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('power', () => {
  it.each([
    ['on', 'ON'],
    ['off', 'OFF'],
    ['toggle', 'TOGGLE'],
  ] as const)('%s → POWER %s on the device topic, not retained', (state, payload) => {
    expect(encode({ kind: 'power', relay: 1, state })).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/POWER', payload, retain: false },
    ]);
  });

  it('relay n > 1 → POWER<n>', () => {
    expect(encode({ kind: 'power', relay: 3, state: 'on' })).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/POWER3', payload: 'ON', retain: false },
    ]);
  });

  it('custom cmnd prefix', () => {
    const d = new TasmotaDriver({ prefixes: { cmnd: 'command' } });
    expect(encode({ kind: 'power', relay: 1, state: 'on' }, d)[0]?.topic).toBe(
      'command/sp_w.r1.c1/POWER',
    );
  });

  it.each([0, 33, 1.5, NaN])('relay %s is a bad request', (relay) => {
    const err = hubError(() => encode({ kind: 'power', relay, state: 'on' }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toBe(`relay must be an integer from 1 to 32, got ${relay}`);
  });

  it('an unknown state is a bad request', () => {
    const err = hubError(() =>
      encode({ kind: 'power', relay: 1, state: 'blink' as unknown as 'on' }),
    );
    expect(err.code).toBe('bad_request');
  });

  it('a device id that cannot be a topic is a bad request', () => {
    const d = new TasmotaDriver();
    for (const nativeId of ['', 'a/+', '#']) {
      expect(
        hubError(() => d.encode({ protocol: 'tasmota', nativeId }, { kind: 'poll' })).code,
      ).toBe('bad_request');
    }
  });
});

describe('poll', () => {
  it('asks for STATE (relays) and STATUS 10 (energy)', () => {
    expect(encode({ kind: 'poll' })).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/STATE', payload: '', retain: false },
      { topic: 'cmnd/sp_w.r1.c1/STATUS', payload: '10', retain: false },
    ]);
  });
});

describe('countdown (PulseTime)', () => {
  it('off after 60 s: PulseTime 160, then POWER ON', () => {
    expect(encode({ kind: 'countdown', relay: 1, seconds: 60, state: 'off' })).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/PulseTime1', payload: '160', retain: false },
      { topic: 'cmnd/sp_w.r1.c1/POWER', payload: 'ON', retain: false },
    ]);
    expect(encode({ kind: 'countdown', relay: 2, seconds: 5, state: 'off' })).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/PulseTime2', payload: '50', retain: false },
      { topic: 'cmnd/sp_w.r1.c1/POWER2', payload: 'ON', retain: false },
    ]);
  });

  it('the firmware encoding: tenths up to 11.1 s, then seconds + 100 up to 64900', () => {
    expect(pulseTimeValue(0.1)).toBe(1);
    expect(pulseTimeValue(1.5)).toBe(15);
    expect(pulseTimeValue(11.1)).toBe(111);
    expect(pulseTimeValue(11.4)).toBe(111);
    expect(pulseTimeValue(11.7)).toBe(112);
    expect(pulseTimeValue(12)).toBe(112);
    expect(pulseTimeValue(13)).toBe(113);
    expect(pulseTimeValue(3600)).toBe(3700);
    expect(pulseTimeValue(64800)).toBe(64900);
  });

  it.each([0, 0.01, -5, 64801, Infinity, NaN])('%s seconds is a bad request', (seconds) => {
    const err = hubError(() => encode({ kind: 'countdown', relay: 1, seconds, state: 'off' }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/^countdown must be between 0\.1 and 64800 seconds/);
  });

  it('a countdown to on is unsupported, and says why', () => {
    const err = hubError(() => encode({ kind: 'countdown', relay: 1, seconds: 60, state: 'on' }));
    expect(err.code).toBe('unsupported');
    expect(err.message).toMatch(/only count down to off/);
  });

  it('a later plain "on" first clears the PulseTime a countdown left armed', () => {
    const { d, decode } = driver();
    d.encode(PLUG, { kind: 'countdown', relay: 1, seconds: 60, state: 'off' });
    const on = { kind: 'power', relay: 1, state: 'on' } as const;
    expect(d.encode(PLUG, on)).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/PulseTime1', payload: '0', retain: false },
      { topic: 'cmnd/sp_w.r1.c1/POWER', payload: 'ON', retain: false },
    ]);
    // Off needs no clearing; other relays are not affected.
    expect(d.encode(PLUG, { kind: 'power', relay: 1, state: 'off' })).toHaveLength(1);
    expect(d.encode(PLUG, { kind: 'power', relay: 2, state: 'on' })).toHaveLength(1);
    // Once the device confirms PulseTime1 is 0, plain "on" is plain again.
    decode('stat/sp_w.r1.c1/RESULT', '{"PulseTime1":{"Set":0,"Remaining":0}}');
    expect(d.encode(PLUG, on)).toEqual([
      { topic: 'cmnd/sp_w.r1.c1/POWER', payload: 'ON', retain: false },
    ]);
  });
});

describe('timer', () => {
  it('a daily timer: Timer<slot> JSON, then Timers 1 to arm', () => {
    expect(
      encode({ kind: 'timer', slot: 3, relay: 1, time: '07:30:00', state: 'on', enabled: true }),
    ).toEqual([
      {
        topic: 'cmnd/sp_w.r1.c1/Timer3',
        payload:
          '{"Enable":1,"Mode":0,"Time":"07:30","Window":0,"Days":"1111111","Repeat":1,"Output":1,"Action":1}',
        retain: false,
      },
      { topic: 'cmnd/sp_w.r1.c1/Timers', payload: '1', retain: false },
    ]);
  });

  it('off is Action 0; seconds other than 00 are refused (Tasmota timers fire on the minute)', () => {
    const timer = (time: string) =>
      encode({ kind: 'timer', slot: 16, relay: 2, time, state: 'off', enabled: true });
    expect(JSON.parse(timer('23:59:00')[0]!.payload)).toMatchObject({
      Time: '23:59',
      Output: 2,
      Action: 0,
    });
    expect(() => timer('23:59:59')).toThrow(
      'Tasmota timers fire on whole minutes: give 23:59 or 23:59:00, not 23:59:59',
    );
  });

  it('a disabled timer is written with Enable 0 and does not arm Timers', () => {
    const out = encode({
      kind: 'timer',
      slot: 1,
      relay: 1,
      time: '6:05',
      state: 'on',
      enabled: false,
    });
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!.payload)).toMatchObject({ Enable: 0, Time: '06:05' });
  });

  it.each([
    [{ slot: 0 }, 'timer slot must be 1 to 16, got 0'],
    [{ slot: 17 }, 'timer slot must be 1 to 16, got 17'],
    [{ relay: 17 }, 'relay must be an integer from 1 to 16, got 17'],
    [{ time: '24:00:00' }, 'timer time must be hh:mm:ss (00:00:00..23:59:59), got 24:00:00'],
    [{ time: '12:60' }, 'timer time must be hh:mm:ss (00:00:00..23:59:59), got 12:60'],
    [{ time: 'noon' }, 'timer time must be hh:mm:ss (00:00:00..23:59:59), got noon'],
  ])('%j is a bad request', (override, message) => {
    const cmd = {
      kind: 'timer',
      slot: 1,
      relay: 1,
      time: '07:00:00',
      state: 'on',
      enabled: true,
      ...override,
    } as const;
    const err = hubError(() => encode(cmd));
    expect(err.code).toBe('bad_request');
    expect(err.message).toBe(message);
  });
});

describe('group topic', () => {
  it('encodeGroupPower(group, state) → cmnd/<group>/POWER', () => {
    expect(encodeGroupPower('tasmotas', 'off')).toEqual({
      topic: 'cmnd/tasmotas/POWER',
      payload: 'OFF',
      retain: false,
    });
    expect(new TasmotaDriver({ groupTopic: 'office' }).groupPower('toggle')).toEqual({
      topic: 'cmnd/office/POWER',
      payload: 'TOGGLE',
      retain: false,
    });
    expect(hubError(() => encodeGroupPower('', 'on')).code).toBe('bad_request');
    expect(hubError(() => encodeGroupPower('all/#', 'on')).code).toBe('bad_request');
  });
});

describe('nothing is ever retained', () => {
  it('every command, every message: retain false', () => {
    const d = new TasmotaDriver();
    const commands: Command[] = [
      { kind: 'power', relay: 1, state: 'on' },
      { kind: 'power', relay: 4, state: 'toggle' },
      { kind: 'poll' },
      { kind: 'countdown', relay: 1, seconds: 30, state: 'off' },
      { kind: 'power', relay: 1, state: 'on' },
      { kind: 'timer', slot: 2, relay: 1, time: '08:00:00', state: 'off', enabled: true },
    ];
    const all = commands.flatMap((c) => d.encode(PLUG, c));
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const m of all) expect(m.retain).toBe(false);
  });
});

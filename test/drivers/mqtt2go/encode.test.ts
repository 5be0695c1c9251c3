import { describe, expect, it } from 'vitest';
import type { Command } from '../../../src/core/commands.js';
import { TopicFilter } from '../../../src/hub/topic-filter.js';
import { driver, hubError, NOW } from './helpers.js';

const S = Math.floor(NOW / 1000);
const V2_SOCKET = { protocol: 'mqtt2go', nativeId: 'powr2' } as const;
const V1_SOCKET = { protocol: 'mqtt2go', nativeId: 's12' } as const;
const TIMER: Command = {
  kind: 'timer',
  relay: 1,
  slot: 1,
  time: '02:12:00',
  state: 'on',
  enabled: true,
};

/** A driver that has heard one 2.x and one 1.x socket. */
function heard() {
  const t = driver();
  t.decode('BRQ/BUT/powr2/voltage/out', { report: { value: 230, unit: 'V' } });
  t.decode('BRQ/BUT/kitchen/socket/s12', { type: 'report', report_name: 'voltage', report: 230 });
  return t;
}

describe('commands in the version the socket speaks, never retained', () => {
  it('power on/off: 2.1 switch/in, 1.2 command_type set on the device topic', () => {
    const { d } = heard();
    expect(d.encode(V2_SOCKET, { kind: 'power', relay: 1, state: 'on' })).toEqual([
      {
        topic: 'BRQ/BUT/powr2/switch/in',
        payload: JSON.stringify({ type: 'set', timestamp: S, value: 'on' }),
        retain: false,
        qos: 1,
      },
    ]);
    expect(d.encode(V1_SOCKET, { kind: 'power', relay: 1, state: 'off' })).toEqual([
      {
        topic: 'BRQ/BUT/kitchen/socket/s12',
        payload: JSON.stringify({
          type: 'command',
          timestamp: S,
          command_type: 'set',
          value: 'off',
        }),
        retain: false,
        qos: 1,
      },
    ]);
  });

  it('timer: 2.1 timer/in type set, 1.2 set_timer, value as the spec', () => {
    const { d } = heard();
    const value = { unit: 'hh:mm:ss', time: '02:12:00', action: 'on' };
    expect(d.encode(V2_SOCKET, TIMER)).toEqual([
      {
        topic: 'BRQ/BUT/powr2/timer/in',
        payload: JSON.stringify({ type: 'set', timestamp: S, value }),
        retain: false,
        qos: 1,
      },
    ]);
    const [m] = d.encode(V1_SOCKET, { ...TIMER, time: '7:05', state: 'off' });
    expect(JSON.parse(m!.payload)).toEqual({
      type: 'command',
      timestamp: S,
      command_type: 'set_timer',
      value: { unit: 'hh:mm:ss', time: '07:05:00', action: 'off' },
    });
  });

  it('poll: about and a state query (2.x), a state query (1.x)', () => {
    const { d } = heard();
    expect(
      d.encode(V2_SOCKET, { kind: 'poll' }).map((m) => [m.topic, JSON.parse(m.payload)]),
    ).toEqual([
      ['BRQ/BUT/powr2/about/in', { priority_level: 2, timestamp: S, type: 'query' }],
      ['BRQ/BUT/powr2/state/in', { type: 'query', timestamp: S }],
    ]);
    expect(JSON.parse(d.encode(V1_SOCKET, { kind: 'poll' })[0]!.payload)).toEqual({
      type: 'command',
      timestamp: S,
      command_type: 'query',
      value: 'state',
    });
  });

  it('toggle uses the last reported state; unknown state is refused', () => {
    const t = heard();
    expect(
      hubError(() => t.d.encode(V2_SOCKET, { kind: 'power', relay: 1, state: 'toggle' })).code,
    ).toBe('bad_request');
    t.decode('BRQ/BUT/powr2/switch/out', { type: 'command_response', value: 'on' });
    const [m] = t.d.encode(V2_SOCKET, { kind: 'power', relay: 1, state: 'toggle' });
    expect(JSON.parse(m!.payload).value).toBe('off');
  });

  it('what the convention cannot do is refused with a reason', () => {
    const { d } = heard();
    const countdown = hubError(() =>
      d.encode(V2_SOCKET, { kind: 'countdown', relay: 1, seconds: 60, state: 'off' }),
    );
    expect(countdown.code).toBe('unsupported');
    expect(hubError(() => d.encode(V2_SOCKET, { ...TIMER, enabled: false })).code).toBe(
      'unsupported',
    );
    expect(hubError(() => d.encode(V2_SOCKET, { ...TIMER, time: '25:00' })).message).toMatch(
      /timer time must be hh:mm/,
    );
    expect(hubError(() => d.encode(V2_SOCKET, { kind: 'power', relay: 2, state: 'on' })).code).toBe(
      'bad_request',
    );
  });

  it('a socket never heard: unreachable, unless one home and gateway are served over 2.x', () => {
    expect(hubError(() => driver().d.encode(V2_SOCKET, TIMER)).code).toBe('unreachable');
    const { d } = driver({ homes: ['BRQ'], gateways: ['BUT'] });
    expect(d.encode(V2_SOCKET, { kind: 'power', relay: 1, state: 'on' })[0]!.topic).toBe(
      'BRQ/BUT/powr2/switch/in',
    );
  });

  it('after remove the socket’s address is forgotten', () => {
    const t = heard();
    t.decode('BRQ/BUT/powr2/remove/out', { type: 'command_response', value: true });
    expect(hubError(() => t.d.encode(V2_SOCKET, TIMER)).code).toBe('unreachable');
  });
});

describe('subscriptions', () => {
  const matches = (filters: string[], topic: string) =>
    filters.some((f) => new TopicFilter(f).matches(topic));

  it('default: every home and gateway, both layouts, per entity', () => {
    const f = driver().d.subscriptions();
    expect(f).toContain('+/+/+/switch/out');
    expect(f).toContain('+/+/+/socket/+');
    expect(f).not.toContain('+/+/+/+/out');
    for (const t of ['BRQ/BUT/a/consumption/out', 'X/Y/g/socket/a', 'X/Y/a/about/out'])
      expect(matches(f, t)).toBe(true);
    // Tasmota, Moko and other five-level topics are not taken.
    for (const t of [
      'stat/plug/POWER',
      'tele/plug/SENSOR',
      'tasmota/discovery/DC4F22000001/config',
      'a/b/c/d/out',
      'BRQ/BUT/a/switch/in',
      'iot_plug/plug_one/us/11:22:33:44:55:66/device/switch_state',
    ])
      expect(matches(f, t)).toBe(false);
  });

  it('configured homes, gateways and version narrow the filters', () => {
    const f = driver({
      homes: ['BRQ', 'OVA'],
      gateways: ['BUT'],
      version: '2.1',
    }).d.subscriptions();
    expect(f).toContain('BRQ/BUT/+/switch/out');
    expect(f).toContain('OVA/BUT/+/power/out');
    expect(matches(f, 'PRG/BUT/a/power/out')).toBe(false);
    expect(f.some((x) => x.includes('socket'))).toBe(false);
    expect(driver({ version: '1.2' }).d.subscriptions()).toEqual(['+/+/+/socket/+']);
  });

  it('a home or gateway that is not a topic level is refused', () => {
    expect(hubError(() => driver({ homes: ['a/b'] })).code).toBe('bad_request');
  });
});

import { describe, expect, it } from 'vitest';
import {
  NO_NUMBER,
  parseCommand,
  splitBacklog,
  splitCommandLine,
} from '../../../src/sim/tasmota/commands.js';
import { EnergyMeter } from '../../../src/sim/tasmota/energy.js';
import { fixed, toJson, uptimeText } from '../../../src/sim/tasmota/format.js';
import { encodeRemaining, pulseDurationMs } from '../../../src/sim/tasmota/pulse.js';
import { TimerTable } from '../../../src/sim/tasmota/timers.js';

describe('command parsing', () => {
  it('splits the command into name and index, case-insensitively', () => {
    expect(parseCommand('power2', 'on')).toMatchObject({
      name: 'POWER',
      raw: 'POWER2',
      index: 2,
      userIndex: true,
    });
    expect(parseCommand('Power', '')).toMatchObject({ name: 'POWER', index: 1, userIndex: false });
    expect(parseCommand('POWER0', '')).toMatchObject({ index: 0, userIndex: true });
    expect(parseCommand('SetOption114', '1')).toMatchObject({ name: 'SETOPTION', index: 114 });
  });

  it('reads payloads as state words or C numbers', () => {
    const p = (data: string): number => parseCommand('X', data).payload;
    expect([p('on'), p('OFF'), p('Toggle'), p('true'), p('false'), p('blink'), p('all')]).toEqual([
      1, 0, 2, 1, 0, 3, 255,
    ]);
    expect([p('0x10'), p('010'), p('42abc'), p('-3')]).toEqual([16, 8, 42, -3]);
    expect([p(''), p('?'), p('hello')]).toEqual([NO_NUMBER, NO_NUMBER, NO_NUMBER]);
    expect(parseCommand('X', '  ?  ').data).toBe('');
  });

  it('splits Backlog on semicolons outside braces and drops nested Backlog words', () => {
    expect(splitBacklog('Power on; Timer1 {"Days":"1;1"} ;Backlog power off;;')).toEqual([
      'Power on',
      'Timer1 {"Days":"1;1"}',
      'power off',
    ]);
    expect(splitBacklog(Array.from({ length: 40 }, () => 'Power').join(';'))).toHaveLength(30);
    expect(splitCommandLine('  PulseTime1   20 ')).toEqual({ command: 'PulseTime1', data: '20' });
  });
});

describe('output formatting', () => {
  it('prints fixed decimals and uptime like the firmware', () => {
    expect(toJson({ a: fixed(5.34, 3), b: fixed(-0.0001, 3), c: undefined, d: [null, 'x'] })).toBe(
      '{"a":5.340,"b":0.000,"d":[null,"x"]}',
    );
    expect(uptimeText(93784)).toBe('1T02:03:04');
  });
});

describe('PulseTime encoding', () => {
  it('uses tenths up to 111 and seconds+100 above', () => {
    expect([
      pulseDurationMs(0),
      pulseDurationMs(5),
      pulseDurationMs(111),
      pulseDurationMs(112),
    ]).toEqual([0, 500, 11_100, 12_000]);
    expect([
      encodeRemaining(0),
      encodeRemaining(950),
      encodeRemaining(11_100),
      encodeRemaining(13_000),
    ]).toEqual([0, 9, 111, 113]);
  });
});

describe('EnergyMeter', () => {
  it('keeps Total continuous across midnight and EnergyTotal/EnergyToday', () => {
    const m = new EnergyMeter(1, 0);
    m.add(500);
    m.rollover();
    m.add(250);
    expect(m.counters()).toEqual({ totalKWh: 1.75, todayKWh: 0.25, yesterdayKWh: 0.5 });
    expect(m.takePeriodWh()).toBe(750);
    expect(m.takePeriodWh()).toBe(0);
    m.setTotalWh(10_000, 1_700_000_000_000);
    expect(m.counters().totalKWh).toBeCloseTo(10, 9);
    expect(m.totalStartMs).toBe(1_700_000_000_000);
    m.setTodayWh(1000);
    expect(m.counters()).toMatchObject({ todayKWh: 1 });
    expect(m.counters().totalKWh).toBeCloseTo(10.75, 9);
  });
});

describe('TimerTable', () => {
  it('parses like the firmware: day masks, clamped times, sunrise offsets, output clamping', () => {
    const t = new TimerTable();
    expect(
      t.applyJson(1, '{"arm":1,"time":"25:75","days":"--TW--S","output":3,"action":6}', 2),
    ).toBe(true);
    expect(t.show(1, 2)).toEqual({
      Enable: 1,
      Mode: 0,
      Time: '23:59',
      Window: 0,
      Days: '0011001',
      Repeat: 0,
      Output: 1,
      Action: 2,
    });
    t.applyJson(2, '{"Enable":1,"Mode":1,"Time":"-01:30"}', 1);
    expect(t.show(2, 1)).toMatchObject({ Mode: 1, Time: '-01:30' });
    expect(t.applyJson(3, '[1,2]', 1)).toBe(false);
  });

  it('fires armed clock timers on matching days only when enabled', () => {
    const t = new TimerTable();
    t.applyJson(1, '{"Enable":1,"Time":"06:45","Days":"1000000","Repeat":1,"Action":1}', 1);
    expect(t.due(405, 0)).toEqual([]);
    t.enabled = true;
    expect(t.due(405, 1)).toEqual([]);
    expect(t.due(404, 0)).toEqual([]);
    expect(t.due(405, 0)).toEqual([{ timer: 1, relay: 1, action: 1 }]);
    expect(t.get(1).arm).toBe(true);
  });
});

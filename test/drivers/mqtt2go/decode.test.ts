import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/driver.js';
import { driver, facts, NOW, SPEC_TS } from './helpers.js';

const V2 = 'BRQ/BUT/powr2';
const V1 = 'BRQ/BUT/kitchen/socket/s12';

const m2g = { protocol: 'mqtt2go' } as const;

describe('spec examples (specs/mqtt2go-smart-sockets.md) on 1.2 topics', () => {
  const report = (name: string, value: number, unit: string) => ({
    type: 'report',
    priority_level: 2,
    report_type: 'report_type',
    timestamp: 1567677956,
    report_name: name,
    report: { value, unit },
  });

  it.each([
    ['Consumption Report', report('consumption', 45, 'Ws'), 'energy_total', 45 / 3600],
    ['Current Report', report('current', 1.2, 'A'), 'current', 1.2],
    ['Voltage Report', report('voltage', 232.4, 'V'), 'voltage', 232.4],
    // The spec's Power Report says consumption with unit W: the unit decides.
    ['Power Report', report('consumption', 90, 'W'), 'power', 90],
  ])('%s → %s with priority 2 at the device time', (_name, payload, metric, value) => {
    const { decode } = driver();
    expect(decode(V1, payload)).toEqual([
      { ...m2g, nativeId: 's12', kind: 'seen', ts: NOW },
      { ...m2g, nativeId: 's12', kind: 'reading', metric, value, ts: SPEC_TS, priority: 2 },
    ]);
  });

  it.each([
    ['Set On', 'on'],
    ['Set Off', 'off'],
  ])('%s is a command (ours or another controller’s), not a device report', (_n, value) => {
    const { decode } = driver();
    const cmd = { type: 'command', timestamp: 1567677926, command_type: 'set', value };
    expect(decode(V1, cmd)).toEqual([]);
  });

  it('Set Timer is a command too', () => {
    const { decode } = driver();
    const value = { unit: 'hh:mm:ss', time: '02:12:00', action: 'on/off' };
    expect(
      decode(V1, { type: 'command', timestamp: 1567677926, command_type: 'set_timer', value }),
    ).toEqual([]);
  });
});

describe('2.x socket reports (root examples/sockets.md, firmware)', () => {
  it.each([
    ['consumption', { value: 45, unit: 'Ws' }, 'energy_total', 45 / 3600],
    ['current', { value: 1.2, unit: 'A' }, 'current', 1.2],
    ['voltage', { value: 232.4, unit: 'V' }, 'voltage', 232.4],
    ['power', { value: 90, unit: 'W' }, 'power', 90],
    // Shelly Plug S / POW R2 firmware: consumption is V×I labelled W; energy is Ws.
    ['consumption', { unit: 'W', value: 88.5 }, 'power', 88.5],
    ['energy', { unit: 'Ws', value: 7200 }, 'energy_total', 2],
  ])('%s/out %j → %s', (entity, report, metric, value) => {
    const { decode } = driver();
    const payload = { priority_level: 2, type: 'report_type', timestamp: 1567677956, report };
    expect(facts(decode(`${V2}/${entity}/out`, payload))).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'reading', metric, value, ts: SPEC_TS, priority: 2 },
    ]);
  });

  it('2.0 socket example without type, firmware periodic_report, dashboard ms timestamps', () => {
    const { decode } = driver();
    const without = { priority_level: 2, timestamp: 1567677956, report: { value: 45, unit: 'Ws' } };
    expect(facts(decode(`${V2}/consumption/out`, without))).toMatchObject([
      { kind: 'reading', metric: 'energy_total', ts: SPEC_TS },
    ]);
    const periodic = {
      priority_level: 2,
      type: 'periodic_report',
      timestamp: 1567677956123,
      report: { unit: 'V', value: 231 },
    };
    expect(facts(decode(`${V2}/voltage/out`, periodic))).toMatchObject([
      { kind: 'reading', metric: 'voltage', value: 231, ts: 1567677956123 },
    ]);
  });

  it('value instead of report, a bare number, a numeric string: all read', () => {
    const { decode } = driver();
    expect(
      facts(decode(`${V2}/power/out`, { type: 'report', value: { value: 12, unit: 'W' } })),
    ).toMatchObject([{ metric: 'power', value: 12, ts: NOW }]);
    expect(facts(decode(`${V2}/current/out`, { report: 0.5 }))).toMatchObject([
      { metric: 'current', value: 0.5 },
    ]);
    expect(
      facts(decode(`${V2}/voltage/out`, { report: { value: '229.5', unit: 'V' } })),
    ).toMatchObject([{ metric: 'voltage', value: 229.5 }]);
  });

  it('1.0/1.1 CamelCase report names and a report without unit (entity default)', () => {
    const { decode } = driver();
    const r = {
      type: 'report',
      priority_level: 1,
      report_type: 'periodic_report',
      report_name: 'Consumption',
      report: 7200,
    };
    expect(facts(decode(V1, r))).toMatchObject([{ metric: 'energy_total', value: 2, priority: 1 }]);
    expect(facts(decode(`${V2}/energy/out`, { report: { value: 3600 } }))).toMatchObject([
      { metric: 'energy_total', value: 1 },
    ]);
  });

  it('units are normalised: kWh, Wh, kW, mA', () => {
    const { decode } = driver();
    const r = (entity: string, value: number, unit: string) =>
      facts(decode(`${V2}/${entity}/out`, { report: { value, unit } }))[0];
    expect(r('consumption', 1.5, 'kWh')).toMatchObject({ metric: 'energy_total', value: 1500 });
    expect(r('energy', 12, 'Wh')).toMatchObject({ metric: 'energy_total', value: 12 });
    expect(r('power', 2, 'kW')).toMatchObject({ metric: 'power', value: 2000 });
    expect(r('current', 250, 'mA')).toMatchObject({ metric: 'current', value: 0.25 });
  });
});

describe('state', () => {
  it('switch/out command_response echo (firmware: value, no priority)', () => {
    const { decode } = driver();
    expect(
      decode(`${V2}/switch/out`, { type: 'command_response', timestamp: 1567677956, value: 'on' }),
    ).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'seen', ts: NOW },
      { ...m2g, nativeId: 'powr2', kind: 'state', relay: 1, on: true, ts: SPEC_TS },
    ]);
  });

  it.each([
    // 2.x objects "Simple Report Example"
    ['switch', { priority_level: 2, timestamp: 1, type: 'command_response', report: 'on' }, true],
    // 2.1 switch example
    ['switch', { priority_level: 2, type: 'response_type', timestamp: 1, value: 'off' }, false],
    // multi-sensor "State Report" on its own entity
    ['state', { type: 'status', priority_level: 2, timestamp: 1, report: 'off' }, false],
    // research's recommended shape carries both keys
    ['switch', { type: 'periodic_report', timestamp: 1, value: 'on', report: 'on' }, true],
  ])('%s/out %j → on=%s', (entity, payload, on) => {
    const { decode } = driver();
    expect(facts(decode(`${V2}/${entity}/out`, payload))).toMatchObject([{ kind: 'state', on }]);
  });

  it('1.2 state report and 1.0/1.1 OnReport in CamelCase', () => {
    const { decode } = driver();
    const r12 = {
      type: 'report',
      priority_level: 2,
      report_type: 'command_response',
      timestamp: 1567677956,
      report_name: 'state',
      report: 'on',
    };
    expect(facts(decode(V1, r12))).toEqual([
      { ...m2g, nativeId: 's12', kind: 'state', relay: 1, on: true, ts: SPEC_TS },
    ]);
    const r10 = {
      type: 'report',
      priority_level: 1,
      report_type: 'command_response',
      report_name: 'OnReport',
      report: 'Off',
    };
    expect(facts(decode(V1, r10))).toMatchObject([{ kind: 'state', on: false }]);
    // 1.x data-structure page: no report_name, "OnReport" in report_type
    const ds = { type: 'report', report_type: 'OnReport', timestamp: 1567677956, report: 'On' };
    expect(facts(decode(V1, ds))).toMatchObject([{ kind: 'state', on: true }]);
  });

  it('a 2.x echo that kept type "set" still confirms: out topics come from the device', () => {
    const { decode } = driver();
    expect(
      facts(decode(`${V2}/switch/out`, { type: 'set', timestamp: 1, value: 'off' })),
    ).toMatchObject([{ kind: 'state', on: false }]);
  });

  it('repair_needed is a valid state report without an on/off fact', () => {
    const { decode } = driver();
    expect(decode(`${V2}/state/out`, { type: 'status', report: 'repair_needed' })).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'seen', ts: NOW },
    ]);
  });
});

describe('about and remove', () => {
  it('about answer → info (one relay)', () => {
    const { decode } = driver();
    const about = {
      priority_level: 2,
      timestamp: 1567677956,
      type: 'command_response',
      value: { device_id: 'powr2', topics: ['switch', 'voltage'], status: 'ok' },
    };
    expect(facts(decode(`${V2}/about/out`, about))).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'info', info: { relayCount: 1 }, ts: NOW },
    ]);
  });

  it('remove confirmed → removed; false → only seen', () => {
    const { decode } = driver();
    expect(
      facts(decode(`${V2}/remove/out`, { type: 'command_response', timestamp: 1, value: true })),
    ).toEqual([
      {
        ...m2g,
        nativeId: 'powr2',
        kind: 'removed',
        reason: 'the socket confirmed remove and resets to factory settings',
        ts: NOW,
      },
    ]);
    expect(facts(decode(`${V2}/remove/out`, { type: 'command_response', value: 'false' }))).toEqual(
      [],
    );
  });

  it('an error report (research §2.5 shape) is a sign of life, not a bad message', () => {
    const { decode } = driver();
    const err = {
      type: 'error',
      priority_level: 2,
      value: { event: 'error', reason: 'bad value' },
    };
    expect(decode(`${V2}/switch/out`, err)).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'seen', ts: NOW },
    ]);
  });

  it('timer confirmation: the socket is alive, nothing else', () => {
    const { decode } = driver();
    const value = { unit: 'hh:mm:ss', time: '02:12:00', action: 'on' };
    expect(decode(`${V2}/timer/out`, { type: 'command_response', timestamp: 1, value })).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'seen', ts: NOW },
    ]);
  });
});

describe('timestamps', () => {
  const at = (timestamp: unknown) =>
    facts(driver().decode(`${V2}/power/out`, { timestamp, report: { value: 1, unit: 'W' } }))[0];

  it('seconds and milliseconds', () => {
    expect(at(1700000000)).toMatchObject({ ts: 1700000000_000 });
    expect(at(1700000000123)).toMatchObject({ ts: 1700000000123 });
    expect(at('1700000000')).toMatchObject({ ts: 1700000000_000 });
  });

  it('a clock never set (1970 + uptime) or far ahead → receive time', () => {
    expect(at(3600)).toMatchObject({ ts: NOW });
    expect(at(NOW / 1000 + 86400)).toMatchObject({ ts: NOW });
  });

  it('a timestamp that is not a time is rejected; the reading is kept at receive time', () => {
    const events = facts(
      driver().decode(`${V2}/power/out`, { timestamp: { x: 1 }, report: { value: 1, unit: 'W' } }),
    );
    expect(events).toEqual([
      { ...m2g, nativeId: 'powr2', kind: 'reading', metric: 'power', value: 1, ts: NOW },
      {
        ...m2g,
        nativeId: 'powr2',
        kind: 'rejected',
        reason: `${V2}/power/out: timestamp is not a Unix time: {"x":1}`,
        ts: NOW,
      },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    ['not JSON', `${V2}/power/out`, '{"report":', /payload is not JSON/],
    ['not an object', `${V2}/power/out`, '[1,2]', /not a JSON object/],
    [
      'value not a number',
      `${V2}/power/out`,
      '{"report":{"value":"lots","unit":"W"}}',
      /power value is not a number/,
    ],
    [
      'wrong unit for the entity',
      `${V2}/voltage/out`,
      '{"report":{"value":3,"unit":"A"}}',
      /voltage in unknown unit "A"/,
    ],
    ['negative voltage', `${V2}/voltage/out`, '{"report":-5}', /voltage cannot be negative/],
    ['state garbage', `${V2}/switch/out`, '{"value":"maybe"}', /switch is not on\/off: "maybe"/],
    ['1.x report without a name', V1, '{"type":"report","report":1}', /without report_name/],
  ])('%s → DecodeError naming it', (_n, topic, payload, message) => {
    const { decode } = driver();
    let err: unknown;
    try {
      decode(topic, payload);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message).toMatch(message);
  });

  it('a bad priority_level is rejected; the reading is kept without it', () => {
    const { decode } = driver();
    const events = facts(decode(`${V2}/power/out`, { priority_level: 'high', report: 5 }));
    expect(events).toMatchObject([
      { kind: 'reading', metric: 'power', value: 5 },
      {
        kind: 'rejected',
        reason: `${V2}/power/out: priority_level must be an integer 1..5, got "high"`,
      },
    ]);
    expect(events[0]).not.toHaveProperty('priority');
  });

  it('empty payloads (retained messages being cleared) and in topics yield nothing', () => {
    const { decode } = driver();
    expect(decode(`${V2}/power/out`, '')).toEqual([]);
    expect(decode(`${V2}/switch/in`, { type: 'set', value: 'on' })).toEqual([]);
  });
});

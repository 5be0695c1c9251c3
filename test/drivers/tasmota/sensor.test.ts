import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/driver.js';
import { parseTasmotaTime } from '../../../src/drivers/tasmota/sensor.js';
import { driver, NOW, ofKind, reading, readings, rejected, seen } from './helpers.js';

// research §1.5, from Tasmota docs devices/Sonoff-Pow-R2.md
const POW_R2 =
  '{"Time":"2018-02-15T17:37:10","ENERGY":{"TotalStartTime":"2018-11-14T18:39:40",' +
  '"Total":6.294,"Yesterday":5.340,"Today":0.954,"Period":217,"Power":2635,' +
  '"ApparentPower":2650,"ReactivePower":282,"Factor":0.99,"Voltage":227,"Current":11.661}}';

// A 3-phase meter (Tasmota energy driver with arrays, as in arendst/Tasmota#17579).
const THREE_PHASE =
  '{"Time":"2023-01-09T20:05:13","ENERGY":{"TotalStartTime":"2022-12-31T10:10:42",' +
  '"Total":57.133,"Yesterday":3.482,"Today":1.716,"Period":[2,0,1],"Power":[298,7,0],' +
  '"ApparentPower":[372,60,0],"ReactivePower":[222,60,0],"Factor":[0.80,0.11,0.00],' +
  '"Frequency":50,"Voltage":[231,229,230],"Current":[1.611,0.262,0.000]}}';

describe('SENSOR ENERGY', () => {
  const { decode } = driver();

  it('the Sonoff Pow R2 example, in SI units at the receive time (its Time has no zone)', () => {
    expect(decode('tele/pow1/SENSOR', POW_R2)).toEqual([
      seen('pow1'),
      reading('pow1', 'energy_total', 6294),
      reading('pow1', 'energy_yesterday', 5340),
      reading('pow1', 'energy_today', 954),
      reading('pow1', 'energy_period', 217),
      reading('pow1', 'power', 2635),
      reading('pow1', 'apparent_power', 2650),
      reading('pow1', 'reactive_power', 282),
      reading('pow1', 'power_factor', 0.99),
      reading('pow1', 'voltage', 227),
      reading('pow1', 'current', 11.661),
    ]);
  });

  it('kWh become exact Wh (no binary-fraction tails)', () => {
    const r = readings(
      decode('tele/p/SENSOR', '{"ENERGY":{"Total":1.1,"Today":0.007,"Yesterday":123456.78901}}'),
    );
    expect(r).toEqual({ energy_total: 1100, energy_today: 7, energy_yesterday: 123456789.01 });
  });

  it('a 3-phase meter: per-phase readings plus the sum for additive quantities', () => {
    const r = readings(decode('tele/meter/SENSOR', THREE_PHASE));
    expect(r).toEqual({
      energy_total: 57133,
      energy_yesterday: 3482,
      energy_today: 1716,
      energy_period_l1: 2,
      energy_period_l2: 0,
      energy_period_l3: 1,
      energy_period: 3,
      power_l1: 298,
      power_l2: 7,
      power_l3: 0,
      power: 305,
      apparent_power_l1: 372,
      apparent_power_l2: 60,
      apparent_power_l3: 0,
      apparent_power: 432,
      reactive_power_l1: 222,
      reactive_power_l2: 60,
      reactive_power_l3: 0,
      reactive_power: 282,
      // Voltage, frequency and power factor do not add up: per phase only.
      power_factor_l1: 0.8,
      power_factor_l2: 0.11,
      power_factor_l3: 0,
      frequency: 50,
      voltage_l1: 231,
      voltage_l2: 229,
      voltage_l3: 230,
      current_l1: 1.611,
      current_l2: 0.262,
      current_l3: 0,
      current: 1.873,
    });
  });

  it('an array of one is a single value', () => {
    expect(readings(decode('tele/p/SENSOR', '{"ENERGY":{"Power":[42]}}'))).toEqual({ power: 42 });
  });

  it('SENSOR without ENERGY (a temperature sensor): only seen', () => {
    expect(
      decode(
        'tele/p/SENSOR',
        '{"Time":"2024-06-01T11:00:00","AM2301":{"Temperature":21.3},"TempUnit":"C"}',
      ),
    ).toEqual([seen('p')]);
  });

  it('STATUS10 and STATUS8 StatusSNS carry the same ENERGY (without Period)', () => {
    const sns =
      '{"StatusSNS":{"Time":"2024-06-01T13:59:30+02:00","ENERGY":{"TotalStartTime":"2023-01-01T00:00:00",' +
      '"Total":10.5,"Yesterday":1.25,"Today":0.5,"Power":60,"ApparentPower":70,' +
      '"ReactivePower":36,"Factor":0.86,"Voltage":230,"Current":0.304}}}';
    const at = Date.UTC(2024, 5, 1, 11, 59, 30);
    for (const sub of ['STATUS10', 'STATUS8']) {
      const events = decode(`stat/plug/${sub}`, sns);
      expect(events[0]).toEqual(seen('plug'));
      expect(readings(events)).toEqual({
        energy_total: 10500,
        energy_yesterday: 1250,
        energy_today: 500,
        power: 60,
        apparent_power: 70,
        reactive_power: 36,
        power_factor: 0.86,
        voltage: 230,
        current: 0.304,
      });
      expect(ofKind(events, 'reading').every((e) => e.ts === at)).toBe(true);
    }
  });
});

describe('timestamps', () => {
  const { decode } = driver();
  const tsOf = (payload: string, now = NOW) =>
    ofKind(decode('tele/p/SENSOR', payload, now), 'reading')[0]?.ts;

  it('a plug without NTP reports 1970: use the receive time', () => {
    expect(tsOf('{"Time":"1970-01-01T00:12:31","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"1970-01-01T00:12:31+00:00","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2015-12-31T23:59:59Z","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Epoch":751,"ENERGY":{"Power":5}}')).toBe(NOW);
  });

  it('a Time without zone is local time, not an instant: the receive time', () => {
    // Tasmota's default (research §1.5); read as UTC it would be hours off.
    expect(tsOf('{"Time":"2024-06-01T10:00:00","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2024-06-01T11:59:59.500","ENERGY":{"Power":5}}')).toBe(NOW);
  });

  it('the autumn DST change: the repeated local hour does not overwrite the first', () => {
    // 2024-10-27 in Berlin: 02:30 local happens at 00:30Z (CEST) and again at 01:30Z (CET).
    const first = Date.UTC(2024, 9, 27, 0, 30);
    const second = Date.UTC(2024, 9, 27, 1, 30);
    const msg = '{"Time":"2024-10-27T02:30:00","ENERGY":{"Power":5}}';
    expect(tsOf(msg, first)).toBe(first);
    expect(tsOf(msg, second)).toBe(second);
    // With SetOption52 the offset tells them apart.
    expect(tsOf('{"Time":"2024-10-27T02:30:00+02:00","ENERGY":{"Power":5}}', second)).toBe(first);
    expect(tsOf('{"Time":"2024-10-27T02:30:00+01:00","ENERGY":{"Power":5}}', second)).toBe(second);
  });

  it('a Time with an offset (SetOption52) or Z is honoured', () => {
    expect(tsOf('{"Time":"2024-06-01T10:00:00+02:00","ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 1, 8),
    );
    expect(tsOf('{"Time":"2024-06-01T06:00:00-05:00","ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 1, 11),
    );
    expect(tsOf('{"Time":"2024-06-01T11:30:00Z","ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 1, 11, 30),
    );
    expect(tsOf('{"Time":"2024-06-01T11:30:00.250+00:00","ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 1, 11, 30, 0, 250),
    );
  });

  it('Epoch (Time 2) wins over Time; a numeric Time (Time 3/4) is an epoch', () => {
    expect(tsOf('{"Time":"2024-06-01T10:00:00","Epoch":1717236000,"ENERGY":{"Power":5}}')).toBe(
      1717236000_000,
    );
    expect(tsOf('{"Time":"2024-06-01T10:00:00Z","Epoch":1717236001,"ENERGY":{"Power":5}}')).toBe(
      1717236001_000,
    );
    expect(tsOf('{"Time":1717236000,"ENERGY":{"Power":5}}')).toBe(1717236000_000);
    expect(tsOf('{"Time":1717236000123,"ENERGY":{"Power":5}}')).toBe(1717236000123);
  });

  it('an implausible Epoch falls back to a Time with zone, else to the receive time', () => {
    expect(tsOf('{"Time":"2024-06-01T10:00:00Z","Epoch":12,"ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 1, 10),
    );
    expect(tsOf('{"Time":"2024-06-01T10:00:00","Epoch":12,"ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2024-06-01T10:00:00","Epoch":4102444800,"ENERGY":{"Power":5}}')).toBe(
      NOW,
    );
  });

  it('no Time, a garbled Time, or one more than a day ahead: the receive time', () => {
    expect(tsOf('{"ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"yesterday","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2024-06-01T10:00:00+2","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2024-06-03T12:00:00Z","ENERGY":{"Power":5}}')).toBe(NOW);
    expect(tsOf('{"Time":"2024-06-02T11:00:00Z","ENERGY":{"Power":5}}')).toBe(
      Date.UTC(2024, 5, 2, 11),
    );
  });

  it('STATE relay states follow the same rule', () => {
    const { decode: dec } = driver();
    const at = (payload: string) => ofKind(dec('tele/p/STATE', payload), 'state')[0]?.ts;
    expect(at('{"Time":"2024-06-01T10:00:00","POWER":"ON"}')).toBe(NOW);
    expect(at('{"Time":"2024-06-01T12:00:00+02:00","POWER":"ON"}')).toBe(Date.UTC(2024, 5, 1, 10));
  });

  it('parseTasmotaTime reads the forms Tasmota writes', () => {
    expect(parseTasmotaTime('2021-06-27T15:03:44')).toBe(Date.UTC(2021, 5, 27, 15, 3, 44));
    expect(parseTasmotaTime('2021-06-27T15:03:44.250')).toBe(Date.UTC(2021, 5, 27, 15, 3, 44, 250));
    expect(parseTasmotaTime('2021-06-27T15:03:44Z')).toBe(Date.UTC(2021, 5, 27, 15, 3, 44));
    expect(parseTasmotaTime('2021-06-27T15:03:44-0530')).toBe(Date.UTC(2021, 5, 27, 20, 33, 44));
    expect(parseTasmotaTime('2021-06-27T15:03:44+02')).toBe(Date.UTC(2021, 5, 27, 13, 3, 44));
    expect(parseTasmotaTime('2021-13-27T15:03:44')).toBeNaN();
    expect(parseTasmotaTime('2021-06-27T15:03:4x')).toBeNaN();
    expect(parseTasmotaTime('2021-06-27 15:03')).toBeNaN();
    expect(parseTasmotaTime('2021-06-27T15:03:44+2')).toBeNaN();
  });

  it('parseTasmotaTime with a zone required: NaN for local time', () => {
    expect(parseTasmotaTime('2021-06-27T15:03:44', true)).toBeNaN();
    expect(parseTasmotaTime('2021-06-27T15:03:44.250', true)).toBeNaN();
    expect(parseTasmotaTime('2021-06-27T15:03:44Z', true)).toBe(Date.UTC(2021, 5, 27, 15, 3, 44));
    expect(parseTasmotaTime('2021-06-27T15:03:44.5+01:00', true)).toBe(
      Date.UTC(2021, 5, 27, 14, 3, 44, 500),
    );
  });

  it('agrees with Date.UTC on every day from 1970 to 2100, leap years included', () => {
    let mismatches = 0;
    for (let t = 0; t < Date.UTC(2100, 0, 1); t += 86_400_000 + 3_723_000) {
      const iso = new Date(t).toISOString().slice(0, 19);
      if (parseTasmotaTime(iso) !== t - (t % 1000)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(parseTasmotaTime('2024-02-29T23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });
});

describe('bad fields are rejected one by one', () => {
  const { decode } = driver();

  it('a wrongly typed field is dropped, the others are kept', () => {
    expect(readings(decode('tele/p/SENSOR', '{"ENERGY":{"Power":"12 W","Voltage":230}}'))).toEqual({
      voltage: 230,
    });
  });

  it('a number that is not finite is dropped, the others are kept', () => {
    // 1e999 is valid JSON and parses to Infinity.
    expect(readings(decode('tele/p/SENSOR', '{"ENERGY":{"Power":1e999,"Voltage":230}}'))).toEqual({
      voltage: 230,
    });
  });

  it('bare nan / inf some builds print: the field is dropped, the message kept', () => {
    expect(
      readings(decode('tele/p/SENSOR', '{"ENERGY":{"Factor":nan,"Power":12,"Current":-inf}}')),
    ).toEqual({ power: 12 });
  });

  it('a bad phase drops that phase and the sum, not the others', () => {
    expect(readings(decode('tele/p/SENSOR', '{"ENERGY":{"Power":[10,null,30]}}'))).toEqual({
      power_l1: 10,
      power_l3: 30,
    });
  });

  it('when nothing is left, a DecodeError says which fields and why', () => {
    expect(() => decode('tele/p/SENSOR', '{"ENERGY":{"Power":"x","Voltage":null}}')).toThrow(
      new DecodeError(
        'tele/p/SENSOR: ENERGY.Power: expected a number, got "x"; ENERGY.Voltage: expected a number, got null',
        'tele/p/SENSOR',
      ),
    );
    expect(() => decode('tele/p/SENSOR', '{"ENERGY":"lots"}')).toThrow(
      'tele/p/SENSOR: ENERGY: expected an object, got string',
    );
    expect(() => decode('tele/p/SENSOR', '{"ENERGY":{"Power":1e999}}')).toThrow(
      'ENERGY.Power: not a finite number (Infinity)',
    );
  });

  it('the kept message carries one rejected event listing every dropped field', () => {
    expect(
      decode('tele/x/SENSOR', '{"ENERGY":{"Power":"abc","Voltage":-230,"Current":0.5}}'),
    ).toEqual([
      seen('x'),
      reading('x', 'current', 0.5),
      rejected(
        'x',
        'tele/x/SENSOR: ENERGY.Power: expected a number, got "abc"; ' +
          'ENERGY.Voltage: out of range (0 or more): -230',
      ),
    ]);
  });

  it('a bad phase is named with its index in the rejected event', () => {
    expect(
      ofKind(decode('tele/p/SENSOR', '{"ENERGY":{"Power":[10,null,30]}}'), 'rejected'),
    ).toEqual([rejected('p', 'tele/p/SENSOR: ENERGY.Power[1]: expected a number, got null')]);
  });

  it('a message with nothing wrong has no rejected event', () => {
    expect(ofKind(decode('tele/pow1/SENSOR', POW_R2), 'rejected')).toEqual([]);
    expect(ofKind(decode('tele/meter/SENSOR', THREE_PHASE), 'rejected')).toEqual([]);
  });
});

describe('physically impossible values are rejected field by field', () => {
  const { decode } = driver();
  /** The readings kept and the reasons given for one ENERGY object. */
  const check = (energy: string) => {
    const events = decode('tele/p/SENSOR', `{"ENERGY":${energy}}`);
    return {
      kept: readings(events),
      why: ofKind(events, 'rejected').map((e) => e.reason.replace('tele/p/SENSOR: ', '')),
    };
  };

  it.each([
    ['Voltage', -1, 'ENERGY.Voltage: out of range (0 or more): -1'],
    ['Current', -0.2, 'ENERGY.Current: out of range (0 or more): -0.2'],
    ['Total', -1.5, 'ENERGY.Total: out of range (0 or more): -1.5'],
    ['Today', -0.001, 'ENERGY.Today: out of range (0 or more): -0.001'],
    ['Yesterday', -3, 'ENERGY.Yesterday: out of range (0 or more): -3'],
    ['Factor', 1.01, 'ENERGY.Factor: out of range (-1..1): 1.01'],
    ['Factor', -2, 'ENERGY.Factor: out of range (-1..1): -2'],
    ['Frequency', -50, 'ENERGY.Frequency: out of range (0..1000): -50'],
    ['Frequency', 1000.5, 'ENERGY.Frequency: out of range (0..1000): 1000.5'],
    ['Power', '1e400', 'ENERGY.Power: not a finite number (Infinity)'],
    ['Power', '-1e400', 'ENERGY.Power: not a finite number (-Infinity)'],
    ['Total', '1e400', 'ENERGY.Total: not a finite number (Infinity)'],
  ])('%s %s is dropped, the rest kept', (key, value, why) => {
    expect(check(`{"${key}":${value},"ApparentPower":12}`)).toEqual({
      kept: { apparent_power: 12 },
      why: [why],
    });
  });

  it('the edges of each range are kept', () => {
    expect(
      check(
        '{"Voltage":0,"Current":0,"Total":0,"Today":0,"Yesterday":0,"Factor":-1,"Frequency":0}',
      ),
    ).toEqual({
      kept: {
        voltage: 0,
        current: 0,
        energy_total: 0,
        energy_today: 0,
        energy_yesterday: 0,
        power_factor: -1,
        frequency: 0,
      },
      why: [],
    });
    expect(check('{"Factor":1,"Frequency":1000}')).toEqual({
      kept: { power_factor: 1, frequency: 1000 },
      why: [],
    });
  });

  it('negative power is export on a bidirectional meter: kept', () => {
    expect(check('{"Power":-1200.5,"Period":-100,"ReactivePower":-40}')).toEqual({
      kept: { power: -1200.5, energy_period: -100, reactive_power: -40 },
      why: [],
    });
    expect(check('{"Power":[-300,100,50]}')).toEqual({
      kept: { power_l1: -300, power_l2: 100, power_l3: 50, power: -150 },
      why: [],
    });
  });

  it('per phase: the impossible phase is dropped, with the sum it would spoil', () => {
    expect(check('{"Voltage":[230,-1,231],"Current":[1.5,-2,0.5]}')).toEqual({
      kept: { voltage_l1: 230, voltage_l3: 231, current_l1: 1.5, current_l3: 0.5 },
      why: [
        'ENERGY.Voltage[1]: out of range (0 or more): -1; ' +
          'ENERGY.Current[1]: out of range (0 or more): -2',
      ],
    });
    expect(check('{"Factor":[1.5],"Power":7}')).toEqual({
      kept: { power: 7 },
      why: ['ENERGY.Factor[0]: out of range (-1..1): 1.5'],
    });
  });

  it('when every value is impossible, the message is a DecodeError', () => {
    expect(() => decode('tele/p/SENSOR', '{"ENERGY":{"Voltage":-230,"Factor":7}}')).toThrow(
      new DecodeError(
        'tele/p/SENSOR: ENERGY.Factor: out of range (-1..1): 7; ' +
          'ENERGY.Voltage: out of range (0 or more): -230',
        'tele/p/SENSOR',
      ),
    );
  });
});

/** How the dashboard writes values and reads its addresses. */
import { describe, expect, it } from 'vitest';
import { ago, energy, joined, measured, meterKw, power, remaining } from '../../web/src/format.js';
import { deviceHref, parseRoute } from '../../web/src/router.js';

describe('dashboard values', () => {
  it('writes power in W below a kilowatt and in kW above, never as -0', () => {
    expect(joined(power(8.46))).toBe('8.5 W');
    expect(joined(power(431.4))).toBe('431 W');
    expect(joined(power(1450))).toBe('1.45 kW');
    expect(joined(power(-2300))).toBe('-2.30 kW');
    expect(joined(power(-0.01))).toBe('0.0 W');
    expect(joined(power(null))).toBe('—');
  });

  it('writes a meter’s power to the watt, as the meter reports it', () => {
    expect(joined(meterKw(207))).toBe('0.207 kW');
    expect(joined(meterKw(0))).toBe('0.000 kW');
  });

  it('writes energy, voltage, current and gas each with its own precision', () => {
    expect(joined(energy(950))).toBe('950 Wh');
    expect(joined(energy(12_345))).toBe('12.35 kWh');
    expect(joined(measured(230.04, 'V'))).toBe('230.0 V');
    expect(joined(measured(0.456, 'A'))).toBe('0.46 A');
    expect(joined(measured(1785.9791, 'm3'))).toBe('1785.979 m³');
  });

  it('says how long ago in words that keep their width', () => {
    const now = 1_000_000_000;
    expect(ago(now - 500, now)).toBe('just now');
    expect(ago(now - 12_400, now)).toBe('12 s ago');
    expect(ago(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(ago(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(ago(now - 4 * 86_400_000, now)).toBe('4 d ago');
    expect(ago(Number.NaN, now)).toBe('never');
  });

  it('counts a countdown down as m:ss, and h:mm:ss from an hour', () => {
    expect(remaining(599_001)).toBe('10:00');
    expect(remaining(59_000)).toBe('0:59');
    expect(remaining(3_725_000)).toBe('1:02:05');
    expect(remaining(-5)).toBe('0:00');
  });
});

describe('dashboard addresses', () => {
  it('reads the page from the hash, ids with dots and colons included', () => {
    expect(parseRoute('')).toEqual({ page: 'fleet' });
    expect(parseRoute('#/')).toEqual({ page: 'fleet' });
    expect(parseRoute(deviceHref('sp_w.r1.c2'))).toEqual({ page: 'device', id: 'sp_w.r1.c2' });
    expect(parseRoute(deviceHref('moko:AA:BB'))).toEqual({ page: 'device', id: 'moko:AA:BB' });
    expect(parseRoute('#/meter/1SAG1272636373')).toEqual({ page: 'meter', id: '1SAG1272636373' });
    expect(parseRoute('#/device/%E0%A4%A')).toMatchObject({ page: 'unknown' });
    expect(parseRoute('#/settings')).toMatchObject({ page: 'unknown' });
  });
});

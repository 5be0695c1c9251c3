import { describe, expect, it } from 'vitest';
import {
  DSMR_METRIC_UNITS,
  parseTelegram,
  telegramReadings,
  type DsmrReading,
} from '../../src/dsmr/index.js';
import { fixture, telegramFixtures } from './fixtures.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function readings(name: string): DsmrReading[] {
  const r = parseTelegram(fixture(name), { verifyCrc: false });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return telegramReadings(r.telegram, NOW);
}

/** Readings by metric; an M-Bus sub-meter's under `<metric>@<channel>`. */
function byMetric(rs: DsmrReading[]): Record<string, number> {
  return Object.fromEntries(
    rs.map((r) => [r.channel === undefined ? r.metric : `${r.metric}@${r.channel}`, r.value]),
  );
}

describe('telegramReadings', () => {
  it('gives a three-phase meter in Wh, W, V and A at the telegram time', () => {
    const rs = readings('dsmr-reader-5b-fluvius-multiple-gas.txt');
    const ts = Date.parse('2023-01-19T12:46:38+01:00');
    expect(rs.filter((r) => !r.metric.startsWith('gas')).every((r) => r.ts === ts)).toBe(true);
    expect(byMetric(rs)).toEqual({
      energy_import_t1: 4423770,
      energy_import_t2: 2607237,
      energy_export_t1: 1194693,
      energy_export_t2: 755554,
      capacity_demand: 0,
      capacity_peak: 11173,
      power_import: 0,
      power_export: 204,
      power_import_l1: 0,
      power_import_l2: 177,
      power_import_l3: 109,
      power_export_l1: 491,
      power_export_l2: 0,
      power_export_l3: 0,
      voltage_l1: 234.3,
      voltage_l2: 234.2,
      voltage_l3: 234.3,
      current_l1: 2.18,
      current_l2: 0.93,
      current_l3: 0.6,
      // two gas meters, each on its own channel
      'gas_total@1': 734.607,
      'gas_total@2': 0,
    });
  });

  it('stamps M-Bus values with their own capture time', () => {
    const gas = readings('dsmr-reader-5b-fluvius-multiple-gas.txt').find(
      (r) => r.metric === 'gas_total',
    );
    expect(gas?.ts).toBe(Date.parse('2023-01-19T12:46:16+01:00'));
  });

  it('uses now when the telegram has no time (DSMR 2.2), and the gas capture time for gas', () => {
    const rs = readings('dsmr_parser-v2.2-iskra-mt382.txt');
    expect(rs.find((r) => r.metric === 'power_import')).toEqual({
      metric: 'power_import',
      value: 1010,
      ts: NOW,
    });
    expect(rs.find((r) => r.metric === 'gas_total')).toEqual({
      metric: 'gas_total',
      value: 1.001,
      ts: Date.parse('2016-11-07T19:00:00+01:00'),
      channel: 1,
    });
  });

  it('converts W/Wh meters without float noise', () => {
    expect(byMetric(readings('dsmr_parser-austria-sagemcom-t210-d-r.txt'))).toMatchObject({
      energy_import: 6545766,
      energy_import_t1: 5017120,
      power_import: 286,
    });
    expect(byMetric(readings('dsmr_parser-q3d-easymeter-esy5q3db1024.txt'))).toMatchObject({
      energy_import: 52185782.5309,
      power_import: 2124.86,
      power_import_l1: 747.85,
    });
    expect(byMetric(readings('openhab-dsmr40-spec.txt')).power_import).toBe(1193);
  });

  it('reports the Belgian capacity tariff in W and the water meter in m3', () => {
    expect(byMetric(readings('dsmr_parser-5b-fluvius-v171.txt'))).toMatchObject({
      capacity_demand: 2351,
      capacity_peak: 2589,
      'gas_total@1': 112.384,
      'water_total@2': 872.234,
    });
  });

  it('reports heat in GJ', () => {
    expect(readings('dsmr_parser-v5-nwa-warmtelink-unpadded-crc.txt')).toContainEqual({
      metric: 'heat_total',
      value: 240.86,
      ts: Date.parse('2026-02-15T20:05:23+01:00'),
      channel: 1,
    });
  });

  it('gives no reading for placeholder M-Bus channels', () => {
    const twoMbus = readings('dsmr_parser-v5-iskra-am550-two-mbus.txt').filter((r) =>
      r.metric.startsWith('gas'),
    );
    expect(twoMbus).toEqual([
      {
        metric: 'gas_total',
        value: 246.138,
        ts: Date.parse('2020-04-26T22:30:01+02:00'),
        channel: 2,
      },
    ]);
    expect(
      readings('openhab-5b-fluvius-invalid-gas.txt').some((r) => r.metric.startsWith('gas')),
    ).toBe(false);
  });

  it('only emits metrics with a documented unit, with finite values', () => {
    for (const name of telegramFixtures()) {
      const r = parseTelegram(fixture(name), { verifyCrc: false });
      if (!r.ok) continue;
      for (const reading of telegramReadings(r.telegram, NOW)) {
        expect(DSMR_METRIC_UNITS[reading.metric], `${name} ${reading.metric}`).toBeDefined();
        expect(Number.isFinite(reading.value)).toBe(true);
        expect(Number.isFinite(reading.ts)).toBe(true);
      }
    }
  });
});

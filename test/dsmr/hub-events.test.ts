import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../src/core/events.js';
import { unitOf } from '../../src/core/metrics.js';
import { DsmrHubEvents, DSMR_METRIC_UNITS, parseTelegram } from '../../src/dsmr/index.js';
import { fixture } from './fixtures.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function telegram(name: string) {
  const r = parseTelegram(fixture(name), { verifyCrc: false });
  if (!r.ok) throw new Error(r.message);
  return r.telegram;
}

const of = (events: DeviceEvent[], kind: DeviceEvent['kind']) =>
  events.filter((e) => e.kind === kind);

describe('DSMR telegrams as hub events', () => {
  it('makes the meter and each M-Bus meter a device of its own, named by its equipment id', () => {
    const events = new DsmrHubEvents().events(telegram('dsmr_parser-v5-iskra-mt382.txt'), NOW);
    // 4B38... and 3232... are the hex the meter sends; channel 2 is an empty slot, no device.
    expect(of(events, 'seen').map((e) => 'nativeId' in e && e.nativeId)).toEqual([
      'K8EG004046395507',
      '2222ABCD123456789',
    ]);
    expect(of(events, 'info')).toEqual([
      {
        kind: 'info',
        protocol: 'dsmr',
        nativeId: 'K8EG004046395507',
        info: { model: 'ISk5\\2MT382-1000', manufacturer: 'Iskra', dsmrVersion: '5.0' },
        ts: NOW,
      },
      {
        kind: 'info',
        protocol: 'dsmr',
        nativeId: '2222ABCD123456789',
        info: {
          model: 'gas meter',
          module: 'M-Bus device type 003',
          name: 'gas meter on K8EG004046395507 channel 1',
        },
        ts: NOW,
      },
    ]);
    const readings = of(events, 'reading') as Extract<DeviceEvent, { kind: 'reading' }>[];
    expect(readings.find((r) => r.metric === 'gas_total')).toMatchObject({
      nativeId: '2222ABCD123456789',
      value: 0.107,
      ts: Date.parse('2017-01-02T16:10:05+01:00'),
    });
    expect(readings.find((r) => r.metric === 'energy_import_t1')).toMatchObject({
      nativeId: 'K8EG004046395507',
      value: 4426,
    });
  });

  it('sends info only when it changes, and a repeated M-Bus value once', () => {
    const hub = new DsmrHubEvents();
    const t = telegram('dsmr_parser-v5-iskra-mt382.txt');
    hub.events(t, NOW);
    const again = hub.events(t, NOW + 1000);
    expect(of(again, 'info')).toEqual([]);
    expect(of(again, 'seen')).toHaveLength(2);
    const metrics = of(again, 'reading').map((e) => 'metric' in e && e.metric);
    expect(metrics).toContain('energy_import_t1');
    expect(metrics).not.toContain('gas_total');
  });

  it('finds the id where each family keeps it: Luxembourg 42.0.0, Q3D 96.1.255; a gas meter without id by channel', () => {
    expect(DsmrHubEvents.meterId(telegram('dsmr-reader-5l-luxembourg-smarty.txt'))).toBe(
      '12345678901234567890123456789012',
    );
    expect(DsmrHubEvents.meterId(telegram('dsmr_parser-q3d-easymeter-esy5q3da1004.txt'))).toBe(
      '1ESY1336001560',
    );
    const v3 = new DsmrHubEvents().events(telegram('dsmr_parser-v3-iskra-mt382.txt'), NOW);
    expect(of(v3, 'reading').some((e) => 'metric' in e && e.metric === 'gas_total')).toBe(true);
  });

  it('uses metric names whose unit the hub knows', () => {
    for (const metric of Object.keys(DSMR_METRIC_UNITS))
      expect(unitOf(metric), metric).not.toBe('');
    expect(DSMR_METRIC_UNITS).toMatchObject({
      energy_import_t1: 'Wh',
      power_import_l2: 'W',
      voltage_l3: 'V',
      gas_total: 'm3',
      heat_total: 'GJ',
    });
  });
});

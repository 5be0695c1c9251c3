import { describe, expect, it } from 'vitest';
import {
  parseTelegram,
  toSmartmeter2mqtt,
  type Smartmeter2mqttMessage,
} from '../../src/dsmr/index.js';
import { expectedFor, fixture } from './fixtures.js';

function s2m(name: string): Smartmeter2mqttMessage {
  const r = parseTelegram(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return toSmartmeter2mqtt(r.telegram);
}

describe('smartmeter2mqtt JSON', () => {
  it("matches what smartmeter2mqtt emits for its own sample, timestamps with the meter's offset added", () => {
    const seed = expectedFor('smartmeter2mqtt-kaifa-dsmr42.txt').smartmeter2mqtt_dsmr_message!;
    const mine = s2m('smartmeter2mqtt-kaifa-dsmr42.txt');
    // smartmeter2mqtt drops the S/W flag (defect 12); we keep the offset.
    expect(mine.powerTs).toBe(`${String(seed.powerTs)}+02:00`);
    expect(mine.gas).toEqual({
      ts: `${(seed.gas as { ts: string }).ts}+02:00`,
      totalUse: 1543.012,
    });
    const { powerTs: _p, gas: _g, ...seedRest } = seed;
    const { powerTs: _mp, gas: _mg, ...mineRest } = mine;
    // Everything the seed has, with the same values...
    expect(mineRest).toMatchObject(seedRest);
    // ...plus the objects it never parsed.
    expect(
      Object.keys(mineRest)
        .filter((k) => !(k in seed))
        .sort(),
    ).toEqual(['mbus', 'powerFailureLog', 'textMessage', 'textMessageCode'].sort());
    expect(mine.powerFailureLog).toEqual([
      { end: '2000-01-01T00:00:01+01:00', duration: 2147483647 },
    ]);
  });

  it('gives numbers for Fluvius values without "*" (smartmeter2mqtt gives null)', () => {
    expect(s2m('openhab-5b-fluvius.txt')).toMatchObject({
      totalT1Use: 123.456,
      currentUsage: 1.234,
      voltageL1: 234.5,
      currentL1: 5,
      calculatedUsage: 1234,
    });
  });

  it('gives kWh/kW for Austrian Wh/W meters (smartmeter2mqtt is 1000x off)', () => {
    expect(s2m('dsmr_parser-austria-sagemcom-t210-d-r.txt')).toMatchObject({
      totalT1Use: 5017.12,
      totalImportedEnergyP: 6545.766,
      currentUsage: 0.286,
      calculatedUsage: 286,
      totalExportedEnergyQT1: 2692.848,
    });
  });

  it('includes the Belgian capacity tariff, gas on 24.2.3 and the water meter', () => {
    expect(s2m('dsmr_parser-5b-fluvius-v171.txt')).toMatchObject({
      emucsVersion: '50217',
      currentAverageDemand: 2.351,
      maximumDemand: { ts: '2020-05-09T13:45:58+02:00', value: 2.589 },
      maximumDemandHistory: [
        { month: '2020-05-01T00:00:00+02:00', ts: '2020-04-23T19:25:38+02:00', value: 3.695 },
        { month: '2020-04-01T00:00:00+02:00', ts: '2020-03-05T12:21:39+02:00', value: 5.98 },
        { month: '2020-03-01T00:00:00+02:00', ts: '2020-02-10T03:54:21+01:00', value: 4.318 },
      ],
      fuseThresholdL1: 999,
      breakerControlState: 1,
      deviceType: '003',
      gasSn: '37464C4F32313139303333373333',
      gas: { ts: '2020-05-12T13:45:58+02:00', totalUse: 112.384 },
      waterSn: '3853414731323334353637383930',
      water: { ts: '2020-05-12T13:45:58+02:00', totalUse: 872.234 },
    });
  });

  it('finds the gas meter by device type, not by channel, skipping an empty placeholder channel', () => {
    const m = s2m('dsmr_parser-v5-iskra-am550-two-mbus.txt');
    expect(m.gas).toEqual({ ts: '2020-04-26T22:30:01+02:00', totalUse: 246.138 });
    expect(m.mbus?.map((d) => [d.channel, d.medium, d.totalUse, d.unit])).toEqual([
      [1, 'gas', 0, null],
      [2, 'gas', 246.138, 'm3'],
    ]);
  });

  it('emits DSMR 2.2 telegrams (smartmeter2mqtt drops them all) with gas from the two-line form', () => {
    expect(s2m('dsmr_parser-v2.2-iskra-mt382.txt')).toMatchObject({
      crc: false,
      currentUsage: 1.01,
      gas: { ts: '2016-11-07T19:00:00+01:00', totalUse: 1.001 },
    });
  });

  it('accepts a CRC below 0x1000 (smartmeter2mqtt rejects it)', () => {
    expect(s2m('dsmr-reader-dsmr42-kaifa.txt').crc).toBe(true);
  });

  it('decodes text messages and reports the heat meter', () => {
    expect(s2m('dsmr_parser-v3-iskra-mt382.txt')).toMatchObject({
      textMessageCode: '012345678',
      textMessage: '0123456789:;<=>?'.repeat(5),
      limiterThreshold: 16,
      limiterThresholdUnit: 'A',
    });
    expect(s2m('dsmr_parser-v5-nwa-warmtelink-unpadded-crc.txt')).toMatchObject({
      heat: { ts: '2026-02-15T20:05:23+01:00', totalUse: 240.86 },
      heatSn: '621848012D2C0B0C',
    });
  });

  it('keeps codes it has no name for under otherObjects', () => {
    const m = s2m('openhab-ace4000-gprs.txt');
    expect(m.otherObjects?.['7-0:23.1.0']).toHaveLength(24);
    expect(m.otherObjects?.['7-0:24.4.0']).toEqual([['0']]);
    expect(m.totalImportedEnergyP).toBe(12345.074);
  });
});

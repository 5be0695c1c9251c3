import { describe, expect, it } from 'vitest';
import {
  crc16,
  formatCrc,
  mbusChannels,
  parseTelegram,
  telegramReadings,
  toSmartmeter2mqtt,
  type DsmrTelegram,
} from '../../src/dsmr/index.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

/** A DSMR 5 telegram with the given M-Bus lines, with a correct CRC. */
function telegram(mbusLines: string[]): DsmrTelegram {
  const body = [
    '/ISK5\\2M550T-1012',
    '',
    '1-3:0.2.8(50)',
    '0-0:1.0.0(240101120000W)',
    '0-0:96.1.1(4530303434303037333832323436303139)',
    '1-0:1.8.1(002130.115*kWh)',
    '1-0:1.7.0(00.111*kW)',
    ...mbusLines,
    '!',
  ].join('\r\n');
  const bytes = Buffer.from(`${body}${formatCrc(crc16(Buffer.from(body)))}\r\n`);
  const r = parseTelegram(bytes);
  if (!r.ok) throw new Error(r.message);
  return r.telegram;
}

function device(channel: number, type: string, id: string, value: string): string[] {
  return [
    `0-${channel}:24.1.0(${type})`,
    `0-${channel}:96.1.0(${id})`,
    `0-${channel}:24.2.1(240101115500W)(${value})`,
  ];
}

const GAS_ID = '4730303339303031393336393930363139';
const WATER_ID = '5730303339303031393336393930363139';
const CAPTURE = Date.parse('2024-01-01T11:55:00+01:00');

describe('M-Bus sub-meters', () => {
  it('classifies by device type: gas 3, heat 4, hot water 6, water 7, cold water 22', () => {
    const t = telegram([
      ...device(1, '003', GAS_ID, '00100.000*m3'),
      ...device(2, '004', '11', '00012.340*GJ'),
      ...device(3, '006', '22', '00003.500*m3'),
      ...device(4, '007', WATER_ID, '00050.000*m3'),
    ]);
    expect(mbusChannels(t).map((c) => [c.channel, c.medium])).toEqual([
      [1, 'gas'],
      [2, 'heat'],
      [3, 'hot-water'],
      [4, 'water'],
    ]);
    expect(telegramReadings(t, NOW).filter((r) => r.channel !== undefined)).toEqual([
      { metric: 'gas_total', value: 100, ts: CAPTURE, channel: 1 },
      { metric: 'heat_total', value: 12.34, ts: CAPTURE, channel: 2 },
      { metric: 'hot_water_total', value: 3.5, ts: CAPTURE, channel: 3 },
      { metric: 'water_total', value: 50, ts: CAPTURE, channel: 4 },
    ]);
    const json = toSmartmeter2mqtt(t);
    expect(json.hotWater).toEqual({ ts: '2024-01-01T11:55:00+01:00', totalUse: 3.5 });
    expect(json.water).toEqual({ ts: '2024-01-01T11:55:00+01:00', totalUse: 50 });
    expect(json.waterSn).toBe(WATER_ID);
    expect(mbusChannels(telegram(device(1, '022', '33', '00001.000*m3')))[0]?.medium).toBe('water');
  });

  it('does not call an unlisted device type with an m3 value gas', () => {
    // 005 is steam, 009 compressed air: m3 meters that are not gas.
    const t = telegram([
      ...device(1, '005', '44', '00010.000*m3'),
      ...device(2, '009', '55', '00020.000*m3'),
    ]);
    expect(mbusChannels(t).map((c) => c.medium)).toEqual(['unknown', 'unknown']);
    expect(telegramReadings(t, NOW).some((r) => r.channel !== undefined)).toBe(false);
    const json = toSmartmeter2mqtt(t);
    expect(json.gas).toBeUndefined();
    expect(json.mbus?.map((m) => [m.channel, m.medium, m.totalUse])).toEqual([
      [1, 'unknown', 10],
      [2, 'unknown', 20],
    ]);
  });

  it('names a meter by its own channel: gas on channel 2 alone stays channel 2', () => {
    const t = telegram(device(2, '003', GAS_ID, '00246.138*m3'));
    expect(telegramReadings(t, NOW).filter((r) => r.channel !== undefined)).toEqual([
      { metric: 'gas_total', value: 246.138, ts: CAPTURE, channel: 2 },
    ]);
    const json = toSmartmeter2mqtt(t);
    expect(json.gas).toEqual({ ts: '2024-01-01T11:55:00+01:00', totalUse: 246.138 });
    expect(json.gasSn).toBe(GAS_ID);
    expect(json.mbus?.map((m) => m.channel)).toEqual([2]);
  });

  it('keeps `gas` on the same meter when its reading is a placeholder for a moment', () => {
    const t = telegram([
      '0-1:24.1.0(003)',
      `0-1:96.1.0(${GAS_ID})`,
      '0-1:24.2.1(632525252525W)(00000.000)',
      ...device(2, '003', '66', '00001.000*m3'),
    ]);
    const json = toSmartmeter2mqtt(t);
    expect(json.gasSn).toBe(GAS_ID);
    expect(json.gas).toEqual({ ts: null, totalUse: 0 });
    expect(telegramReadings(t, NOW).filter((r) => r.channel !== undefined)).toEqual([
      { metric: 'gas_total', value: 1, ts: CAPTURE, channel: 2 },
    ]);
  });
});

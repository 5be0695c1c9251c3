import { describe, expect, it } from 'vitest';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import type { DsmrVersion } from '../../../src/sim/dsmr/types.js';
import { DAY, HOUR, decodeOne, local, num, objectOf, reading, text } from './helpers.js';

const T0 = local(2024, 7, 9, 11, 0); // a Tuesday in July, solar export likely

const ids = (list: string): string[] => list.split(/\s+/).filter((id) => id !== '');
const TARIFF_REGISTERS = ids('1-0:1.8.1 1-0:1.8.2 1-0:2.8.1 1-0:2.8.2 0-0:96.14.0');
/** What DSMR 4.2 and 5 telegrams open with. */
const DSMR4_HEAD = [
  ...ids('1-3:0.2.8 0-0:1.0.0 0-0:96.1.1'),
  ...TARIFF_REGISTERS,
  ...ids('1-0:1.7.0 1-0:2.7.0 0-0:96.7.21 0-0:96.7.9 1-0:99.97.0 1-0:32.32.0 1-0:72.36.0'),
];
const PHASE_POWERS = ids('1-0:21.7.0 1-0:41.7.0 1-0:61.7.0 1-0:22.7.0 1-0:42.7.0 1-0:62.7.0');
const VOLTAGES = ids('1-0:32.7.0 1-0:52.7.0 1-0:72.7.0');
const CURRENTS = ids('1-0:31.7.0 1-0:51.7.0 1-0:71.7.0');
const DUTCH_GAS = ids('0-1:24.1.0 0-1:96.1.0 0-1:24.2.1');

/** Objects each generation's telegram must carry (3 phases, gas). */
const EXPECTED: Record<DsmrVersion, string[]> = {
  '5': [...DSMR4_HEAD, '0-0:96.13.0', ...VOLTAGES, ...CURRENTS, ...PHASE_POWERS, ...DUTCH_GAS],
  '4.2': [...DSMR4_HEAD, '0-0:96.13.1', '0-0:96.13.0', ...CURRENTS, ...PHASE_POWERS, ...DUTCH_GAS],
  '2.2': [
    '0-0:96.1.1',
    ...TARIFF_REGISTERS,
    ...ids('1-0:1.7.0 1-0:2.7.0 0-0:17.0.0 0-0:96.3.10 0-0:96.13.1 0-0:96.13.0'),
    ...ids('0-1:24.1.0 0-1:96.1.0 0-1:24.3.0 0-1:24.4.0'),
  ],
  '5B': [
    ...ids('0-0:96.1.4 0-0:96.1.1 0-0:1.0.0'),
    ...TARIFF_REGISTERS,
    ...ids('1-0:1.4.0 1-0:1.6.0 0-0:98.1.0 1-0:1.7.0 1-0:2.7.0'),
    ...PHASE_POWERS,
    ...VOLTAGES,
    ...CURRENTS,
    ...ids('0-0:96.3.10 0-0:17.0.0 1-0:31.4.0 0-0:96.13.0'),
    ...ids('0-1:24.1.0 0-1:96.1.1 0-1:24.4.0 0-1:24.2.3'),
  ],
  '5L': [
    ...ids('1-3:0.2.8 0-0:1.0.0 0-0:42.0.0 1-0:1.8.0 1-0:2.8.0 1-0:3.8.0 1-0:4.8.0'),
    ...ids('1-0:1.7.0 1-0:2.7.0 1-0:3.7.0 1-0:4.7.0 0-0:17.0.0 0-0:96.3.10 0-0:96.7.21'),
    ...ids('1-0:32.32.0 0-0:96.13.0 0-0:96.13.2 0-0:96.13.5'),
    ...CURRENTS,
    ...DUTCH_GAS,
  ],
};

/** Objects a generation must not carry. */
const ABSENT: Record<DsmrVersion, string[]> = {
  '5': ['1-0:1.4.0', '0-1:24.2.3', '1-0:1.8.0'],
  '4.2': ['1-0:32.7.0', '1-0:1.4.0'],
  '2.2': ['1-3:0.2.8', '0-0:1.0.0', '1-0:21.7.0', '0-1:24.2.1'],
  '5B': ['1-3:0.2.8', '0-1:24.2.1', '1-0:1.8.0'],
  '5L': ['1-0:1.8.1', '0-0:96.14.0', '1-0:21.7.0'],
};

const HEADERS: Record<DsmrVersion, RegExp> = {
  '5': /^ISK5\\2M550T-1012$/,
  '4.2': /^KFM5KAIFA-METER$/,
  '2.2': /^ISk5\\2MT382-1004$/,
  '5B': /^FLU5\\2\d{8}_A$/,
  '5L': /^Lux5\\2\d{8}_D$/,
};

describe('every generation parses with the project decoder', () => {
  for (const version of ['5', '4.2', '2.2', '5B', '5L'] as const) {
    it(`DSMR ${version}: CRC, header, objects`, () => {
      const model = new MeterModel({ version, seed: 11, startMs: T0 });
      for (const at of [T0, T0 + 37_000, T0 + 5 * HOUR, T0 + DAY + 1234]) {
        const bytes = model.telegramAt(at);
        expect(bytes.subarray(-2).toString()).toBe('\r\n');
        // CRLF everywhere: no bare LF.
        expect(bytes.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        const t = decodeOne(bytes);
        expect(t.crcChecked).toBe(version !== '2.2');
        if (version === '2.2') expect(bytes.toString('latin1').endsWith('\r\n!\r\n')).toBe(true);
        expect(t.header).toMatch(HEADERS[version]);
        expect(t.malformedLines).toEqual([]);
        expect(t.objects.filter((o) => o.kind === 'unknown')).toEqual([]);
        const ids = t.objects.map((o) => o.obis);
        for (const obis of EXPECTED[version]) expect(ids, obis).toContain(obis);
        for (const obis of ABSENT[version]) expect(ids, obis).not.toContain(obis);
        if (version !== '2.2') expect(t.timestamp).toBe(Math.floor(at / 1000) * 1000);
      }
    });
  }

  it('reports the P1 version each generation sends', () => {
    const v = (version: DsmrVersion): string | null =>
      text(decodeOne(new MeterModel({ version, startMs: T0 }).telegramAt(T0)), '1-3:0.2.8');
    expect(v('5')).toBe('50');
    expect(v('4.2')).toBe('42');
    expect(v('5L')).toBe('42');
    const be = decodeOne(new MeterModel({ version: '5B', startMs: T0 }).telegramAt(T0));
    expect(text(be, '0-0:96.1.4')).toBe('50217');
  });

  it('writes values in the widths real meters use', () => {
    const s = new MeterModel({ version: '5', seed: 3, startMs: T0 })
      .telegramAt(T0)
      .toString('latin1');
    expect(s).toMatch(/\r\n1-0:1\.8\.1\(\d{6}\.\d{3}\*kWh\)\r\n/);
    expect(s).toMatch(/\r\n1-0:1\.7\.0\(\d{2}\.\d{3}\*kW\)\r\n/);
    expect(s).toMatch(/\r\n1-0:32\.7\.0\(\d{3}\.\d\*V\)\r\n/);
    expect(s).toMatch(/\r\n1-0:31\.7\.0\(\d{3}\*A\)\r\n/);
    expect(s).toMatch(/\r\n0-1:24\.2\.1\(\d{12}S\)\(\d{5}\.\d{3}\*m3\)\r\n/);
    expect(s.startsWith('/ISK5\\2M550T-1012\r\n\r\n1-3:0.2.8(50)\r\n')).toBe(true);
    const old = new MeterModel({ version: '2.2', seed: 3, startMs: T0 })
      .telegramAt(T0)
      .toString('latin1');
    expect(old).toMatch(/\r\n1-0:1\.7\.0\(\d{4}\.\d{2}\*kW\)\r\n/);
    expect(old).toMatch(
      /\r\n0-1:24\.3\.0\(\d{12}\)\(00\)\(60\)\(1\)\(0-1:24\.2\.1\)\(m3\)\r\n\(\d{5}\.\d{3}\)\r\n/,
    );
  });

  it('shows one phase on a single-phase connection and no gas without a gas meter', () => {
    const t = decodeOne(
      new MeterModel({ version: '5', phases: 1, gas: false, startMs: T0 }).telegramAt(T0),
    );
    const ids = t.objects.map((o) => o.obis);
    expect(ids).toContain('1-0:32.7.0');
    expect(ids).not.toContain('1-0:52.7.0');
    expect(ids).not.toContain('1-0:41.7.0');
    expect(ids.some((id) => id.startsWith('0-1:'))).toBe(false);
  });

  it('keeps currents = power / voltage and voltages near 230 V', () => {
    const model = new MeterModel({ version: '5B', seed: 5, startMs: T0 });
    for (let at = T0; at < T0 + DAY; at += 17 * 60_000) {
      const t = decodeOne(model.telegramAt(at));
      for (const [p, v, i, e] of [
        ['21', '32', '31', '22'],
        ['41', '52', '51', '42'],
        ['61', '72', '71', '62'],
      ] as const) {
        const volts = num(t, `1-0:${v}.7.0`);
        expect(volts).toBeGreaterThan(220);
        expect(volts).toBeLessThan(240);
        const kw = num(t, `1-0:${p}.7.0`) + num(t, `1-0:${e}.7.0`);
        expect(num(t, `1-0:${i}.7.0`)).toBeCloseTo((kw * 1000) / volts, 1);
      }
      // Net over the phases: import and export are never both shown.
      expect(Math.min(num(t, '1-0:1.7.0'), num(t, '1-0:2.7.0'))).toBe(0);
    }
  });

  it('gives the same bytes for the same seed and time, also after going back in time', () => {
    const a = new MeterModel({ version: '5', seed: 9, startMs: T0 });
    const b = new MeterModel({ version: '5', seed: 9, startMs: T0 });
    const later = a.telegramAt(T0 + 3 * HOUR);
    const earlier = a.telegramAt(T0 + HOUR);
    expect(b.telegramAt(T0 + HOUR).equals(earlier)).toBe(true);
    expect(b.telegramAt(T0 + 3 * HOUR).equals(later)).toBe(true);
    const other = new MeterModel({ version: '5', seed: 10, startMs: T0 }).telegramAt(T0 + HOUR);
    expect(other.equals(earlier)).toBe(false);
    expect(() => a.telegramAt(T0 - 1)).toThrow(RangeError);
  });

  it('flags summer time S in July and winter time W in January, switching on the EU dates', () => {
    const stamp = (ms: number): string => {
      const o = objectOf(
        decodeOne(new MeterModel({ version: '5', startMs: ms }).telegramAt(ms)),
        '0-0:1.0.0',
      );
      if (o.kind !== 'timestamp') throw new Error('not a timestamp');
      expect(o.timestamp).toBe(Math.floor(ms / 1000) * 1000);
      return o.timestampRaw;
    };
    expect(stamp(Date.UTC(2024, 6, 15, 10, 0, 0))).toBe('240715120000S');
    expect(stamp(Date.UTC(2024, 0, 15, 10, 0, 0))).toBe('240115110000W');
    // 31 March 2024 01:00 UTC: 02:00 CET becomes 03:00 CEST.
    expect(stamp(Date.UTC(2024, 2, 31, 0, 59, 59))).toBe('240331015959W');
    expect(stamp(Date.UTC(2024, 2, 31, 1, 0, 0))).toBe('240331030000S');
    // 27 October 2024 01:00 UTC: 03:00 CEST becomes 02:00 CET.
    expect(stamp(Date.UTC(2024, 9, 27, 0, 59, 59))).toBe('241027025959S');
    expect(stamp(Date.UTC(2024, 9, 27, 1, 0, 0))).toBe('241027020000W');
    const gas = reading(
      decodeOne(
        new MeterModel({ version: '5', startMs: Date.UTC(2024, 0, 15, 10, 2) }).telegramAt(
          Date.UTC(2024, 0, 15, 10, 2),
        ),
      ),
      '0-1:24.2.1',
    );
    expect(gas.raw).toBe('240115110000W');
  });
});

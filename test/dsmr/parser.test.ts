import { describe, expect, it } from 'vitest';
import { crc16, parseTelegram, type DsmrObject, type DsmrTelegram } from '../../src/dsmr/index.js';
import { fixture } from './fixtures.js';

function parse(name: string): DsmrTelegram {
  const r = parseTelegram(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.telegram;
}

function obj(t: DsmrTelegram, obis: string): DsmrObject | undefined {
  return t.objects.find((o) => o.obis === obis);
}

/** A telegram with a correct CRC around the given object lines. */
function telegram(lines: string[]): Buffer {
  const body = Buffer.from(`/TST5 test\r\n\r\n${lines.map((l) => `${l}\r\n`).join('')}!`, 'latin1');
  return Buffer.concat([body, Buffer.from(`${crc16(body).toString(16).toUpperCase()}\r\n`)]);
}

describe('CRC', () => {
  it('is CRC-16/ARC (check value of "123456789" is BB3D)', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0xbb3d);
  });

  it('compares numerically: an unpadded CRC (!B9F) and one with a leading zero (!0422) both verify', () => {
    expect(parse('dsmr_parser-v5-nwa-warmtelink-unpadded-crc.txt')).toMatchObject({
      crc: 0xb9f,
      crcChecked: true,
    });
    expect(parse('dsmr-reader-dsmr42-kaifa.txt')).toMatchObject({ crc: 0x422, crcChecked: true });
  });

  it('is computed over the exact bytes: one changed byte in a value is rejected', () => {
    const bytes = Buffer.from(fixture('smartmeter2mqtt-kaifa-dsmr42.txt'));
    bytes[bytes.indexOf('002000.123')] = 0x31;
    expect(parseTelegram(bytes)).toMatchObject({ ok: false, reason: 'crc-mismatch' });
  });

  it('accepts telegrams without CRC (DSMR 2.2/3) as unchecked', () => {
    expect(parse('dsmr_parser-v2.2-iskra-mt382.txt')).toMatchObject({
      crc: null,
      crcChecked: false,
    });
  });

  it('says what is wrong with input that is not a telegram', () => {
    expect(parseTelegram('1-0:1.8.1(000001.000*kWh)\r\n!\r\n')).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    expect(parseTelegram('/ABC5 header\r\n1-0:1.8.1(0')).toMatchObject({
      ok: false,
      reason: 'malformed',
      message: expect.stringContaining("no '!'"),
    });
  });
});

describe('values', () => {
  it('reads Fluvius values sent without "*" as numbers with their unit', () => {
    const t = parse('openhab-5b-fluvius.txt');
    expect(obj(t, '1-0:1.8.1')).toMatchObject({ value: 123.456, unit: 'kWh' });
    expect(obj(t, '1-0:1.7.0')).toMatchObject({ value: 1.234, unit: 'kW' });
    expect(obj(t, '1-0:32.7.0')).toMatchObject({ value: 234.5, unit: 'V' });
    expect(obj(t, '1-0:31.7.0')).toMatchObject({ value: 5, unit: 'A' });
  });

  it('scales Austrian Wh/W/varh/var to kWh/kW/kvarh/kvar exactly', () => {
    const t = parse('dsmr_parser-austria-sagemcom-t210-d-r.txt');
    expect(obj(t, '1-0:1.8.0')).toMatchObject({ value: 6545.766, unit: 'kWh' });
    expect(obj(t, '1-0:1.8.1')).toMatchObject({ value: 5017.12, unit: 'kWh' });
    expect(obj(t, '1-0:1.7.0')).toMatchObject({ value: 0.286, unit: 'kW' });
    expect(obj(t, '1-0:4.8.0')).toMatchObject({ value: 3897.726, unit: 'kvarh' });
    expect(obj(t, '1-0:4.7.0')).toMatchObject({ value: 0.166, unit: 'kvar' });
  });

  it('reads EasyMeter Q3D: "*255" ids, W with decimals, 7-decimal kWh', () => {
    const t = parse('dsmr_parser-q3d-easymeter-esy5q3db1024.txt');
    expect(obj(t, '1-0:1.8.0')).toMatchObject({ value: 52185.7825309, unit: 'kWh' });
    expect(obj(t, '1-0:21.7.0')).toMatchObject({ value: 0.74785, unit: 'kW' });
    expect(obj(t, '1-0:1.7.0')).toMatchObject({ value: 2.12486, unit: 'kW' });
    expect(obj(t, '0-0:96.1.255')).toMatchObject({ kind: 'text', value: '1ESY1313002565' });
  });

  it('gives unit-less Smarty values the unit of their code (none for the limiter, whose unit varies)', () => {
    const t = parse('openhab-5l-smarty.txt');
    expect(obj(t, '1-0:4.7.0')).toMatchObject({ value: 0.007, unit: 'kvar' });
    expect(obj(t, '0-0:17.0.0')).toMatchObject({ value: 77.376, unit: null });
  });

  it('joins a value wrapped over two lines and drops ".255" from ids', () => {
    const t = parse('openhab-dsmr40-spec.txt');
    const hex = '303132333435363738393A3B3C3D3E3F';
    expect(obj(t, '0-0:96.13.0')).toMatchObject({ kind: 'text', value: hex.repeat(5) });
    expect(obj(t, '1-0:31.7.0')).toMatchObject({ value: 1, unit: 'A' });
    expect(obj(t, '1-0:62.7.0')).toMatchObject({ value: 6.666, unit: 'kW' });
  });

  it('reads a DSMR 2.2 telegram without the blank line after the header', () => {
    const t = parse('openhab-dsmr22-landisgyr-e350.txt');
    expect(t.header).toBe('XMX5XMXABCE000015779');
    expect(t.objects.length).toBe(10);
  });

  it('keeps latin1 header bytes as sent', () => {
    expect(parse('dsmr-reader-5b-fluvius-peak.txt').header).toBe('FLU5\u00ab769484_A');
  });

  it('reads a heat meter reading in GJ', () => {
    const t = parse('dsmr_parser-v5-nwa-warmtelink-unpadded-crc.txt');
    expect(obj(t, '0-1:24.2.1')).toMatchObject({
      kind: 'reading',
      timestamp: Date.parse('2026-02-15T20:05:23+01:00'),
      value: 240.86,
      unit: 'GJ',
    });
  });

  it('gives placeholder M-Bus readings a null time or unit instead of inventing one', () => {
    expect(obj(parse('openhab-5b-fluvius-invalid-gas.txt'), '0-1:24.2.3')).toMatchObject({
      timestamp: null,
      timestampRaw: '632525252525W',
    });
    expect(obj(parse('dsmr_parser-v5-iskra-am550-two-mbus.txt'), '0-1:24.2.1')).toMatchObject({
      value: 0,
      unit: null,
    });
  });

  it('keeps lines that are not objects, and objects it does not know', () => {
    const t = parseTelegram(
      telegram(['1-0:1.8.1(000001.500*kWh)', 'garbage line', '9-9:9.9.9(a)(b)', '1-0:2.8.1(1*Wh)']),
    );
    expect(t).toMatchObject({
      ok: true,
      telegram: {
        malformedLines: ['garbage line'],
        objects: [
          { obis: '1-0:1.8.1', value: 1.5 },
          { obis: '9-9:9.9.9', kind: 'unknown', groups: ['a', 'b'] },
          { obis: '1-0:2.8.1', value: 0.001, unit: 'kWh' },
        ],
      },
    });
  });

  it('does not take a known id without "(" for an object', () => {
    const body = Buffer.from('/TST5 test\r\n\r\n1-0:1.8.1(000001.000*kWh)\r\n1-0:1.8.2!', 'latin1');
    expect(parseTelegram(body)).toMatchObject({
      ok: true,
      telegram: { objects: [{ obis: '1-0:1.8.1', value: 1 }], malformedLines: ['1-0:1.8.2'] },
    });
    const stray = telegram(['(00001.001)', '1-0:1.8.1(000001.000*kWh)']);
    expect(parseTelegram(stray)).toMatchObject({
      ok: true,
      telegram: { objects: [{ obis: '1-0:1.8.1' }], malformedLines: ['(00001.001)'] },
    });
  });

  it('turns a known code in an unexpected layout into an unknown object rather than losing it', () => {
    const t = parseTelegram(telegram(['1-0:1.8.1(1.000*kWh)(2.000*kWh)']));
    expect(t).toMatchObject({
      ok: true,
      telegram: { objects: [{ kind: 'unknown', groups: ['1.000*kWh', '2.000*kWh'] }] },
    });
  });

  it('reads empty, negative and very long numbers', () => {
    const t = parseTelegram(
      telegram(['1-0:1.7.0()', '1-0:2.7.0(-01.500*kW)', '1-0:1.8.0(12345678901234.5678*kWh)']),
    );
    expect(t.ok && t.telegram.objects.map((o) => (o.kind === 'number' ? o.value : 'x'))).toEqual([
      null,
      -1.5,
      // more digits than a double holds exactly: the same double parseFloat gives
      Number.parseFloat('12345678901234.5678'),
    ]);
  });
});

describe('telegrams without a CRC', () => {
  it('rejects random bytes between a slash and a bang instead of calling them a reading', () => {
    const junk = Buffer.from('/\u00f8\f\u00fe\u0001garbage\r\n\r\nxx(12)\r\n!\r\n', 'latin1');
    const r = parseTelegram(junk);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('crc-missing');
  });

  it('rejects a DSMR 5 telegram whose CRC digits were lost', () => {
    const text = fixture('dsmr-reader-5b-fluvius.txt').toString('latin1');
    const stripped = Buffer.from(text.replace(/!([0-9A-Fa-f]{1,4})\r?\n?$/, '!\r\n'), 'latin1');
    const r = parseTelegram(stripped);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/no CRC, but P1 version 50\d* requires one/);
  });

  it('still accepts a real DSMR 2.2 telegram, marked unchecked', () => {
    const r = parseTelegram(fixture('dsmr_parser-v2.2-iskra-mt382.txt'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.telegram.crcChecked).toBe(false);
  });
});

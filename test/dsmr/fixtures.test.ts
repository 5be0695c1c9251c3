import { describe, expect, it } from 'vitest';
import { DsmrDecoder, DsmrFramer, parseTelegram, type DsmrTelegram } from '../../src/dsmr/index.js';
import {
  countObjectLines,
  fixture,
  NEGATIVE,
  NO_CRC,
  telegramFixtures,
  WRONG_CRC,
} from './fixtures.js';

const STREAM_FIXTURES = new Set<string>([NEGATIVE.truncatedStart, NEGATIVE.truncatedThenFull]);

function parsedLoosely(name: string): DsmrTelegram {
  const r = parseTelegram(fixture(name), { verifyCrc: false });
  if (!r.ok) throw new Error(`${name}: ${r.message}`);
  return r.telegram;
}

describe('every telegram fixture', () => {
  it('finds all 55 telegram files plus the decrypted example', () => {
    expect(telegramFixtures().length).toBe(56);
  });

  for (const name of telegramFixtures().filter((f) => !STREAM_FIXTURES.has(f))) {
    it(`${name}: CRC verdict as the fixture README says, every object kept`, () => {
      const bytes = fixture(name);
      const r = parseTelegram(bytes);
      if (WRONG_CRC.has(name)) {
        expect(r).toMatchObject({ ok: false, reason: 'crc-mismatch' });
      } else {
        expect(r.ok, r.ok ? '' : r.message).toBe(true);
        if (r.ok) {
          expect(r.telegram.crcChecked).toBe(!NO_CRC.has(name));
          expect(r.telegram.crc === null).toBe(NO_CRC.has(name));
        }
      }
      const t = parsedLoosely(name);
      expect(t.objects.length).toBe(countObjectLines(bytes));
      expect(t.malformedLines).toEqual([]);
      expect(t.header.length).toBeGreaterThan(0);
    });
  }

  it('leaves only the codes no DSMR table defines as unknown objects', () => {
    const unknown = new Map<string, number>();
    for (const name of telegramFixtures()) {
      for (const o of parsedLoosely(name).objects) {
        if (o.kind === 'unknown') unknown.set(o.obis, (unknown.get(o.obis) ?? 0) + 1);
      }
    }
    // ACE4000 hourly gas values and valve (IEC, not DSMR), Hungarian billing
    // values, and the DSMR 4.2.2 spec example's typo `1-0:72:32.0`.
    expect(Object.fromEntries(unknown)).toEqual({
      '1-0:72:32.0': 1,
      '7-0:23.1.0': 24,
      '7-0:24.4.0': 1,
      '0-0:98.1.0': 1,
    });
  });

  it('keeps repeated codes and their raw groups (ACE4000 hourly gas values)', () => {
    const t = parsedLoosely('openhab-ace4000-gprs.txt');
    const hourly = t.objects.filter((o) => o.obis === '7-0:23.1.0');
    expect(hourly).toHaveLength(24);
    expect(hourly[0]).toMatchObject({
      kind: 'unknown',
      groups: ['01238.740*m3', '19-01-01 00:00:00'],
    });
    // `*255` suffixes removed, padded id trimmed
    expect(t.objects.find((o) => o.obis === '0-3:96.1.0')).toMatchObject({
      kind: 'text',
      value: '12345678',
    });
  });
});

describe('negative fixtures (fixture README)', () => {
  it('bad CRC: rejected, saying which CRC was sent and which the bytes give', () => {
    const r = parseTelegram(fixture(NEGATIVE.badCrc));
    expect(r).toMatchObject({ ok: false, reason: 'crc-mismatch' });
    expect(r.ok ? '' : r.message).toContain('ABCD');
    expect(r.ok ? '' : r.message).toContain('4BC6');
    // On a stream it costs that telegram only, and is counted.
    const decoder = new DsmrDecoder();
    const good = fixture('dsmr-reader-dsmr42-kaifa.txt');
    const out = decoder.push(Buffer.concat([good, fixture(NEGATIVE.badCrc), good]));
    expect(out.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['ok', 'crc-mismatch', 'ok']);
    expect(decoder.stats).toMatchObject({ valid: 2, rejected: { 'crc-mismatch': 1 } });
  });

  it('truncated start: the fragment is skipped and the complete telegram after it parses', () => {
    const bytes = fixture(NEGATIVE.truncatedStart);
    const decoder = new DsmrDecoder();
    const out = [...decoder.push(bytes), ...decoder.end()];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      ok: true,
      telegram: { header: 'KFM5KAIFA-METER', crc: 0x4bc6, crcChecked: true },
    });
    expect(decoder.stats.skippedBytes).toBe(bytes.indexOf('/'));
    expect(decoder.stats.rejected.truncated).toBe(0);
  });

  it('truncated then full: the cut telegram is counted as truncated, the next one parses', () => {
    const decoder = new DsmrDecoder();
    const out = [...decoder.push(fixture(NEGATIVE.truncatedThenFull)), ...decoder.end()];
    expect(out.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['truncated', 'ok']);
    expect(decoder.stats.rejected.truncated).toBe(1);
    expect(decoder.stats.valid).toBe(1);
    const first = out[1]!;
    expect(first.ok && first.telegram.timestamp).toBe(Date.parse('2017-01-10T20:40:57+01:00'));
  });

  it('future timestamp: rejected when the meter clock is ahead of now, accepted otherwise', () => {
    const bytes = fixture(NEGATIVE.futureTimestamp);
    const telegramTime = Date.parse('2017-01-02T12:00:00+01:00');
    expect(parseTelegram(bytes, { now: Date.parse('2016-06-01T00:00:00Z') })).toMatchObject({
      ok: false,
      reason: 'future-timestamp',
    });
    expect(parseTelegram(bytes, { now: telegramTime - 30 * 60_000 })).toMatchObject({ ok: true });
    expect(
      parseTelegram(bytes, { now: telegramTime - 30 * 60_000, maxFutureMs: 60_000 }),
    ).toMatchObject({
      ok: false,
      reason: 'future-timestamp',
    });
    // Without a clock the parser cannot judge, and does not.
    expect(parseTelegram(bytes)).toMatchObject({ ok: true, telegram: { timestamp: telegramTime } });
  });

  it('Q3D gateway junk after the telegram is skipped, not parsed', () => {
    const bytes = fixture('dsmr_parser-q3d-easymeter-esy5q3db1024.txt');
    const framer = new DsmrFramer();
    const out = [...framer.push(bytes), ...framer.end()];
    expect(out).toHaveLength(1);
    const end = bytes.indexOf('!\r\n') + 3;
    expect(out[0]).toMatchObject({ ok: true });
    expect(out[0]!.ok && out[0]!.bytes.length).toBe(end);
    expect(framer.stats.skippedBytes).toBe(bytes.length - end);
  });
});

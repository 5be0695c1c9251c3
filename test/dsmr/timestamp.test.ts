import { describe, expect, it } from 'vitest';
import { dsmrTimestampToIso, parseDsmrTimestamp } from '../../src/dsmr/index.js';
import { readDsmrTimestamp } from '../../src/dsmr/timestamp.js';
import { instant } from './expected-compare.js';
import { prng } from './fixtures.js';

describe('DSMR timestamps', () => {
  it('reads S as UTC+2 and W as UTC+1', () => {
    expect(parseDsmrTimestamp('190514213620S')).toBe(Date.parse('2019-05-14T19:36:20Z'));
    expect(parseDsmrTimestamp('101209113020W')).toBe(Date.parse('2010-12-09T10:30:20Z'));
    expect(dsmrTimestampToIso('190514213620S')).toBe('2019-05-14T21:36:20+02:00');
    expect(dsmrTimestampToIso('101209113020W')).toBe('2010-12-09T11:30:20+01:00');
  });

  it('reads a lower-case flag like the upper-case one', () => {
    expect(parseDsmrTimestamp('150701190000s')).toBe(Date.parse('2015-07-01T19:00:00+02:00'));
  });

  it('returns null for impossible dates instead of a wrong instant', () => {
    for (const bad of [
      '632525252525W',
      '200230120000W',
      '190229120000W',
      '191301000000W',
      '190101246000W',
      '19010112000X',
      '1901011200000Q',
      '',
      '19O101120000W',
    ]) {
      expect(parseDsmrTimestamp(bad), bad).toBeNull();
      expect(dsmrTimestampToIso(bad), bad).toBeNull();
    }
    expect(parseDsmrTimestamp('200229120000W')).toBe(Date.parse('2020-02-29T12:00:00+01:00'));
  });

  it('reads flag-less DSMR 2.2/3 timestamps as Dutch local time, agreeing with the tz database', () => {
    const rand = prng(2024);
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(2008, 0, 1) + Math.floor(rand() * 22 * 365 * 86_400_000);
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      const local = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
      let expected: number;
      try {
        expected = instant(local);
      } catch {
        continue; // the hour skipped when summer time starts does not exist
      }
      const raw = `${local.slice(2, 4)}${local.slice(5, 7)}${local.slice(8, 10)}${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`;
      // In the repeated autumn hour both readings are right; the parser picks summer time.
      const alt = expected - 3_600_000;
      expect([expected, alt], raw).toContain(parseDsmrTimestamp(raw));
      if (parseDsmrTimestamp(raw) === alt) expect(instant(local) - alt).toBe(3_600_000);
    }
  });

  it('agrees with Date.UTC on every day of the century', () => {
    for (let day = Date.UTC(2000, 0, 1); day < Date.UTC(2100, 0, 1); day += 86_400_000) {
      const d = new Date(day + 13 * 3_600_000 + 5 * 60_000 + 7_000);
      const p = (n: number) => String(n).padStart(2, '0');
      const raw = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}130507W`;
      if (parseDsmrTimestamp(raw) !== d.getTime() - 3_600_000)
        throw new Error(`${raw}: ${parseDsmrTimestamp(raw)}`);
    }
  });

  it('switches exactly at the EU transitions', () => {
    expect(dsmrTimestampToIso('160327015959')).toBe('2016-03-27T01:59:59+01:00');
    expect(dsmrTimestampToIso('160327030000')).toBe('2016-03-27T03:00:00+02:00');
    expect(dsmrTimestampToIso('161030015959')).toBe('2016-10-30T01:59:59+02:00');
    expect(dsmrTimestampToIso('161030030000')).toBe('2016-10-30T03:00:00+01:00');
  });

  it('reads the same instant from telegram bytes as from text, valid or not', () => {
    const rand = prng(7);
    const pad = (v: number) => String(v).padStart(2, '0');
    for (let i = 0; i < 5000; i++) {
      const d = new Date(Date.UTC(2000, 0, 1) + Math.floor(rand() * 100 * 365 * 86_400_000));
      const flag = 'SWswX'[Math.floor(rand() * 6)] ?? ''; // '' now and then: no flag
      let raw = `${pad(d.getUTCFullYear() - 2000)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${flag}`;
      // Every other one with a character changed, dropped or added.
      if (i % 2 === 1) {
        const at = Math.floor(rand() * raw.length);
        const c = '0139X '[Math.floor(rand() * 6)]!;
        raw = raw.slice(0, at) + [c, '', c + raw[at]][i % 3] + raw.slice(at + 1);
      }
      // Inside other text, as the parser meets it: `(...)`.
      const bytes = Buffer.from(`1-0(${raw})`, 'latin1');
      expect(readDsmrTimestamp(bytes, 4, 4 + raw.length), raw).toBe(parseDsmrTimestamp(raw));
    }
  });

  it('gives the same instant as Date.UTC for every day of 2000-2099', () => {
    const pad = (v: number) => String(v).padStart(2, '0');
    for (
      let day = Date.UTC(2000, 0, 1);
      day < Date.UTC(2100, 0, 1);
      day += 86_400_000 + 3_661_000
    ) {
      const d = new Date(day);
      const raw = `${pad(d.getUTCFullYear() - 2000)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}W`;
      expect(parseDsmrTimestamp(raw), raw).toBe(day - 3_600_000);
    }
  });
});

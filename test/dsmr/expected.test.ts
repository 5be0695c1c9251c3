import { describe, expect, it } from 'vitest';
import { DsmrFramer, parseTelegram, type DsmrTelegram } from '../../src/dsmr/index.js';
import { diffExpected } from './expected-compare.js';
import { expectedFixtures, expectedFor, fixture, NEGATIVE } from './fixtures.js';

/** The telegram an expected file describes: the last complete one in the file. */
function lastTelegram(name: string): Buffer {
  const framer = new DsmrFramer();
  const framed = [...framer.push(fixture(name)), ...framer.end()].filter((f) => f.ok);
  const last = framed[framed.length - 1];
  if (last === undefined) throw new Error(`${name}: no telegram`);
  return last.bytes;
}

describe('fixtures against their expected values', () => {
  it('covers every expected file', () => {
    expect(expectedFixtures().length).toBe(26);
  });

  for (const name of expectedFixtures()) {
    it(name, () => {
      const expected = expectedFor(name);
      const bytes = name === NEGATIVE.truncatedThenFull ? lastTelegram(name) : fixture(name);
      const checked = parseTelegram(bytes);
      // The CRC verdict first: a telegram the expected file calls invalid must be rejected.
      if (expected.crc_valid || expected.crc === null) {
        expect(checked.ok, checked.ok ? '' : checked.message).toBe(true);
      } else {
        expect(checked).toMatchObject({ ok: false, reason: 'crc-mismatch' });
      }
      const parsed = parseTelegram(bytes, { verifyCrc: false });
      if (!parsed.ok) throw new Error(parsed.message);
      const t: DsmrTelegram = parsed.telegram;
      expect(t.header).toBe(expected.header);
      expect(t.crc).toBe(expected.crc === null ? null : Number.parseInt(expected.crc, 16));
      if (checked.ok) expect(checked.telegram.crcChecked).toBe(expected.crc !== null);
      expect(diffExpected(t, expected)).toEqual([]);
      // Nothing beyond what the expected file lists, and nothing dropped.
      expect(new Set(t.objects.map((o) => o.obis))).toEqual(new Set(Object.keys(expected.objects)));
    });
  }
});

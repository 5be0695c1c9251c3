import { describe, expect, it } from 'vitest';
import type { DsmrTelegram } from '../../../src/dsmr/index.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import type { DsmrVersion } from '../../../src/sim/dsmr/types.js';
import { DAY, HOUR, MINUTE, decodeOne, local, num, objectOf, reading, text } from './helpers.js';

/** Telegrams every `stepMs` over [from, to), decoded. */
function series(model: MeterModel, from: number, to: number, stepMs: number): DsmrTelegram[] {
  const out: DsmrTelegram[] = [];
  for (let at = from; at < to; at += stepMs) out.push(decodeOne(model.telegramAt(at)));
  return out;
}

const sum = (t: DsmrTelegram, ids: string[]): number => ids.reduce((a, id) => a + num(t, id), 0);

describe('energy registers', () => {
  it('integrate the power shown: delta kWh = mean kW x hours over a simulated day', () => {
    const from = local(2024, 7, 9); // Tuesday, solar export by day
    const step = 10_000;
    const model = new MeterModel({ version: '5', seed: 21, startMs: from });
    const ts = series(model, from, from + DAY + step, step);
    const first = ts[0]!;
    const last = ts[ts.length - 1]!;
    const meanImport =
      ts.slice(0, -1).reduce((a, t) => a + num(t, '1-0:1.7.0'), 0) / (ts.length - 1);
    const meanExport =
      ts.slice(0, -1).reduce((a, t) => a + num(t, '1-0:2.7.0'), 0) / (ts.length - 1);
    const imported = sum(last, ['1-0:1.8.1', '1-0:1.8.2']) - sum(first, ['1-0:1.8.1', '1-0:1.8.2']);
    const exported = sum(last, ['1-0:2.8.1', '1-0:2.8.2']) - sum(first, ['1-0:2.8.1', '1-0:2.8.2']);
    expect(imported).toBeGreaterThan(2);
    expect(exported).toBeGreaterThan(2);
    expect(Math.abs(imported - meanImport * 24) / imported).toBeLessThan(0.01);
    expect(Math.abs(exported - meanExport * 24) / exported).toBeLessThan(0.01);
  });

  it('never decrease, in any generation', () => {
    for (const version of ['5', '4.2', '2.2', '5B', '5L'] as const) {
      const from = local(2024, 4, 20, 6);
      const model = new MeterModel({ version, seed: 4, startMs: from, solar: true });
      const ids =
        version === '5L'
          ? ['1-0:1.8.0', '1-0:2.8.0', '1-0:3.8.0', '1-0:4.8.0']
          : ['1-0:1.8.1', '1-0:1.8.2', '1-0:2.8.1', '1-0:2.8.2'];
      let prev: DsmrTelegram | undefined;
      for (const t of series(model, from, from + 8 * HOUR, 7 * MINUTE)) {
        if (prev !== undefined) {
          for (const id of ids)
            expect(num(t, id), `${version} ${id}`).toBeGreaterThanOrEqual(num(prev, id));
        }
        prev = t;
      }
    }
  });

  it('count import in the tariff of the time: Dutch low rate at night and weekends', () => {
    const weekdayNoon = local(2024, 1, 16, 12); // Tuesday
    const at = (ms: number, version: DsmrVersion = '5'): string | null =>
      text(decodeOne(new MeterModel({ version, startMs: ms }).telegramAt(ms)), '0-0:96.14.0');
    expect(at(weekdayNoon)).toBe('0002');
    expect(at(local(2024, 1, 16, 3))).toBe('0001');
    expect(at(local(2024, 1, 16, 6, 59))).toBe('0001');
    expect(at(local(2024, 1, 16, 7, 0))).toBe('0002');
    expect(at(local(2024, 1, 16, 23, 30))).toBe('0001');
    expect(at(local(2024, 1, 20, 12))).toBe('0001'); // Saturday
    expect(at(local(2024, 1, 21, 12))).toBe('0001'); // Sunday
    expect(at(weekdayNoon, '4.2')).toBe('0002');
    expect(at(local(2024, 1, 20, 12), '2.2')).toBe('0001');
    // Belgium numbers them the other way: 1 = day, 2 = night (from 22:00) and weekends.
    expect(at(weekdayNoon, '5B')).toBe('0001');
    expect(at(local(2024, 1, 16, 22, 30), '5B')).toBe('0002');
    expect(at(local(2024, 1, 21, 12), '5B')).toBe('0002');

    // A weekday morning: the night register grows until 07:00, the day register after.
    const from = local(2024, 1, 16, 5);
    const model = new MeterModel({ version: '5', seed: 2, startMs: from });
    const [a, b, c] = [from, local(2024, 1, 16, 7), local(2024, 1, 16, 9)].map((ms) =>
      decodeOne(model.telegramAt(ms)),
    ) as [DsmrTelegram, DsmrTelegram, DsmrTelegram];
    expect(num(b, '1-0:1.8.1')).toBeGreaterThan(num(a, '1-0:1.8.1'));
    expect(num(b, '1-0:1.8.2')).toBe(num(a, '1-0:1.8.2'));
    expect(num(c, '1-0:1.8.1')).toBe(num(b, '1-0:1.8.1'));
    expect(num(c, '1-0:1.8.2')).toBeGreaterThan(num(b, '1-0:1.8.2'));
  });
});

describe('gas', () => {
  /** The distinct gas capture times seen in telegrams every minute over `hours`. */
  function captures(
    version: DsmrVersion,
    obis: string,
    from: number,
    hours: number,
  ): { at: number; value: number }[] {
    const model = new MeterModel({ version, seed: 8, startMs: from });
    const seen = new Map<number, number>();
    for (const t of series(model, from, from + hours * HOUR, MINUTE)) {
      const r = reading(t, obis);
      expect(r.at).not.toBeNull();
      seen.set(r.at!, r.value!);
      if (t.timestamp !== null) {
        expect(r.at!).toBeLessThanOrEqual(t.timestamp);
        expect(t.timestamp - r.at!).toBeLessThan(
          version === '5' || version === '5B' ? 5 * MINUTE : HOUR,
        );
      }
    }
    return [...seen].map(([at, value]) => ({ at, value }));
  }

  it('DSMR 5 and 5B refresh the reading every 5 minutes, 4.2 and 2.2 every hour', () => {
    const from = local(2024, 1, 10, 6, 2);
    for (const [version, obis, period, hours] of [
      ['5', '0-1:24.2.1', 5 * MINUTE, 1],
      ['5B', '0-1:24.2.3', 5 * MINUTE, 1],
      ['5L', '0-1:24.2.1', 5 * MINUTE, 1],
      ['4.2', '0-1:24.2.1', HOUR, 4],
      ['2.2', '0-1:24.3.0', HOUR, 4],
    ] as const) {
      const c = captures(version, obis, from, hours);
      expect(c.length, version).toBe((hours * HOUR) / period + 1);
      for (let i = 1; i < c.length; i++) {
        expect(c[i]!.at - c[i - 1]!.at).toBe(period);
        expect(c[i]!.value).toBeGreaterThanOrEqual(c[i - 1]!.value);
      }
      // Winter morning: the heating is on.
      expect(c[c.length - 1]!.value).toBeGreaterThan(c[0]!.value);
    }
  });

  it('burns more on a January day than on a July day', () => {
    const used = (from: number): number => {
      const model = new MeterModel({ version: '5', seed: 8, startMs: from });
      const value = (ms: number): number =>
        reading(decodeOne(model.telegramAt(ms)), '0-1:24.2.1').value!;
      return value(from + DAY) - value(from);
    };
    const january = used(local(2024, 1, 10));
    const july = used(local(2024, 7, 10));
    expect(january).toBeGreaterThan(3);
    expect(july).toBeLessThan(2);
    expect(january).toBeGreaterThan(3 * july);
  });
});

describe('Belgian capacity tariff', () => {
  it('keeps the month peak at the highest quarter-hour average of the month', () => {
    const from = local(2024, 2, 1); // from the start of a month: no earlier peak this month
    const model = new MeterModel({ version: '5B', seed: 13, startMs: from });
    let highest = 0;
    for (let q = from + 15 * MINUTE; q <= from + DAY; q += 15 * MINUTE) {
      // 1-0:1.4.0 one second before the quarter ends: that quarter's average so far.
      highest = Math.max(highest, num(decodeOne(model.telegramAt(q - 1000)), '1-0:1.4.0'));
    }
    const t = decodeOne(model.telegramAt(from + DAY));
    const peak = reading(t, '1-0:1.6.0');
    expect(highest).toBeGreaterThan(1);
    expect(peak.value).toBeCloseTo(highest, 1);
    expect((peak.at! - from) % (15 * MINUTE)).toBe(0);
    expect(peak.at!).toBeGreaterThanOrEqual(from);
  });

  it('moves the month peak into the history at the start of a month', () => {
    const from = local(2024, 1, 31, 20);
    const model = new MeterModel({ version: '5B', seed: 13, startMs: from });
    const before = decodeOne(model.telegramAt(local(2024, 1, 31, 23, 59, 59)));
    const after = decodeOne(model.telegramAt(local(2024, 2, 1, 0, 30)));
    const historyOf = (t: DsmrTelegram) => {
      const o = objectOf(t, '0-0:98.1.0');
      if (o.kind !== 'peak-history') throw new Error('not a peak history');
      return o;
    };
    const h0 = historyOf(before);
    const h1 = historyOf(after);
    expect(h1.count).toBe(Math.min(13, h0.count + 1));
    const newest = h1.entries[0]!;
    expect(newest.monthRaw).toBe('240201000000W');
    expect(newest.value).toBe(reading(before, '1-0:1.6.0').value);
    expect(newest.occurred).toBe(reading(before, '1-0:1.6.0').at);
    expect(h1.entries.slice(1)).toEqual(h0.entries.slice(0, h1.count - 1));
    expect(reading(after, '1-0:1.6.0').at!).toBeGreaterThanOrEqual(local(2024, 2, 1));
  });
});

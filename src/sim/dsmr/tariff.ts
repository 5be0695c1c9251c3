/**
 * Which tariff register the meter counts in. Dutch meters: tariff 1 is the
 * low (night) rate, weekdays 23:00-07:00 and all weekend; tariff 2 the normal
 * day rate. Belgian meters number them the other way round (1 = day,
 * 2 = night; research/dsmr.md 2.4) with night from 22:00. Public holidays,
 * which some grid operators also count as low rate, are left out.
 */
import { isWeekend, type LocalTime } from './local-time.js';
import type { Tariff } from './types.js';

export type TariffRule = 'nl' | 'be';

export function tariffAt(rule: TariffRule, lt: LocalTime): Tariff {
  const nightFrom = rule === 'nl' ? 23 : 22;
  const offPeak = isWeekend(lt) || lt.hour < 7 || lt.hour >= nightFrom;
  if (rule === 'nl') return offPeak ? 1 : 2;
  return offPeak ? 2 : 1;
}

/**
 * Hub readings from a parsed telegram, in the hub's base units: energy in
 * Wh, power in W, voltage V, current A, frequency Hz, gas and water in m3,
 * heat in GJ (the unit heat is billed in and heat meters send; converting to
 * Wh would add float noise for nothing).
 *
 * Electricity readings carry the telegram time (0-0:1.0.0), or `now` when
 * the telegram has none (DSMR 2.2/3, Q3D). M-Bus readings carry their own
 * capture time: a DSMR 4 gas value is hourly and repeated in every telegram
 * of the hour, so stamping it with the telegram time would invent readings.
 * Placeholders on empty M-Bus channels give no reading.
 *
 * M-Bus readings carry their channel and the sub-meter's equipment id, and
 * are named by medium alone (`gas_total`): each sub-meter is a device of its
 * own to the hub, so two gas meters never share a name, and a name never
 * depends on which other channels are present.
 *
 * `_t1` / `_t2` follow the meter's register numbers (1.8.1 / 1.8.2). What
 * they mean differs by country: in the Netherlands tariff 1 is the low
 * (night) rate, in Belgium it is the day rate.
 */
import { unitOf } from '../core/metrics.js';
import { isRealReading, mbusChannels, type MbusMedium } from './mbus.js';
import type { DsmrTelegram } from './types.js';

export interface DsmrReading {
  metric: string;
  value: number;
  /** Epoch ms. */
  ts: number;
  /** For an M-Bus sub-meter's reading: its channel (1-4, as the meter numbers it). */
  channel?: number;
}

interface Conversion {
  readonly metric: string;
  /** The canonical unit the parser stores this object in. */
  readonly unit: string;
  /** Factor to the metric's unit (kWh -> Wh: 1000). */
  readonly factor: number;
}

const kilo = (metric: string, unit: string): Conversion => ({ metric, unit, factor: 1000 });
const same = (metric: string, unit: string): Conversion => ({ metric, unit, factor: 1 });

const ELECTRICITY: ReadonlyMap<string, Conversion> = new Map([
  ['1-0:1.8.0', kilo('energy_import', 'kWh')],
  ['1-0:2.8.0', kilo('energy_export', 'kWh')],
  ['1-0:1.8.1', kilo('energy_import_t1', 'kWh')],
  ['1-0:1.8.2', kilo('energy_import_t2', 'kWh')],
  ['1-0:1.8.3', kilo('energy_import_t3', 'kWh')],
  ['1-0:1.8.4', kilo('energy_import_t4', 'kWh')],
  ['1-0:2.8.1', kilo('energy_export_t1', 'kWh')],
  ['1-0:2.8.2', kilo('energy_export_t2', 'kWh')],
  ['1-0:2.8.3', kilo('energy_export_t3', 'kWh')],
  ['1-0:2.8.4', kilo('energy_export_t4', 'kWh')],
  ['1-0:1.7.0', kilo('power_import', 'kW')],
  ['1-0:2.7.0', kilo('power_export', 'kW')],
  ['1-0:21.7.0', kilo('power_import_l1', 'kW')],
  ['1-0:41.7.0', kilo('power_import_l2', 'kW')],
  ['1-0:61.7.0', kilo('power_import_l3', 'kW')],
  ['1-0:22.7.0', kilo('power_export_l1', 'kW')],
  ['1-0:42.7.0', kilo('power_export_l2', 'kW')],
  ['1-0:62.7.0', kilo('power_export_l3', 'kW')],
  ['1-0:32.7.0', same('voltage_l1', 'V')],
  ['1-0:52.7.0', same('voltage_l2', 'V')],
  ['1-0:72.7.0', same('voltage_l3', 'V')],
  ['1-0:31.7.0', same('current_l1', 'A')],
  ['1-0:51.7.0', same('current_l2', 'A')],
  ['1-0:71.7.0', same('current_l3', 'A')],
  ['1-0:14.7.0', same('frequency', 'Hz')],
  ['1-0:1.4.0', kilo('capacity_demand', 'kW')],
  ['1-0:1.6.0', kilo('capacity_peak', 'kW')],
]);

const MBUS_METRIC: Partial<
  Record<MbusMedium, { metric: string; units: Readonly<Record<string, number>> }>
> = {
  gas: { metric: 'gas_total', units: { m3: 1 } },
  water: { metric: 'water_total', units: { m3: 1 } },
  'hot-water': { metric: 'hot_water_total', units: { m3: 1 } },
  heat: { metric: 'heat_total', units: { GJ: 1, kWh: 0.0036 } },
  cooling: { metric: 'cooling_total', units: { GJ: 1, kWh: 0.0036 } },
  electricity: { metric: 'energy_import', units: { kWh: 1000 } },
};

/** Unit of each metric `telegramReadings` emits: the hub's (core/metrics.ts). */
export const DSMR_METRIC_UNITS: Readonly<Record<string, string>> = Object.fromEntries(
  [...ELECTRICITY.values(), ...Object.values(MBUS_METRIC)].map(({ metric }) => [
    metric,
    unitOf(metric),
  ]),
);

/**
 * Scales by `factor` and rounds to 1e-6 of the base unit: 1.193 kW x 1000
 * is 1192.9999999999998 in floating point, which a person would read as a bug.
 */
function convert(value: number, factor: number): number {
  return factor === 1 ? value : Math.round(value * factor * 1e6) / 1e6;
}

/** The readings of a telegram; `now` (epoch ms) stamps them when it has no time of its own. */
export function telegramReadings(t: DsmrTelegram, now: number): DsmrReading[] {
  const ts = t.timestamp ?? now;
  const readings: DsmrReading[] = [];
  for (const o of t.objects) {
    if (o.kind !== 'number' && o.kind !== 'reading') continue;
    const c = ELECTRICITY.get(o.obis);
    if (c === undefined || o.value === null || o.unit !== c.unit) continue;
    readings.push({ metric: c.metric, value: convert(o.value, c.factor), ts });
  }
  for (const ch of mbusChannels(t)) {
    const m = MBUS_METRIC[ch.medium];
    const r = ch.reading;
    if (m === undefined || !isRealReading(r)) continue;
    const factor = m.units[r.unit];
    if (factor === undefined) continue;
    readings.push({
      metric: m.metric,
      value: convert(r.value, factor),
      ts: r.timestamp,
      channel: ch.channel,
    });
  }
  return readings;
}

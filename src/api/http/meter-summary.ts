import type { z } from 'zod';
import type { DeviceSnapshot } from '../../hub/device.js';
import type { MeterTelegrams } from '../../dsmr/io/meter-telegrams.js';
import type { DsmrTelegram } from '../../dsmr/types.js';
import type { Store } from '../../store/store.js';
import { counterRise, energyWh } from '../../store/query/index.js';
import type { MeterSummarySchema } from './schemas.js';

export type MeterSummary = z.output<typeof MeterSummarySchema>;

const EXPORT_COUNTERS = [
  ['energy_export'],
  ['energy_export_t1', 'energy_export_t2', 'energy_export_t3', 'energy_export_t4'],
];

/** An electricity meter (not one of its M-Bus meters): the only dsmr device that says who made it. */
export function isElectricityMeter(d: DeviceSnapshot): boolean {
  return d.protocol === 'dsmr' && d.info.manufacturer !== undefined;
}

/** M-Bus meters name the meter they hang off: `gas meter on <meter> channel 1`. */
function mbusOf(meter: DeviceSnapshot, all: readonly DeviceSnapshot[]): DeviceSnapshot[] {
  const tag = ` on ${meter.nativeId} channel `;
  return all.filter((d) => d.protocol === 'dsmr' && d.info.name?.includes(tag));
}

/**
 * Registers count in thousandths (Wh of kWh, dm³ of m³): a difference of two
 * is cut back to that, so 12785.133 − 12785.123 reads 0.01, not 0.0100000000002.
 */
function thousandths(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v * 1000) / 1000;
}

function periodEnergy(
  store: Store,
  meter: DeviceSnapshot,
  gas: DeviceSnapshot | undefined,
  from: number,
  to: number,
): MeterSummary['today'] {
  const [imported] = energyWh(store, { devices: [meter.id], from, to });
  return {
    importWh: thousandths(imported?.value),
    exportWh: thousandths(counterRise(store, meter.id, EXPORT_COUNTERS, from, to)),
    gasM3: thousandths(gas && counterRise(store, gas.id, [['gas_total']], from, to)),
  };
}

function capacityPeak(t: DsmrTelegram | undefined): MeterSummary['capacityPeak'] {
  const o = t?.objects.find((x) => x.obis === '1-0:1.6.0');
  if (o?.kind !== 'reading' || o.value === null || o.timestamp === null) return null;
  return { w: o.value * 1000, ts: new Date(o.timestamp).toISOString() };
}

/** Local midnight today and the first of this month, in the hub's time zone. */
function periodStarts(now: number): { day: number; month: number } {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  const day = d.getTime();
  d.setDate(1);
  return { day, month: d.getTime() };
}

/** What the meter page shows: now (from the latest readings), today, this month, the capacity peak. */
export function meterSummary(
  meter: DeviceSnapshot,
  all: readonly DeviceSnapshot[],
  store: Store,
  telegrams: MeterTelegrams,
  now: number,
): MeterSummary {
  const latest = telegrams.latest(meter.nativeId);
  const r = (metric: string) => meter.readings[metric]?.value;
  const phases: MeterSummary['now']['phases'] = {};
  for (const l of ['l1', 'l2', 'l3'] as const) {
    const phase = {
      powerImportW: r(`power_import_${l}`),
      powerExportW: r(`power_export_${l}`),
      voltageV: r(`voltage_${l}`),
      currentA: r(`current_${l}`),
    };
    const known = Object.entries(phase).filter(([, v]) => v !== undefined);
    if (known.length > 0) phases[l] = Object.fromEntries(known);
  }
  const mbus = mbusOf(meter, all);
  const gas = mbus.find((d) => d.readings.gas_total !== undefined);
  const starts = periodStarts(now);
  store.flush();
  return {
    device: meter,
    telegram: latest?.message ?? null,
    receivedAt: latest ? new Date(latest.receivedAt).toISOString() : null,
    now: {
      importW: r('power_import') ?? null,
      exportW: r('power_export') ?? null,
      tariff: latest?.message.currentTarrif ?? null,
      phases,
    },
    today: periodEnergy(store, meter, gas, starts.day, now),
    month: periodEnergy(store, meter, gas, starts.month, now),
    capacityPeak: capacityPeak(latest?.telegram),
    mbus,
  };
}

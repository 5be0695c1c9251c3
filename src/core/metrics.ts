/**
 * Canonical metric names and their SI units. Drivers translate vendor fields
 * into these; the store and every API speak only these names.
 */
export const METRIC_UNITS = {
  power: 'W',
  apparent_power: 'VA',
  reactive_power: 'var',
  power_factor: '',
  voltage: 'V',
  current: 'A',
  frequency: 'Hz',
  /** Cumulative counter as the device reports it (Tasmota Total), in Wh. */
  energy_total: 'Wh',
  energy_today: 'Wh',
  energy_yesterday: 'Wh',
  /** Energy since the previous periodic report (Tasmota Period), in Wh. */
  energy_period: 'Wh',
  /**
   * DSMR P1 meters (src/dsmr/readings.ts). Registers in Wh like energy_total;
   * `_t1`..`_t4` are the meter's tariff registers (1.8.1 ...), whose meaning
   * differs by country (NL: t1 low, BE: t1 day). `_l1`..`_l3` are phases.
   */
  energy_import: 'Wh',
  energy_export: 'Wh',
  energy_import_t1: 'Wh',
  energy_import_t2: 'Wh',
  energy_import_t3: 'Wh',
  energy_import_t4: 'Wh',
  energy_export_t1: 'Wh',
  energy_export_t2: 'Wh',
  energy_export_t3: 'Wh',
  energy_export_t4: 'Wh',
  /** Present power drawn from / fed into the grid (also per phase, `_l1`..`_l3`). */
  power_import: 'W',
  power_export: 'W',
  /** Belgian capacity tariff: this quarter-hour's average demand, and this month's peak. */
  capacity_demand: 'W',
  capacity_peak: 'W',
  /** M-Bus sub-meters' totals. */
  gas_total: 'm3',
  water_total: 'm3',
  hot_water_total: 'm3',
  heat_total: 'GJ',
  cooling_total: 'GJ',
} as const;

export type BaseMetric = keyof typeof METRIC_UNITS;

/**
 * A metric name: a base metric, optionally with a phase or channel suffix
 * (`power_l2`) for multi-phase meters. Kept as a string so meters can add
 * their own (DSMR gas, water) without touching this file.
 */
export type Metric = string;

/** The base metric of a name with a phase or channel suffix (`power_l2` -> `power`). */
export function baseMetric(metric: Metric): string {
  return metric.replace(/_l\d+$/, '');
}

export function unitOf(metric: Metric): string {
  return METRIC_UNITS[baseMetric(metric) as BaseMetric] ?? '';
}

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
} as const;

export type BaseMetric = keyof typeof METRIC_UNITS;

/**
 * A metric name: a base metric, optionally with a phase or channel suffix
 * (`power_l2`) for multi-phase meters. Kept as a string so meters can add
 * their own (DSMR gas, water) without touching this file.
 */
export type Metric = string;

export function unitOf(metric: Metric): string {
  const base = metric.replace(/_l\d+$/, '') as BaseMetric;
  return METRIC_UNITS[base] ?? '';
}

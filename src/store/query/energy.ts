import type { Store } from '../store.js';
import { emit, frameOf, pooledPartials, slot, type Frame, type Grouped } from './run-query.js';
import type { ResultPoint } from './types.js';

const WH_IN_W_MS = 3_600_000;

export interface EnergySpec {
  devices: string[];
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, inclusive. */
  to?: number;
  /** One result per bucket of this width, aligned to the epoch. */
  intervalMs?: number;
  /** One result set per device instead of the sum over all. */
  groupById?: boolean;
}

function add(m: Map<number, number>, bucket: number, wh: number): void {
  m.set(bucket, (m.get(bucket) ?? 0) + wh);
}

/**
 * The counters that say what a device consumed: a plug's energy_total; a P1
 * meter's import total, or else its tariff registers (summed, since only one
 * of them counts at a time).
 */
const COUNTER_CHOICES: readonly (readonly string[])[] = [
  ['energy_total'],
  ['energy_import'],
  ['energy_import_t1', 'energy_import_t2', 'energy_import_t3', 'energy_import_t4'],
];

/**
 * Consumption from the device's counters (Wh): the sum of the counter steps
 * between consecutive readings (partial.ts counterStep: restarts and
 * glitches), read from the rollups' rise so a month costs hour rows, not a
 * month of readings. Between two readings in different buckets the step is
 * split in proportion to time at the earlier bucket's end. Undefined when no
 * counter has readings in range.
 */
function fromCounter(
  store: Store,
  deviceId: string,
  frame: Frame,
  intervalMs: number | undefined,
  choices: readonly (readonly string[])[] = COUNTER_CHOICES,
): Map<number, number> | undefined {
  for (const metrics of choices) {
    const refs = metrics.map((metric) => ({ deviceId, metric }));
    const buckets = pooledPartials(store, refs, frame, intervalMs, false).get('');
    if (!buckets || buckets.size === 0) continue;
    const out = new Map<number, number>();
    for (const [bucket, p] of buckets) out.set(bucket, p.rise);
    return out;
  }
  return undefined;
}

/**
 * What a device's counters counted over [from, to] (epoch ms, inclusive),
 * by the rule energy uses (restarts and glitches): the first choice of
 * counters with readings in range, its counters summed (tariff registers);
 * undefined when none has readings there. For export and gas totals.
 */
export function counterRise(
  store: Store,
  deviceId: string,
  choices: readonly (readonly string[])[],
  from: number,
  to: number,
): number | undefined {
  const frame = frameOf({ from, to });
  if (frame.lo >= frame.hi) return undefined;
  const buckets = fromCounter(store, deviceId, frame, undefined, choices);
  return buckets?.get(frame.bucketOf(frame.lo));
}

/**
 * Consumption from the power integral (W·ms → Wh) per device, from the
 * rollups; all devices in one pass, so the store folds each span once.
 */
function fromPower(
  store: Store,
  deviceIds: string[],
  frame: Frame,
  intervalMs: number | undefined,
): Grouped<number> {
  const refs = deviceIds.map((deviceId) => ({ deviceId, metric: 'power' }));
  const out: Grouped<number> = new Map();
  for (const [deviceId, buckets] of pooledPartials(store, refs, frame, intervalMs, true)) {
    const target = slot(out, deviceId);
    for (const [bucket, p] of buckets) target.set(bucket, p.integral / WH_IN_W_MS);
  }
  return out;
}

/**
 * Energy consumed (Wh) per device from its energy_total counter when that
 * has readings in range, otherwise from its power integral; summed over the
 * devices unless groupById; per interval bucket with intervalMs. Result
 * times are the lower bound (from, or 0) or the bucket start.
 */
export function energyWh(store: Store, spec: EnergySpec): ResultPoint[] {
  const frame = frameOf(spec);
  if (frame.lo >= frame.hi) return [];
  const grouped = spec.groupById === true;
  const perDevice: Grouped<number> = new Map();
  const withoutCounter: string[] = [];
  for (const deviceId of new Set(spec.devices)) {
    const wh = fromCounter(store, deviceId, frame, spec.intervalMs);
    if (wh) perDevice.set(deviceId, wh);
    else withoutCounter.push(deviceId);
  }
  for (const [deviceId, wh] of fromPower(store, withoutCounter, frame, spec.intervalMs))
    perDevice.set(deviceId, wh);
  const groups: Grouped<number> = new Map();
  for (const deviceId of [...perDevice.keys()].sort()) {
    const target = slot(groups, grouped ? deviceId : '');
    for (const [bucket, v] of perDevice.get(deviceId)!) add(target, bucket, v);
  }
  return emit(groups, grouped, (start, value) => [{ ts: start, value }]);
}

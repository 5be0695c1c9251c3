/**
 * The JSON object smartmeter2mqtt emits per telegram (JSON socket, MQTT
 * `<prefix>/status/energy`), with its field names (`totalT1Use`,
 * `currentTarrif`, `gas {ts, totalUse}`, `calculatedUsage` in W) so its
 * consumers keep working, but without its defects (research/dsmr.md 1.8b):
 *
 * - values without `*` are numbers, not null; W/Wh meters come out in kW/kWh;
 * - `powerTs` / `gas.ts` keep the meter's UTC offset (`...+02:00`) instead
 *   of a bare local time, so they parse to the right instant anywhere;
 * - the gas meter is found by device type, on any channel, also on the
 *   Belgian 24.2.3 and the DSMR 2.2/3 24.3.0 form;
 * - objects it dropped are included under names in the same style (table
 *   in obis-table.ts), water, hot water and heat meters as `water` /
 *   `hotWater` / `heat`, every
 *   M-Bus channel under `mbus`, and codes no table knows under `otherObjects`.
 *
 * `crc` is true only when the telegram carried a CRC and it verified; a
 * DSMR 2.2/3 telegram (no CRC) is emitted with `crc: false` rather than
 * dropped.
 */
import { isRealReading, mbusChannels, type MbusChannel, type MbusMedium } from './mbus.js';
import { OBIS_TABLE } from './obis-table.js';
import { dsmrTimestampToIso } from './timestamp.js';
import type { DsmrLegacyReadingObject, DsmrReadingObject, DsmrTelegram } from './types.js';

export interface Smartmeter2mqttMeterReading {
  /** Capture time, ISO 8601 with the meter's offset; null for placeholders. */
  ts: string | null;
  /** m3 (gas, water) or GJ (heat). */
  totalUse: number | null;
}

export interface Smartmeter2mqttMbusDevice extends Smartmeter2mqttMeterReading {
  channel: number;
  deviceType: string | null;
  medium: MbusMedium;
  sn: string | null;
  unit: string | null;
  valvePosition: string | null;
}

/**
 * The seed's fields are typed; the others (see obis-table.ts for the full
 * list of names) are plain JSON values.
 */
export interface Smartmeter2mqttMessage {
  crc: boolean;
  header: string;
  p1Version?: string | null;
  powerTs?: string | null;
  powerSn?: string | null;
  totalT1Use?: number | null;
  totalT2Use?: number | null;
  totalT1Delivered?: number | null;
  totalT2Delivered?: number | null;
  currentTarrif?: number | null;
  currentUsage?: number | null;
  currentDelivery?: number | null;
  deviceType?: string | null;
  gasSn?: string | null;
  gas?: Smartmeter2mqttMeterReading;
  water?: Smartmeter2mqttMeterReading;
  hotWater?: Smartmeter2mqttMeterReading;
  heat?: Smartmeter2mqttMeterReading;
  mbus?: Smartmeter2mqttMbusDevice[];
  /** (currentUsage - currentDelivery) in W, negative while exporting. */
  calculatedUsage?: number;
  otherObjects?: Record<string, string[][]>;
  [field: string]: unknown;
}

/** Hex-encoded text (96.13.0 messages) as text; anything else unchanged. */
function hexText(value: string | null): string | null {
  if (value === null || value.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(value)) return value;
  return Buffer.from(value, 'hex').toString('latin1');
}

function int(value: string | null): number | null {
  if (value === null) return null;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) ? null : n;
}

function iso(raw: string): string | null {
  return dsmrTimestampToIso(raw);
}

function meterReading(
  r: DsmrReadingObject | DsmrLegacyReadingObject | null,
): Smartmeter2mqttMeterReading {
  return { ts: r === null ? null : iso(r.timestampRaw), totalUse: r?.value ?? null };
}

/**
 * The meter of a medium behind smartmeter2mqtt's `gas` / `water` / `heat`:
 * the lowest channel of that medium that is a meter at all (an equipment id
 * or a real reading; Iskra AM550 reports an empty slot as a gas meter with
 * id `()` and a placeholder value). A meter whose reading is a placeholder
 * for a moment keeps the field, so it does not hop between two meters.
 * Every channel is also under `mbus` by its own number.
 */
function pick(channels: MbusChannel[], medium: MbusMedium): MbusChannel | undefined {
  const of = channels.filter((c) => c.medium === medium);
  return of.find((c) => c.equipmentId !== null || isRealReading(c.reading)) ?? of[0];
}

/** smartmeter2mqtt's message for a parsed telegram (pure). */
export function toSmartmeter2mqtt(t: DsmrTelegram): Smartmeter2mqttMessage {
  const m: Smartmeter2mqttMessage = { crc: t.crcChecked, header: t.header };
  let other: Record<string, string[][]> | undefined;
  for (const o of t.objects) {
    const name = OBIS_TABLE.get(o.obis)?.name;
    switch (o.kind) {
      case 'number':
        if (name === undefined) break;
        m[name] = o.value;
        if (o.obis === '0-0:17.0.0') m.limiterThresholdUnit = o.unit;
        break;
      case 'text':
        if (name === undefined) break;
        if (name === 'currentTarrif' || name === 'breakerControlState') m[name] = int(o.value);
        else if (name.startsWith('textMessage')) m[name] = hexText(o.value);
        else m[name] = o.value;
        break;
      case 'timestamp':
        if (name !== undefined) m[name] = iso(o.timestampRaw);
        break;
      case 'reading':
        if (name !== undefined) m[name] = { ts: iso(o.timestampRaw), value: o.value };
        break;
      case 'event-log':
        m.powerFailureLog = o.events.map((e) => ({ end: iso(e.endRaw), duration: e.duration }));
        break;
      case 'peak-history':
        m.maximumDemandHistory = o.entries.map((e) => ({
          month: iso(e.monthRaw),
          ts: iso(e.occurredRaw),
          value: e.value,
        }));
        break;
      case 'unknown':
        other ??= {};
        (other[o.obis] ??= []).push([...o.groups]);
        break;
    }
  }

  const channels = mbusChannels(t);
  const gas = pick(channels, 'gas');
  if (gas !== undefined) {
    m.deviceType = gas.deviceType;
    m.gasSn = gas.equipmentId;
    m.gas = meterReading(gas.reading);
  }
  for (const [medium, field] of [
    ['water', 'water'],
    ['hot-water', 'hotWater'],
    ['heat', 'heat'],
  ] as const) {
    const c = pick(channels, medium);
    if (c === undefined) continue;
    m[`${field}Sn`] = c.equipmentId;
    m[field] = meterReading(c.reading);
  }
  if (channels.length > 0) {
    m.mbus = channels.map((c) => ({
      channel: c.channel,
      deviceType: c.deviceType,
      medium: c.medium,
      sn: c.equipmentId,
      ...meterReading(c.reading),
      unit: c.reading?.unit ?? null,
      valvePosition: c.valvePosition,
    }));
  }
  if (other !== undefined) m.otherObjects = other;

  const usage = typeof m.currentUsage === 'number' ? m.currentUsage : null;
  const delivery = typeof m.currentDelivery === 'number' ? m.currentDelivery : null;
  if (usage !== null || delivery !== null) {
    m.calculatedUsage = Math.round(((usage ?? 0) - (delivery ?? 0)) * 1000);
  }
  return m;
}

/**
 * M-Bus devices (gas, water, heat meters) hang off the electricity meter on
 * channels 1-4, numbered in installation order, so the channel says nothing
 * about the medium: the device type (0-n:24.1.0, EN 13757-3) does. Belgian
 * meters send gas on 24.2.3, DSMR 2.2/3 on the two-line 24.3.0.
 */
import type { DsmrLegacyReadingObject, DsmrReadingObject, DsmrTelegram } from './types.js';

export type MbusMedium =
  'gas' | 'water' | 'heat' | 'hot-water' | 'cooling' | 'electricity' | 'unknown';

export interface MbusChannel {
  /** 1..4 */
  readonly channel: number;
  /** Device type as sent (`003`), null when the telegram has no 24.1.0 for the channel. */
  readonly deviceType: string | null;
  readonly medium: MbusMedium;
  /** 96.1.0 (NL) or 96.1.1 (BE), hex as sent. */
  readonly equipmentId: string | null;
  /** 24.4.0 valve position as sent. */
  readonly valvePosition: string | null;
  /** Last reading: 24.2.1, else 24.2.3 (BE, not temperature corrected), else the DSMR 2.2/3 24.3.0 value. */
  readonly reading: DsmrReadingObject | DsmrLegacyReadingObject | null;
}

/**
 * EN 13757-3 device type codes (written in decimal in the telegram: `003`
 * gas, `004` heat, `007` water). Codes not listed (oil, steam, heat cost
 * allocators, pressure...) stay 'unknown' whatever their unit: an m3 value
 * from an unlisted device is not gas.
 */
const MEDIUM_BY_DEVICE_TYPE: ReadonlyMap<number, MbusMedium> = new Map([
  [0x02, 'electricity'],
  [0x03, 'gas'],
  [0x04, 'heat'], // heat, volume measured at the outlet
  [0x06, 'hot-water'], // warm water, 30-90 degC
  [0x07, 'water'],
  [0x0a, 'cooling'], // cooling load, volume at the outlet
  [0x0b, 'cooling'], // cooling load, volume at the inlet
  [0x0c, 'heat'], // heat, volume measured at the inlet
  [0x0d, 'heat'], // combined heat / cooling
  [0x15, 'hot-water'], // hot water, >= 90 degC
  [0x16, 'water'], // cold water
  [0x17, 'water'], // dual register (hot/cold) water
]);

function mediumOf(deviceType: string | null, unit: string | null): MbusMedium {
  if (deviceType !== null) {
    const code = /^\d{1,3}$/.test(deviceType) ? Number.parseInt(deviceType, 10) : NaN;
    return MEDIUM_BY_DEVICE_TYPE.get(code) ?? 'unknown';
  }
  // No device type (DSMR 2.2/3 sends none on some meters): the unit is the next best hint.
  if (unit === 'm3') return 'gas';
  if (unit === 'GJ') return 'heat';
  return 'unknown';
}

/** The fields a real reading has filled in. */
export interface RealReading {
  readonly value: number;
  readonly unit: string;
  readonly timestamp: number;
}

interface Draft {
  deviceType: string | null;
  equipmentId: string | null;
  valvePosition: string | null;
  reading: DsmrReadingObject | DsmrLegacyReadingObject | null;
  readingRank: number;
}

/** Channel number of an M-Bus object id `0-n:...`, or 0 when it is not one. */
export function mbusChannelOf(obis: string): number {
  if (obis.length < 4 || obis.charCodeAt(0) !== 0x30 || obis.charCodeAt(1) !== 0x2d) return 0;
  if (obis.charCodeAt(3) !== 0x3a) return 0;
  const n = obis.charCodeAt(2) - 0x30;
  return n >= 1 && n <= 4 ? n : 0;
}

/** The M-Bus channels present in a telegram, in channel order. */
export function mbusChannels(t: DsmrTelegram): MbusChannel[] {
  const drafts: (Draft | undefined)[] = [];
  for (const o of t.objects) {
    const n = mbusChannelOf(o.obis);
    if (n === 0) continue;
    const d = (drafts[n] ??= {
      deviceType: null,
      equipmentId: null,
      valvePosition: null,
      reading: null,
      readingRank: 0,
    });
    const rest = o.obis.slice(4);
    if (o.kind === 'text') {
      if (rest === '24.1.0') d.deviceType = o.value;
      else if (rest === '96.1.0' || rest === '96.1.1') d.equipmentId ??= o.value;
      else if (rest === '24.4.0') d.valvePosition = o.value;
    } else if (o.kind === 'reading' || o.kind === 'legacy-reading') {
      const rank = rest === '24.2.1' ? 3 : rest === '24.2.3' ? 2 : 1;
      if (rank > d.readingRank) {
        d.reading = o;
        d.readingRank = rank;
      }
    }
  }
  const channels: MbusChannel[] = [];
  drafts.forEach((d, channel) => {
    if (d === undefined) return;
    channels.push({
      channel,
      deviceType: d.deviceType,
      medium: mediumOf(d.deviceType, d.reading?.unit ?? null),
      equipmentId: d.equipmentId,
      valvePosition: d.valvePosition,
      reading: d.reading,
    });
  });
  return channels;
}

/**
 * Whether a reading is a real value: placeholders on empty channels come
 * without a unit (`(00000000)`) or with an impossible date (`632525252525W`).
 */
export function isRealReading(
  r: DsmrReadingObject | DsmrLegacyReadingObject | null,
): r is (DsmrReadingObject | DsmrLegacyReadingObject) & RealReading {
  return r !== null && r.value !== null && r.unit !== null && r.timestamp !== null;
}

/**
 * A parsed telegram as the hub's DeviceEvents (protocol `dsmr`): the
 * electricity meter is one device, each M-Bus sub-meter (gas, water, heat)
 * another, each named by its own equipment id, so a gas meter keeps its
 * history when it moves to another channel or the electricity meter is
 * replaced. Per telegram: 'seen' for every meter in it, 'info' when what it
 * says about itself changes, and 'reading' for every value (telegramReadings).
 *
 * Pure apart from what it remembers between telegrams: the last info per
 * meter, and the capture time of each M-Bus value, because a DSMR 4 meter
 * repeats its hourly gas value in every telegram of the hour and that is
 * one reading, not 360.
 */
import type { DeviceEvent, DeviceInfo } from '../core/events.js';
import { mbusChannels, type MbusMedium } from './mbus.js';
import { telegramReadings } from './readings.js';
import type { DsmrObject, DsmrTelegram } from './types.js';

/** IEC 62056-21 manufacturer codes seen on P1 ports (the header's first three letters). */
const MANUFACTURERS: Readonly<Record<string, string>> = {
  ISK: 'Iskra',
  KFM: 'Kaifa',
  KMP: 'Kamstrup',
  XMX: 'Landis+Gyr',
  LGF: 'Landis+Gyr',
  ELL: 'Landis+Gyr',
  SAG: 'Sagemcom',
  ESY: 'EasyMeter',
  EMH: 'EMH',
  FLU: 'Fluvius',
  AUX: 'Ningbo Sanxing',
  SAT: 'Sagemcom',
  EST: 'EasyMeter',
};

const MBUS_MODEL: Readonly<Record<MbusMedium, string>> = {
  gas: 'gas meter',
  water: 'water meter',
  'hot-water': 'hot water meter',
  heat: 'heat meter',
  cooling: 'cooling meter',
  electricity: 'electricity sub-meter',
  unknown: 'M-Bus device',
};

/** Where meters put their own id, most specific first (research/dsmr.md 2). */
const METER_ID_OBIS = ['0-0:96.1.1', '0-0:96.1.0', '0-0:42.0.0', '0-0:96.1.255', '1-0:0.0.0'];

function text(objects: readonly DsmrObject[], obis: string): string | null {
  for (const o of objects) {
    if (o.obis !== obis) continue;
    if (o.kind === 'text') return o.value;
    if (o.kind === 'unknown') return o.groups[0]?.trim() || null;
  }
  return null;
}

/**
 * An id as a person reads it off the meter: DSMR sends ids hex-encoded
 * (`4530303434...` is `E0044...`); text that is not hex of printable
 * characters is kept as sent.
 */
export function readableId(id: string): string {
  if (id.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(id)) return id;
  const decoded = Buffer.from(id, 'hex').toString('latin1');
  return /^[\x21-\x7e]+$/.test(decoded) ? decoded : id;
}

function dsmrVersion(objects: readonly DsmrObject[]): string | undefined {
  const p1 = text(objects, '1-3:0.2.8');
  const emucs = text(objects, '0-0:96.1.4');
  const dsmr = p1 !== null && /^\d{2}$/.test(p1) ? `${p1[0]}.${p1[1]}` : undefined;
  if (emucs !== null) return `${dsmr ?? '5.0'} (e-MUCS ${emucs})`;
  return dsmr;
}

export class DsmrHubEvents {
  /** JSON of the info last sent per meter, to send it again only on change. */
  private readonly lastInfo = new Map<string, string>();
  /** `nativeId metric` -> capture time of the last M-Bus reading sent. */
  private readonly lastCapture = new Map<string, number>();

  /** The meter's nativeId: its equipment id, else its header (a meter that sends no id). */
  static meterId(t: DsmrTelegram): string {
    for (const obis of METER_ID_OBIS) {
      const id = text(t.objects, obis);
      if (id !== null) return readableId(id);
    }
    return t.header;
  }

  /** The events of one telegram received at `now` (epoch ms). */
  events(t: DsmrTelegram, now: number): DeviceEvent[] {
    const meter = DsmrHubEvents.meterId(t);
    const out: DeviceEvent[] = [{ kind: 'seen', protocol: 'dsmr', nativeId: meter, ts: now }];
    const code = t.header.slice(0, 3).toUpperCase();
    this.info(out, meter, now, {
      model: t.header,
      manufacturer: MANUFACTURERS[code] ?? code,
      dsmrVersion: dsmrVersion(t.objects),
    });
    const subIds = new Map<number, string>();
    for (const ch of mbusChannels(t)) {
      // An empty slot (Iskra AM550: no id, a placeholder value) is no meter.
      const real = ch.reading !== null && ch.reading.unit !== null;
      if (ch.equipmentId === null && !real) continue;
      // A meter without an id (DSMR 2.2/3 gas) is named by its channel on this meter.
      const id = ch.equipmentId === null ? `${meter}:ch${ch.channel}` : readableId(ch.equipmentId);
      subIds.set(ch.channel, id);
      out.push({ kind: 'seen', protocol: 'dsmr', nativeId: id, ts: now });
      this.info(out, id, now, {
        model: MBUS_MODEL[ch.medium],
        ...(ch.deviceType === null ? {} : { module: `M-Bus device type ${ch.deviceType}` }),
        name: `${MBUS_MODEL[ch.medium]} on ${meter} channel ${ch.channel}`,
      });
    }
    for (const r of telegramReadings(t, now)) {
      const { metric, value, ts } = r;
      if (r.channel === undefined) {
        out.push({ kind: 'reading', protocol: 'dsmr', nativeId: meter, metric, value, ts });
        continue;
      }
      const nativeId = subIds.get(r.channel) ?? `${meter}:ch${r.channel}`;
      const key = `${nativeId} ${metric}`;
      if (this.lastCapture.get(key) === ts) continue;
      this.lastCapture.set(key, ts);
      out.push({ kind: 'reading', protocol: 'dsmr', nativeId, metric, value, ts });
    }
    return out;
  }

  private info(out: DeviceEvent[], nativeId: string, ts: number, info: DeviceInfo): void {
    const clean = Object.fromEntries(
      Object.entries(info).filter(([, v]) => v !== undefined),
    ) as DeviceInfo;
    const json = JSON.stringify(clean);
    if (this.lastInfo.get(nativeId) === json) return;
    this.lastInfo.set(nativeId, json);
    out.push({ kind: 'info', protocol: 'dsmr', nativeId, info: clean, ts });
  }
}

/**
 * A JSON-friendly view of a parsed telegram (`dsmr parse --format telegram`):
 * every object in telegram order, timestamps as ISO 8601 with the meter's
 * own offset, the CRC as the four hex digits a person compares with `!XXXX`.
 */
import { formatCrc } from './crc16.js';
import { OBIS_TABLE } from './obis-table.js';
import { dsmrTimestampToIso } from './timestamp.js';
import type { DsmrObject, DsmrTelegram } from './types.js';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function objectJson(o: DsmrObject): { [key: string]: JsonValue } {
  const head = {
    obis: o.obis,
    description: OBIS_TABLE.get(o.obis)?.description ?? null,
    kind: o.kind,
  };
  switch (o.kind) {
    case 'number':
      return { ...head, value: o.value, unit: o.unit };
    case 'text':
      return { ...head, value: o.value };
    case 'timestamp':
      return { ...head, value: dsmrTimestampToIso(o.timestampRaw), raw: o.timestampRaw };
    case 'reading':
      return {
        ...head,
        timestamp: dsmrTimestampToIso(o.timestampRaw),
        timestampRaw: o.timestampRaw,
        value: o.value,
        unit: o.unit,
      };
    case 'legacy-reading':
      return {
        ...head,
        timestamp: dsmrTimestampToIso(o.timestampRaw),
        timestampRaw: o.timestampRaw,
        status: o.status,
        intervalMinutes: o.intervalMinutes,
        valueObis: o.valueObis,
        value: o.value,
        unit: o.unit,
      };
    case 'event-log':
      return {
        ...head,
        count: o.count,
        bufferObis: o.bufferObis,
        events: o.events.map((e) => ({
          end: dsmrTimestampToIso(e.endRaw),
          endRaw: e.endRaw,
          duration: e.duration,
          unit: e.unit,
        })),
      };
    case 'peak-history':
      return {
        ...head,
        count: o.count,
        entries: o.entries.map((e) => ({
          month: dsmrTimestampToIso(e.monthRaw),
          monthRaw: e.monthRaw,
          occurred: dsmrTimestampToIso(e.occurredRaw),
          occurredRaw: e.occurredRaw,
          value: e.value,
          unit: e.unit,
        })),
      };
    case 'unknown':
      return { ...head, groups: [...o.groups] };
  }
}

export function telegramToJson(t: DsmrTelegram): { [key: string]: JsonValue } {
  const clock = t.objects.find((o) => o.obis === '0-0:1.0.0' && o.kind === 'timestamp');
  return {
    header: t.header,
    crc: t.crc === null ? null : formatCrc(t.crc),
    crcChecked: t.crcChecked,
    timestamp: clock?.kind === 'timestamp' ? dsmrTimestampToIso(clock.timestampRaw) : null,
    objects: t.objects.map(objectJson),
    ...(t.malformedLines.length > 0 ? { malformedLines: [...t.malformedLines] } : {}),
  };
}

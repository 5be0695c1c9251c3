/**
 * Turns one COSEM object (its id and the bounds of its parenthesised groups
 * in the telegram text) into a typed `DsmrObject`, by the kind the OBIS
 * table gives it. A known code whose groups do not have the expected layout
 * becomes an `unknown` object with its raw groups, so nothing is lost.
 */
import type { ObisDef } from './obis-table.js';
import { readDsmrTimestamp } from './timestamp.js';
import type {
  DsmrEventLogObject,
  DsmrLegacyReadingObject,
  DsmrMonthlyPeak,
  DsmrObject,
  DsmrPeakHistoryObject,
  DsmrPowerFailure,
  DsmrUnknownObject,
} from './types.js';
import { NumberSlot, groupText, readNumber, readText } from './values.js';

/**
 * The groups of the object being decoded: `bounds[2k]` .. `bounds[2k + 1]`
 * is the text inside the k-th pair of parentheses. Reused across objects of
 * one telegram; `wrapped` says some group spans a line break.
 */
export interface GroupBounds {
  bounds: number[];
  count: number;
  wrapped: boolean;
}

function start(g: GroupBounds, k: number): number {
  return g.bounds[2 * k]!;
}
function end(g: GroupBounds, k: number): number {
  return g.bounds[2 * k + 1]!;
}

function unknown(obis: string, s: string, g: GroupBounds): DsmrUnknownObject {
  const groups: string[] = new Array<string>(g.count);
  for (let k = 0; k < g.count; k++) groups[k] = groupText(s, start(g, k), end(g, k), g.wrapped);
  return { kind: 'unknown', obis, groups };
}

function integer(
  s: string,
  b: Uint8Array,
  g: GroupBounds,
  k: number,
  slot: NumberSlot,
): number | null {
  readNumber(s, b, start(g, k), end(g, k), null, slot);
  return slot.value;
}

function eventLog(
  obis: string,
  s: string,
  b: Uint8Array,
  g: GroupBounds,
  slot: NumberSlot,
): DsmrEventLogObject {
  const count = g.count > 0 ? (integer(s, b, g, 0, slot) ?? 0) : 0;
  const bufferObis = g.count > 1 ? readText(s, start(g, 1), end(g, 1), g.wrapped) : null;
  const events: DsmrPowerFailure[] = [];
  for (let k = 2; k + 1 < g.count; k += 2) {
    readNumber(s, b, start(g, k + 1), end(g, k + 1), 's', slot);
    events.push({
      end: readDsmrTimestamp(b, start(g, k), end(g, k)),
      endRaw: s.slice(start(g, k), end(g, k)),
      duration: slot.value,
      unit: slot.unit,
    });
  }
  return { kind: 'event-log', obis, count, bufferObis, events };
}

function looksLikeObis(s: string, from: number, to: number): boolean {
  const colon = s.indexOf(':', from);
  return colon >= 0 && colon < to;
}

function peakHistory(
  obis: string,
  s: string,
  b: Uint8Array,
  g: GroupBounds,
  def: ObisDef,
  slot: NumberSlot,
): DsmrPeakHistoryObject | DsmrUnknownObject {
  // Belgian layout: (n)(1-0:1.6.0)(1-0:1.6.0) then n x (month)(occurred)(kW).
  // Hungarian meters use the same code for billing values in another layout.
  if (g.count < 3 || !looksLikeObis(s, start(g, 1), end(g, 1))) return unknown(obis, s, g);
  const count = integer(s, b, g, 0, slot) ?? 0;
  const entries: DsmrMonthlyPeak[] = [];
  for (let k = 3; k + 2 < g.count; k += 3) {
    readNumber(s, b, start(g, k + 2), end(g, k + 2), def.unit, slot);
    entries.push({
      month: readDsmrTimestamp(b, start(g, k), end(g, k)),
      monthRaw: s.slice(start(g, k), end(g, k)),
      occurred: readDsmrTimestamp(b, start(g, k + 1), end(g, k + 1)),
      occurredRaw: s.slice(start(g, k + 1), end(g, k + 1)),
      value: slot.value,
      unit: slot.unit,
    });
  }
  return { kind: 'peak-history', obis, count, entries };
}

function legacyReading(
  obis: string,
  s: string,
  b: Uint8Array,
  g: GroupBounds,
  slot: NumberSlot,
): DsmrLegacyReadingObject | DsmrUnknownObject {
  // (TST)(status)(interval)(values)(0-n:24.2.1)(unit) and (value) on the next line.
  if (g.count < 7) return unknown(obis, s, g);
  const unitText = readText(s, start(g, 5), end(g, 5), false);
  const intervalMinutes = integer(s, b, g, 2, slot);
  // The unit group names the unit of the value group that follows.
  readNumber(s, b, start(g, 5), end(g, 5), null, slot);
  const unit = unitText === null ? null : slot.unit;
  readNumber(s, b, start(g, 6), end(g, 6), unit, slot);
  return {
    kind: 'legacy-reading',
    obis,
    timestamp: readDsmrTimestamp(b, start(g, 0), end(g, 0)),
    timestampRaw: s.slice(start(g, 0), end(g, 0)),
    status: s.slice(start(g, 1), end(g, 1)),
    intervalMinutes,
    valueObis: s.slice(start(g, 4), end(g, 4)),
    value: slot.value,
    unit: slot.unit,
  };
}

/** Decodes one object (`def` from the OBIS table, if it knows the id); `slot` is the caller's scratch for numbers. */
export function decodeObject(
  def: ObisDef | undefined,
  obis: string,
  s: string,
  b: Uint8Array,
  g: GroupBounds,
  slot: NumberSlot,
): DsmrObject {
  if (def === undefined) return unknown(obis, s, g);
  switch (def.kind) {
    case 'number':
      if (g.count !== 1) break;
      readNumber(s, b, start(g, 0), end(g, 0), def.unit, slot);
      return { kind: 'number', obis, value: slot.value, unit: slot.unit };
    case 'text':
      if (g.count !== 1) break;
      return { kind: 'text', obis, value: readText(s, start(g, 0), end(g, 0), g.wrapped) };
    case 'timestamp':
      if (g.count !== 1) break;
      return {
        kind: 'timestamp',
        obis,
        timestamp: readDsmrTimestamp(b, start(g, 0), end(g, 0)),
        timestampRaw: s.slice(start(g, 0), end(g, 0)),
      };
    case 'reading':
      if (g.count !== 2) break;
      readNumber(s, b, start(g, 1), end(g, 1), def.unit, slot);
      return {
        kind: 'reading',
        obis,
        timestamp: readDsmrTimestamp(b, start(g, 0), end(g, 0)),
        timestampRaw: s.slice(start(g, 0), end(g, 0)),
        value: slot.value,
        unit: slot.unit,
      };
    case 'event-log':
      return eventLog(obis, s, b, g, slot);
    case 'peak-history':
      return peakHistory(obis, s, b, g, def, slot);
    case 'legacy-reading':
      return legacyReading(obis, s, b, g, slot);
  }
  return unknown(obis, s, g);
}

/**
 * The parsed shape of a DSMR P1 telegram. Every COSEM object line of the
 * telegram becomes one `DsmrObject`, in telegram order, known or not: a
 * repeated code (ACE4000 hourly gas values) is kept as many times as it
 * appears, and an object the table does not know is kept with its raw groups.
 *
 * Numbers are scaled to the DSMR units (kWh, kW, kvarh, kvar, kVA, m3, GJ, V,
 * A, Hz, s): Austrian and EasyMeter values sent in Wh/W/varh/var are divided
 * by 1000 at parse time, so a consumer never has to look at the meter brand.
 * Timestamps are epoch milliseconds; the text the meter sent is kept beside
 * them (`timestampRaw`) because it carries the meter's own DST flag.
 */

interface DsmrObjectBase {
  /** Reduced OBIS id `A-B:C.D.E` (a `.255` / `*255` value group F removed). */
  readonly obis: string;
}

/** `(value*unit)`, `(value)` or `(valueunit)`. */
export interface DsmrNumberObject extends DsmrObjectBase {
  readonly kind: 'number';
  /** null when the group is empty or not a number. */
  readonly value: number | null;
  /** Canonical unit; the table's default when the meter sent none; null for counts. */
  readonly unit: string | null;
}

/** Strings: ids (hex as sent), tariff `0001`, versions, messages (hex as sent). */
export interface DsmrTextObject extends DsmrObjectBase {
  readonly kind: 'text';
  /** null for `()`. */
  readonly value: string | null;
}

/** `0-0:1.0.0(YYMMDDhhmmssX)`. */
export interface DsmrTimestampObject extends DsmrObjectBase {
  readonly kind: 'timestamp';
  /** Epoch ms; null when the text is not a valid date. */
  readonly timestamp: number | null;
  readonly timestampRaw: string;
}

/** `(TST)(value*unit)`: M-Bus readings (24.2.1, 24.2.3) and the Belgian monthly peak (1.6.0). */
export interface DsmrReadingObject extends DsmrObjectBase {
  readonly kind: 'reading';
  /** Capture time, epoch ms; null for placeholders such as `632525252525W`. */
  readonly timestamp: number | null;
  readonly timestampRaw: string;
  readonly value: number | null;
  /** null when the meter sent no unit (placeholders such as `(00000000)`). */
  readonly unit: string | null;
}

export interface DsmrPowerFailure {
  /** End of the failure, epoch ms (null when invalid). */
  readonly end: number | null;
  readonly endRaw: string;
  /** Duration, in `unit` (seconds in every meter seen). */
  readonly duration: number | null;
  readonly unit: string | null;
}

/** `1-0:99.97.0(n)(0-0:96.7.19)(TST)(dur*s)...`, also the empty `()` form. */
export interface DsmrEventLogObject extends DsmrObjectBase {
  readonly kind: 'event-log';
  /** The count the meter announced (0 for `()`). */
  readonly count: number;
  /** The buffer's OBIS id as sent (`0-0:96.7.19`); null when absent. */
  readonly bufferObis: string | null;
  readonly events: readonly DsmrPowerFailure[];
}

export interface DsmrMonthlyPeak {
  /** Start of the month the peak belongs to, epoch ms. */
  readonly month: number | null;
  readonly monthRaw: string;
  /** When the peak occurred, epoch ms (null for placeholder timestamps). */
  readonly occurred: number | null;
  readonly occurredRaw: string;
  readonly value: number | null;
  readonly unit: string | null;
}

/** Belgian `0-0:98.1.0(n)(1-0:1.6.0)(1-0:1.6.0)` + n x `(month)(occurred)(kW)`. */
export interface DsmrPeakHistoryObject extends DsmrObjectBase {
  readonly kind: 'peak-history';
  readonly count: number;
  readonly entries: readonly DsmrMonthlyPeak[];
}

/** DSMR 2.2/3 `0-n:24.3.0(TST)(status)(60)(1)(0-n:24.2.1)(m3)` + `(value)` on the next line. */
export interface DsmrLegacyReadingObject extends DsmrObjectBase {
  readonly kind: 'legacy-reading';
  /** Capture time; these timestamps carry no DST flag, so Dutch local time is assumed. */
  readonly timestamp: number | null;
  readonly timestampRaw: string;
  readonly status: string;
  readonly intervalMinutes: number | null;
  readonly valueObis: string;
  readonly value: number | null;
  readonly unit: string | null;
}

/**
 * An object the table does not know, or a known code in a layout it does
 * not expect (Hungarian 0-0:98.1.0 billing values). Kept, never dropped.
 */
export interface DsmrUnknownObject extends DsmrObjectBase {
  readonly kind: 'unknown';
  /** The text inside each pair of parentheses (line breaks inside a group removed). */
  readonly groups: readonly string[];
}

export type DsmrObject =
  | DsmrNumberObject
  | DsmrTextObject
  | DsmrTimestampObject
  | DsmrReadingObject
  | DsmrEventLogObject
  | DsmrPeakHistoryObject
  | DsmrLegacyReadingObject
  | DsmrUnknownObject;

export type DsmrObjectKind = DsmrObject['kind'];

export interface DsmrTelegram {
  /** Identification line after `/` (latin1), e.g. `KFM5KAIFA-METER`. */
  readonly header: string;
  /** The CRC the meter sent, as a number; null when the telegram carries none (DSMR 2.2/3, Q3D). */
  readonly crc: number | null;
  /** True when a CRC was sent and matched the bytes; false when there was none or it was not verified. */
  readonly crcChecked: boolean;
  /** Telegram time (0-0:1.0.0) in epoch ms; null when absent or invalid. */
  readonly timestamp: number | null;
  readonly objects: readonly DsmrObject[];
  /** Lines between header and `!` that are not `id(value)` objects, kept for inspection. */
  readonly malformedLines: readonly string[];
}

/** Why a telegram (or an encrypted frame) was not accepted. */
export type DsmrRejectReason =
  /** The CRC after `!` does not match the bytes. */
  | 'crc-mismatch'
  /** No CRC where one is required (DSMR 4+), or a CRC-less block that does not look like a telegram. */
  | 'crc-missing'
  /** A new `/` arrived before `!`, or the input ended inside a telegram. */
  | 'truncated'
  /** More bytes than the framer's limit without reaching `!`. */
  | 'oversize'
  /** Not a telegram: no `/` header or `!` end, or garbage where the CRC line should be. */
  | 'malformed'
  /** The telegram time is further in the future than allowed (a meter with a wrong clock). */
  | 'future-timestamp'
  /** An encrypted frame that does not decrypt (wrong key/AAD, unsupported security). */
  | 'decrypt-failed';

export interface DsmrRejection {
  readonly ok: false;
  readonly reason: DsmrRejectReason;
  /** One line a person can act on. */
  readonly message: string;
}

export type DsmrParseResult =
  { readonly ok: true; readonly telegram: DsmrTelegram } | DsmrRejection;

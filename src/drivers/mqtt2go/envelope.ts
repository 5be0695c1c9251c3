/**
 * The MQTT2GO message envelope in every shape research §2.2 lists, read into
 * one form:
 * - 1.x: `type` "command"/"report", kind in `command_type` / `report_type`,
 *   what it is about in `report_name` (or, in the 1.x data-structure page,
 *   `"report_type":"OnReport"` without a report_name);
 * - 2.x: `type` carries the command or report type, the topic's entity
 *   replaces report_name; the socket examples omit `type` altogether;
 * - the payload sits under `report` or `value` (all 2.x pages disagree; the
 *   recommended state report carries both);
 * - `timestamp` in Unix seconds (spec, firmware) or milliseconds (the TV
 *   dashboard).
 */
import { DecodeError } from '../../core/driver.js';

export interface Envelope {
  readonly type?: string;
  readonly commandType?: string;
  readonly reportType?: string;
  readonly reportName?: string;
  readonly priority?: unknown;
  readonly timestamp?: unknown;
  /** `report` when present, else `value`. */
  readonly body: unknown;
}

/** 1.x command types (1.2 objects page) and the 2.x `type`s a controller sends. */
const COMMAND_TYPES: ReadonlySet<string> = new Set([
  'command',
  'set',
  'set_timer',
  'query',
  'query_all',
  'setup',
  'control',
]);

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

export function parseEnvelope(topic: string, payload: Buffer): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new DecodeError(`${topic}: payload is not JSON`, topic);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new DecodeError(`${topic}: payload is not a JSON object`, topic);
  const o = json as Record<string, unknown>;
  return {
    type: optionalString(o, 'type'),
    commandType: optionalString(o, 'command_type'),
    reportType: optionalString(o, 'report_type'),
    reportName: optionalString(o, 'report_name'),
    priority: o.priority_level,
    timestamp: o.timestamp,
    body: o.report !== undefined ? o.report : o.value,
  };
}

/**
 * A command (from us or another controller), not something a device said.
 * On 1.x topics commands and reports share the topic, so the hub reads its
 * own commands back and must skip them.
 */
export function isCommand(env: Envelope): boolean {
  if (env.commandType !== undefined) return true;
  if (env.reportType !== undefined || env.reportName !== undefined) return false;
  return env.type !== undefined && COMMAND_TYPES.has(env.type);
}

/**
 * What a 1.x report is about, lower-cased, without a `Report` suffix:
 * `report_name` ("consumption", 1.0's "OnReport"), else a `<Name>Report`
 * in report_type (1.x data-structure page: `"report_type":"OnReport"`).
 */
export function reportSubject(env: Envelope): string | undefined {
  const named = env.reportName ?? (env.reportType?.endsWith('Report') ? env.reportType : undefined);
  if (named === undefined) return undefined;
  const s = named.toLowerCase();
  return s.length > 6 && s.endsWith('report') ? s.slice(0, -6) : s;
}

/** Earliest device time taken at face value (2015-01-01): earlier means a clock never set. */
const EARLIEST_PLAUSIBLE_MS = 1_420_070_400_000;
/** A device clock ahead of ours by more than this is not believed. */
const MAX_AHEAD_MS = 5 * 60_000;
/** Unix seconds stay below this for millennia; milliseconds are above it since 1973. */
const SECONDS_LIMIT = 1e11;

export type TimeResult = { ok: true; ts: number } | { ok: false; ts: number; reason: string };

/**
 * When the message was made, in epoch ms: the device's timestamp (seconds or
 * milliseconds) when it is believable, else `now` (a socket without NTP
 * counts from 1970). A timestamp that is not a number is a rejected field.
 */
export function messageTime(raw: unknown, now: number): TimeResult {
  if (raw === undefined) return { ok: true, ts: now };
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    return { ok: false, ts: now, reason: `timestamp is not a Unix time: ${JSON.stringify(raw)}` };
  const ms = n < SECONDS_LIMIT ? Math.round(n * 1000) : Math.round(n);
  return { ok: true, ts: ms >= EARLIEST_PLAUSIBLE_MS && ms <= now + MAX_AHEAD_MS ? ms : now };
}

/** priority_level: 1–5 in 1.x, 1–4 in 2.x; kept when it is one of those. */
export function priorityOf(raw: unknown): { priority?: number; reason?: string } {
  if (raw === undefined) return {};
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 5)
    return { priority: raw };
  return { reason: `priority_level must be an integer 1..5, got ${JSON.stringify(raw)}` };
}

/**
 * One MQTT2GO message from a socket into events. What a message is about
 * comes from the 2.x topic entity or the 1.x report_name; the envelope may be
 * of any version (real systems mix them, research §2.6).
 *
 * Every device message yields one `seen` (receive time, so the hub learns the
 * socket's report period on its own clock); readings and states carry the
 * device's timestamp when it is believable. A bad field is rejected alone; a
 * message with nothing usable left is a DecodeError.
 */
import { DecodeError } from '../../core/driver.js';
import type { DeviceEvent, DeviceInfo } from '../../core/events.js';
import { isCommand, messageTime, parseEnvelope, priorityOf, reportSubject } from './envelope.js';
import { DEFAULT_UNIT, measurement } from './measures.js';
import type { SocketMemos } from './memo.js';
import { parseTopic } from './topics.js';

/** Subjects that mean the relay state (2.x entities, 1.x report names). */
const STATE_SUBJECTS: ReadonlySet<string> = new Set(['switch', 'state', 'on']);

/** Reads on/off in the spellings seen: "on"/"On"/"ON", booleans, 1/0. */
function parseOnOff(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'on' || s === 'true' || s === '1') return true;
  if (s === 'off' || s === 'false' || s === '0') return false;
  return undefined;
}

/** `{"value":"on"}` where a bare "on" was expected. */
function unwrapValue(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'value' in body)
    return (body as { value: unknown }).value;
  return body;
}

/** The about answer's `value` (device_id, topics, status) as device info. */
function aboutInfo(body: unknown): DeviceInfo | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  const info: DeviceInfo = { relayCount: 1 };
  if (typeof o.name === 'string') info.name = o.name;
  if (typeof o.device_name === 'string') info.name = o.device_name;
  if (typeof o.firmware === 'string') info.firmware = o.firmware;
  return info;
}

export function decodeMessage(
  topic: string,
  payload: Buffer,
  now: number,
  memos: SocketMemos,
): DeviceEvent[] {
  const parsed = parseTopic(topic);
  // Commands to devices, and retained messages being cleared, say nothing of a device.
  if (parsed === undefined || parsed.direction === 'in' || payload.length === 0) return [];
  const env = parseEnvelope(topic, payload);
  const { address } = parsed;
  // 1.x commands share the device's topic; on a 2.x `out` topic the
  // direction says it comes from the device, whatever its `type` (an echo
  // that kept our "set" still confirms the switch).
  if (address.version === 1 && isCommand(env)) return [];
  const subject = parsed.entity ?? reportSubject(env);
  if (subject === undefined)
    throw new DecodeError(`${topic}: 1.x report without report_name`, topic);

  const nativeId = address.devId;
  const base = { protocol: 'mqtt2go', nativeId } as const;
  const events: DeviceEvent[] = [{ ...base, kind: 'seen', ts: now }];
  // An error report (`value: {event, reason}`) says a command failed; the
  // command's own timeout tells the user. The socket is alive.
  if (env.type === 'error' || env.reportType === 'error') {
    memos.learnAddress(address);
    return events;
  }
  const rejected: string[] = [];
  let facts = 0;
  const time = messageTime(env.timestamp, now);
  if (!time.ok) rejected.push(time.reason);
  const ts = time.ts;

  if (STATE_SUBJECTS.has(subject)) {
    const raw = unwrapValue(env.body);
    const on = parseOnOff(raw);
    if (on !== undefined) {
      facts++;
      events.push({ ...base, kind: 'state', relay: 1, on, ts });
      memos.learnState(nativeId, on);
    } else if (raw !== 'repair_needed') {
      rejected.push(`${subject} is not on/off: ${JSON.stringify(raw)}`);
    }
  } else if (Object.hasOwn(DEFAULT_UNIT, subject)) {
    const m = measurement(subject, env.body);
    if (m.ok) {
      facts++;
      const p = priorityOf(env.priority);
      if (p.reason !== undefined) rejected.push(p.reason);
      events.push(
        p.priority === undefined
          ? { ...base, kind: 'reading', metric: m.metric, value: m.value, ts }
          : {
              ...base,
              kind: 'reading',
              metric: m.metric,
              value: m.value,
              ts,
              priority: p.priority,
            },
      );
    } else {
      rejected.push(m.reason);
    }
  } else if (subject === 'about') {
    const info = aboutInfo(env.body);
    if (info) {
      facts++;
      events.push({ ...base, kind: 'info', info, ts: now });
    } else rejected.push(`about answer without a value object: ${JSON.stringify(env.body)}`);
  } else if (subject === 'remove') {
    const done = parseOnOff(env.body);
    if (done === true) {
      facts++;
      events.push({
        ...base,
        kind: 'removed',
        reason: 'the socket confirmed remove and resets to factory settings',
        ts: now,
      });
      memos.forget(nativeId);
    } else if (done === undefined) {
      rejected.push(`remove answer is not true/false: ${JSON.stringify(env.body)}`);
    }
  }
  // timer confirmations, errors and other reports: the socket is alive, nothing more.

  if (rejected.length > 0 && facts === 0)
    throw new DecodeError(`${topic}: ${rejected.join('; ')}`, topic);
  if (subject !== 'remove') memos.learnAddress(address);
  if (rejected.length > 0)
    events.push({ ...base, kind: 'rejected', reason: `${topic}: ${rejected.join('; ')}`, ts: now });
  return events;
}

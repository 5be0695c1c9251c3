import { DecodeError } from '../../core/driver.js';
import type { DeviceEvent } from '../../core/events.js';

/** IoToad's collectors publish `{"data": [records]}`; plain SenML is a bare array. */
function recordsOf(body: unknown, topic: string): unknown[] {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object' && Array.isArray((body as { data?: unknown }).data))
    return (body as { data: unknown[] }).data;
  throw new DecodeError('expected SenML records: an array, or {"data": [records]}', topic);
}

/**
 * SenML times are seconds; some collectors send milliseconds or nanoseconds.
 * Small values are relative to now (RFC 8428: under 2^28 s).
 */
function toMs(t: number, now: number): number {
  const abs = Math.abs(t);
  if (abs < 2 ** 28) return now + t * 1000;
  if (abs > 1e17) return t / 1e6;
  if (abs > 1e11) return t;
  return t * 1000;
}

const METRIC = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Turn the SenML records other collectors publish on
 * `data/<source>/influx_data/<db>` into events of protocol `senml`. A record
 * names `<device id>/<measurement>` through bn + n; base fields carry over to
 * the records after them, as RFC 8428 says. A bad record is rejected alone.
 */
export function decodeSenml(topic: string, payload: Buffer, now: number): DeviceEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new DecodeError(`SenML payload is not JSON: ${(err as Error).message}`, topic);
  }
  const records = recordsOf(body, topic);
  const events: DeviceEvent[] = [];
  let bn = '';
  let bt = 0;
  for (const [i, raw] of records.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      events.push(...rejected(topic, `record ${i} is not an object`, now));
      continue;
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.bn === 'string') bn = r.bn;
    if (typeof r.bt === 'number') bt = r.bt;
    if (Object.keys(r).length === 0) continue; // sp_data publishes [{}] for an unknown plug
    const name = bn + (typeof r.n === 'string' ? r.n : '');
    const cut = name.lastIndexOf('/');
    const id = name.slice(0, cut).replace(/^\/+/, '');
    const measurement = name.slice(cut + 1).toLowerCase();
    if (cut <= 0 || id === '' || /[#+\s]/.test(id) || !METRIC.test(measurement)) {
      if (r.v === undefined && r.vb === undefined) continue; // a base record without a value
      events.push(
        ...rejected(topic, `record ${i}: name "${name}" is not <device id>/<measurement>`, now),
      );
      continue;
    }
    const value =
      typeof r.v === 'number' ? r.v : typeof r.vb === 'boolean' ? Number(r.vb) : undefined;
    if (value === undefined || !Number.isFinite(value)) {
      events.push(...rejected(topic, `record ${i} (${name}): no numeric value (v or vb)`, now, id));
      continue;
    }
    const t = typeof r.t === 'number' ? r.t : 0;
    const ts = Math.round(bt === 0 && t === 0 ? now : toMs(bt + t, now));
    const ref = { protocol: 'senml' as const, nativeId: id };
    events.push({ ...ref, kind: 'seen', ts });
    if (measurement === 'status')
      events.push({ ...ref, kind: 'state', relay: 1, on: value !== 0, ts });
    else events.push({ ...ref, kind: 'reading', metric: measurement, value, ts });
  }
  return events;
}

function rejected(topic: string, reason: string, ts: number, id?: string): DeviceEvent[] {
  // Without a device the rejection still counts; it is filed under the topic.
  return [{ kind: 'rejected', protocol: 'senml', nativeId: id ?? topic, reason, ts }];
}

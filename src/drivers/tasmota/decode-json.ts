/**
 * The JSON device messages (SENSOR, STATE, RESULT, STATUS<n>, INFO<n>):
 * each is parsed once, yields one `seen`, and then its family's decoder
 * adds what it carries. SENSOR is the hot path (every plug, every
 * TelePeriod): one parse, one context object, no closures.
 */
import type { DeviceEvent } from '../../core/events.js';
import { DecodeContext, parseObject } from './context.js';
import type { DeviceMemos } from './device-memo.js';
import { decodePowers, decodeResult } from './decode-power.js';
import { decodeInfo, decodeStatus } from './decode-status.js';
import { decodeEnergy, messageTime } from './sensor.js';

/** Which JSON message a topic carries, as the driver told it from the subtopic. */
export type JsonMessage = 'SENSOR' | 'STATE' | 'RESULT' | 'STATUS' | 'INFO';

export function decodeJson(
  kind: JsonMessage,
  topic: string,
  nativeId: string,
  payload: Buffer,
  now: number,
  memos: DeviceMemos,
): DeviceEvent[] {
  const obj = parseObject(topic, payload);
  const ctx = new DecodeContext(topic, nativeId, now);
  ctx.seen();
  switch (kind) {
    case 'SENSOR':
      if (obj.ENERGY !== undefined) decodeEnergy(ctx, obj.ENERGY, messageTime(obj, now));
      break;
    case 'STATE':
      decodePowers(ctx, obj, messageTime(obj, now), true, memos);
      break;
    case 'RESULT':
      decodeResult(ctx, obj, memos);
      break;
    case 'STATUS':
      decodeStatus(ctx, obj, memos);
      break;
    case 'INFO':
      decodeInfo(ctx, obj, memos);
      break;
  }
  return ctx.finish();
}

/**
 * Command payload encodings Tasmota's firmware expects (PulseTime, Timer).
 * Out-of-range input is a HubError('bad_request') with a message a person
 * can act on.
 */
import type { OutboundMessage, PowerState } from '../../core/commands.js';
import { HubError } from '../../core/errors.js';
import { MAX_RELAY, POWER_PAYLOAD } from './payload.js';
import { isPlainTopicText } from './topics.js';

/** Longest countdown PulseTime can hold: 64900 = 64800 s + 100 (18 h). */
export const MAX_PULSE_SECONDS = 64_800;
/** Tasmota Timer1..Timer16, and Timer `Output` 1..16. */
export const MAX_TIMER_SLOT = 16;
export const MAX_TIMER_OUTPUT = 16;

/** Commands are never retained: a retained cmnd/ causes "ghost switching". */
export function message(topic: string, payload: string): OutboundMessage {
  return { topic, payload, retain: false };
}

export function checkRelay(relay: number, max = MAX_RELAY): void {
  if (!Number.isInteger(relay) || relay < 1 || relay > max) {
    throw new HubError('bad_request', `relay must be an integer from 1 to ${max}, got ${relay}`);
  }
}

export function checkPowerState(state: string): asserts state is PowerState {
  if (!Object.hasOwn(POWER_PAYLOAD, state)) {
    throw new HubError(
      'bad_request',
      `power state must be on, off or toggle, got ${String(state)}`,
    );
  }
}

/**
 * PulseTime value for a countdown (firmware SetPulseTimer): 1..111 are
 * 0.1 s steps (0.1..11.1 s), 112..64900 are whole seconds + 100 (12 s..18 h).
 * Rounds to the nearest value the firmware can hold.
 */
export function pulseTimeValue(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > MAX_PULSE_SECONDS) {
    throw new HubError(
      'bad_request',
      `countdown must be between 0.1 and ${MAX_PULSE_SECONDS} seconds (18 h), got ${seconds}`,
    );
  }
  const tenths = Math.round(seconds * 10);
  if (tenths <= 111) return tenths;
  const whole = Math.round(seconds);
  if (whole >= 12) return whole + 100;
  // Between 11.1 s (111) and 12 s (112): take the nearer.
  return seconds - 11.1 < 12 - seconds ? 111 : 112;
}

/**
 * `hh:mm` from `hh:mm:ss` or `hh:mm`. Tasmota timers fire on the minute, so
 * seconds other than 00 are refused: dropping them would run the timer at
 * another time than the one the caller was told was set.
 */
export function timerTime(time: string): string {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  const sec = m?.[3] === undefined ? 0 : Number(m[3]);
  if (!(h >= 0 && h <= 23 && min >= 0 && min <= 59 && sec >= 0 && sec <= 59)) {
    throw new HubError(
      'bad_request',
      `timer time must be hh:mm:ss (00:00:00..23:59:59), got ${time}`,
    );
  }
  const hhmm = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  if (sec !== 0)
    throw new HubError(
      'bad_request',
      `Tasmota timers fire on whole minutes: give ${hhmm} or ${hhmm}:00, not ${time}`,
    );
  return hhmm;
}

/**
 * The JSON for `Timer<n>`: a daily (all seven days), repeating clock timer
 * without random window, switching `output` on (Action 1) or off (Action 0).
 */
export function timerPayload(output: number, hhmm: string, on: boolean, enabled: boolean): string {
  return (
    `{"Enable":${enabled ? 1 : 0},"Mode":0,"Time":"${hhmm}","Window":0,"Days":"1111111",` +
    `"Repeat":1,"Output":${output},"Action":${on ? 1 : 0}}`
  );
}

/**
 * `cmnd/<group>/POWER`: switches every device listening on the GroupTopic
 * (Tasmota's default group is `tasmotas`). Not retained.
 */
export function encodeGroupPower(
  groupTopic: string,
  state: PowerState,
  cmndPrefix = 'cmnd',
): OutboundMessage {
  if (!isPlainTopicText(groupTopic)) {
    throw new HubError(
      'bad_request',
      `group topic must be non-empty and without wildcards, got ${JSON.stringify(groupTopic)}`,
    );
  }
  checkPowerState(state);
  return message(`${cmndPrefix}/${groupTopic}/POWER`, POWER_PAYLOAD[state]);
}

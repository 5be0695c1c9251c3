/**
 * A canonical command as the `cmnd/` messages a Tasmota device obeys. What
 * the driver learned about the device (relay count, a non-default command
 * topic, countdowns it armed) decides the topics; payload encodings are in
 * encode.ts.
 */
import type { Command, OutboundMessage } from '../../core/commands.js';
import { HubError } from '../../core/errors.js';
import type { NativeRef } from '../../core/events.js';
import { show } from './context.js';
import type { DeviceMemo, DeviceMemos } from './device-memo.js';
import {
  checkPowerState,
  checkRelay,
  MAX_TIMER_OUTPUT,
  MAX_TIMER_SLOT,
  message,
  pulseTimeValue,
  timerPayload,
  timerTime,
} from './encode.js';
import { POWER_PAYLOAD } from './payload.js';
import { isPlainTopicText } from './topics.js';

export function encodeCommand(
  device: NativeRef,
  command: Command,
  memos: DeviceMemos,
  cmndPrefix: string,
): OutboundMessage[] {
  if (device.protocol !== 'tasmota') {
    throw new HubError('bad_request', `not a Tasmota device: ${device.protocol}`);
  }
  const id = device.nativeId;
  if (!isPlainTopicText(id)) {
    throw new HubError(
      'bad_request',
      `Tasmota Topic must be non-empty, without wildcards: ${show(id)}`,
    );
  }
  const memo = memos.get(id);
  const base = memo?.cmndBase ?? `${cmndPrefix}/${id}/`;

  switch (command.kind) {
    case 'power': {
      checkRelay(command.relay);
      checkPowerState(command.state);
      const out: OutboundMessage[] = [];
      const bit = 1 << (command.relay - 1);
      if (command.state !== 'off' && memo !== undefined && (memo.pulseArmed & bit) !== 0) {
        // A countdown we set left PulseTime armed: without clearing it, this
        // plain "on" would switch off again when the old countdown runs out.
        out.push(message(`${base}PulseTime${command.relay}`, '0'));
      }
      out.push(message(base + powerName(memo, command.relay), POWER_PAYLOAD[command.state]));
      return out;
    }
    case 'poll':
      return [message(`${base}STATE`, ''), message(`${base}STATUS`, '10')];
    case 'countdown': {
      if (command.state !== 'off') {
        throw new HubError(
          'unsupported',
          'Tasmota can only count down to off (PulseTime: on now, off when it expires); ' +
            'a countdown to on is not supported',
        );
      }
      checkRelay(command.relay);
      const value = pulseTimeValue(command.seconds);
      memos.of(id).pulseArmed |= 1 << (command.relay - 1);
      return [
        message(`${base}PulseTime${command.relay}`, String(value)),
        message(base + powerName(memo, command.relay), 'ON'),
      ];
    }
    case 'timer': {
      const { slot, relay } = command;
      if (!Number.isInteger(slot) || slot < 1 || slot > MAX_TIMER_SLOT) {
        throw new HubError('bad_request', `timer slot must be 1 to ${MAX_TIMER_SLOT}, got ${slot}`);
      }
      checkRelay(relay, MAX_TIMER_OUTPUT);
      if (command.state !== 'on' && command.state !== 'off') {
        throw new HubError(
          'bad_request',
          `timer state must be on or off, got ${String(command.state)}`,
        );
      }
      const hhmm = timerTime(command.time);
      const out = [
        message(
          `${base}Timer${slot}`,
          timerPayload(relay, hhmm, command.state === 'on', command.enabled),
        ),
      ];
      // Timers only run while the global switch is on (`Timers 1`).
      if (command.enabled) out.push(message(`${base}Timers`, '1'));
      return out;
    }
    default: {
      const unknown: never = command;
      throw new HubError(
        'unsupported',
        `unknown command ${show((unknown as { kind?: unknown }).kind)}`,
      );
    }
  }
}

/**
 * The command name for `relay`. Relay 1 is commanded as `POWER` unless the
 * device is known (discovery `rl`, or a STATE listing POWER1..n) to have
 * more than one relay, then `POWER1`. Both forms switch relay 1 on real
 * firmware.
 */
function powerName(memo: DeviceMemo | undefined, relay: number): string {
  if (relay === 1 && (memo?.relayCount === undefined || memo.relayCount <= 1)) return 'POWER';
  return `POWER${relay}`;
}

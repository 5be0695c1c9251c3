/**
 * Canonical commands as MQTT2GO messages, in the layout and envelope of the
 * version the socket speaks (research §2.2, §2.3):
 * - 2.1 `…/switch/in` `{"type":"set","timestamp":s,"value":"on"}`,
 *   `…/timer/in` `{"type":"set","timestamp":s,"value":{"unit":"hh:mm:ss","time":…,"action":"on"}}`
 *   (the 2.1 socket example; 1.2's `set_timer` became the `timer` entity);
 * - 1.2 on the device's one topic `{"type":"command","timestamp":s,"command_type":"set"|"set_timer","value":…}`.
 * Timestamps are Unix seconds, as documented. Never retained.
 */
import type { Command, OutboundMessage, TimerCommand } from '../../core/commands.js';
import { HubError } from '../../core/errors.js';
import { commandTopic, type Address } from './topics.js';

/** A socket has one relay. */
function checkRelay(relay: number): void {
  if (relay !== 1)
    throw new HubError('bad_request', `an MQTT2GO socket has one relay (1), not ${relay}`);
}

/** `hh:mm:ss` (or `hh:mm`, seconds 00) as the convention's timer unit wants it. */
export function timerTime(time: string): string {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? '0') < 60)
    return `${m[1]!.padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
  throw new HubError(
    'bad_request',
    `timer time must be hh:mm[:ss] from 00:00 to 23:59:59, got ${JSON.stringify(time)}`,
  );
}

function message(topic: string, body: Record<string, unknown>): OutboundMessage {
  return { topic, payload: JSON.stringify(body), retain: false, qos: 1 };
}

/** One command in the version of `address`; `typ` is the 2.x type, `command_type` the 1.x one. */
function command(
  address: Address,
  entity: string,
  seconds: number,
  typ: string,
  commandType: string,
  value: unknown,
): OutboundMessage {
  const topic = commandTopic(address, entity);
  if (address.version === 2) {
    const body: Record<string, unknown> = { type: typ, timestamp: seconds };
    if (value !== undefined) body.value = value;
    return message(topic, body);
  }
  return message(topic, { type: 'command', timestamp: seconds, command_type: commandType, value });
}

function timerValue(c: TimerCommand): { unit: string; time: string; action: string } {
  checkRelay(c.relay);
  if (!c.enabled)
    throw new HubError(
      'unsupported',
      'MQTT2GO set_timer has no way to disable a timer; only enabled timers can be sent',
    );
  if (c.state !== 'on' && c.state !== 'off')
    throw new HubError('bad_request', `timer state must be on or off, got ${String(c.state)}`);
  return { unit: 'hh:mm:ss', time: timerTime(c.time), action: c.state };
}

/**
 * `on` is the socket's last reported state, for `toggle` (MQTT2GO has no
 * toggle value). `nowMs` stamps the message.
 */
export function encodeCommand(
  address: Address,
  c: Command,
  on: boolean | undefined,
  nowMs: number,
): OutboundMessage[] {
  const s = Math.floor(nowMs / 1000);
  switch (c.kind) {
    case 'power': {
      checkRelay(c.relay);
      let state = c.state;
      if (state === 'toggle') {
        if (on === undefined)
          throw new HubError(
            'bad_request',
            'MQTT2GO has no toggle and the socket has not reported its state yet; say on or off',
          );
        state = on ? 'off' : 'on';
      }
      if (state !== 'on' && state !== 'off')
        throw new HubError(
          'bad_request',
          `power state must be on, off or toggle, got ${String(state)}`,
        );
      return [command(address, 'switch', s, 'set', 'set', state)];
    }
    case 'timer':
      return [command(address, 'timer', s, 'set', 'set_timer', timerValue(c))];
    case 'countdown':
      throw new HubError(
        'unsupported',
        'MQTT2GO sockets have no countdown; only daily timers (set_timer)',
      );
    case 'poll':
      // 2.x: `about` (objects page) and the general `state` entity's query;
      // 1.x: a state query. Firmware without these topics ignores them.
      return address.version === 2
        ? [
            message(commandTopic(address, 'about'), {
              priority_level: 2,
              timestamp: s,
              type: 'query',
            }),
            command(address, 'state', s, 'query', 'query', undefined),
          ]
        : [command(address, 'state', s, 'query', 'query', 'state')];
  }
}

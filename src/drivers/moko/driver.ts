/**
 * The Moko V1 convention (specs/moko-mk102-mk112-mqtt.md §3,
 * research/conventions.md §3): a pure codec for MK102/MK112 plugs.
 *
 * Decisions a reader of the code should know:
 * - nativeId is the MAC without separators, lower case; the topic's first
 *   four levels are remembered per plug (memo.ts), because commands go to
 *   the same levels with `app/` instead of `device/`.
 * - Any `device/` message discovers a plug: its first message also yields an
 *   info event with what the topic says (MAC, device name, one relay).
 * - Every message but delete_device yields `seen`. switch_state is the
 *   heartbeat (every 30 s; the Moko apps call a plug offline after 62 s
 *   without it), but a metering plug's electricity every second proves it is
 *   connected just as well, and a reading without `seen` would make the hub
 *   mark an offline plug online without refreshing its last-seen time.
 * - The plug stays silent when a countdown is cancelled; the driver ends a
 *   countdown it knew of when the switch state changes or the per-second
 *   reports stop (decode.ts).
 * - Empty payloads are retained messages being cleared, except on
 *   delete_device, whose payload the spec does not define.
 * - Moko has no device timers and no toggle: toggle needs the last reported
 *   state; timers are refused as unsupported (the hub schedules them itself).
 */
import type { Command, OutboundMessage } from '../../core/commands.js';
import { DecodeError, type Driver } from '../../core/driver.js';
import { HubError } from '../../core/errors.js';
import type { DeviceEvent, NativeRef } from '../../core/events.js';
import {
  decodeCountdown,
  decodeElectricity,
  decodeFirmware,
  decodeOta,
  decodeSwitchState,
  MokoMessage,
  parseObject,
  show,
} from './decode.js';
import {
  encodeCountdown,
  encodeReadFirmware,
  encodeReset,
  encodeSwitch,
  encodeUpgrade,
} from './encode.js';
import { MokoMemos, type MokoMemo } from './memo.js';
import { DEVICE_FIELDS } from './protocol.js';
import { colonMac, DEVICE_FILTER, parseDeviceTopic, type MokoTopic } from './topics.js';

export class MokoDriver implements Driver {
  readonly name = 'moko' as const;
  private readonly memos = new MokoMemos();

  subscriptions(): string[] {
    return [DEVICE_FILTER];
  }

  decode(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    const t = parseDeviceTopic(topic);
    if (t === undefined) return [];
    if ('badMac' in t)
      throw new DecodeError(`${topic}: ${show(t.badMac)} is not a MAC address`, topic);
    if (payload.length === 0 && t.field !== DEVICE_FIELDS.deleted) return [];
    const memo = this.memos.learn(t.nativeId, t.base);
    const m = new MokoMessage(topic, t.nativeId, now);
    // The plug is leaving after a factory reset: no sign of life.
    if (t.field !== DEVICE_FIELDS.deleted) m.seen();
    try {
      this.decodeField(t, payload, m, memo);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      // Never let a bug here take the hub's message loop down.
      throw new DecodeError(`${topic}: internal error: ${(err as Error).message}`, topic);
    }
    const events = m.finish();
    if (memo.announced) return events;
    memo.announced = true;
    const identity: DeviceEvent = {
      protocol: 'moko',
      nativeId: t.nativeId,
      kind: 'info',
      info: { mac: colonMac(t.nativeId), module: t.deviceName, relayCount: 1 },
      ts: now,
    };
    return [identity, ...events];
  }

  private decodeField(t: MokoTopic, payload: Buffer, m: MokoMessage, memo: MokoMemo): void {
    switch (t.field) {
      case DEVICE_FIELDS.switchState:
        return decodeSwitchState(m, parseObject(m.topic, payload), memo);
      case DEVICE_FIELDS.electricity:
        return decodeElectricity(m, parseObject(m.topic, payload));
      case DEVICE_FIELDS.countdown:
        return decodeCountdown(m, parseObject(m.topic, payload), memo);
      case DEVICE_FIELDS.firmware:
        return decodeFirmware(m, parseObject(m.topic, payload));
      case DEVICE_FIELDS.ota:
        return decodeOta(m, parseObject(m.topic, payload));
      case DEVICE_FIELDS.deleted:
        memo.countdownSeenAt = undefined;
        return m.removed('factory reset on the plug (delete_device)');
      default:
        // A field this driver does not know: the plug exists, nothing more to learn.
        return;
    }
  }

  encode(device: NativeRef, command: Command): OutboundMessage[] {
    const memo = this.memoOf(device);
    switch (command.kind) {
      case 'power': {
        checkRelay(command.relay);
        if (command.state === 'toggle') {
          if (memo.on === undefined) throw stateUnknown(device);
          return [encodeSwitch(memo.base, !memo.on)];
        }
        if (command.state !== 'on' && command.state !== 'off')
          throw new HubError(
            'bad_request',
            `power state must be on, off or toggle, got ${show(command.state)}`,
          );
        return [encodeSwitch(memo.base, command.state === 'on')];
      }
      case 'countdown':
        checkRelay(command.relay);
        if (memo.on === undefined) throw stateUnknown(device);
        return encodeCountdown(memo.base, command.seconds, command.state, memo.on);
      case 'poll':
        return [encodeReadFirmware(memo.base)];
      case 'timer':
        throw new HubError(
          'unsupported',
          'Moko plugs have no timers of their own; only a countdown of up to 23:59 runs on the plug',
        );
      default: {
        const unknown: never = command;
        throw new HubError(
          'unsupported',
          `unknown command ${show((unknown as { kind?: unknown }).kind)}`,
        );
      }
    }
  }

  /** Factory-reset a plug: it forgets its Wi-Fi and broker and returns to AP mode. */
  resetMessage(device: NativeRef): OutboundMessage {
    return encodeReset(this.memoOf(device).base);
  }

  /** Ask a plug to fetch new firmware from the folder of `firmwareUrl` (HTTP). */
  upgradeMessage(device: NativeRef, firmwareUrl: string): OutboundMessage {
    return encodeUpgrade(this.memoOf(device).base, firmwareUrl);
  }

  private memoOf(device: NativeRef): MokoMemo {
    if (device.protocol !== 'moko')
      throw new HubError('bad_request', `not a Moko device: ${device.protocol}`);
    const memo = this.memos.get(device.nativeId);
    if (!memo) {
      throw new HubError(
        'unreachable',
        `Moko plug ${device.nativeId} has not been heard since the hub started, so its topic is not known yet`,
      );
    }
    return memo;
  }
}

function checkRelay(relay: number): void {
  if (relay !== 1)
    throw new HubError('bad_request', `a Moko plug has one relay (1), got ${show(relay)}`);
}

function stateUnknown(device: NativeRef): HubError {
  return new HubError(
    'unreachable',
    `Moko plug ${device.nativeId} has not reported its switch state yet (it does every 30 s); try again shortly`,
  );
}

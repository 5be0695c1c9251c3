/**
 * The MQTT2GO smart-socket convention (specs/mqtt2go-smart-sockets.md,
 * research/conventions.md §2): a pure codec. wattbridge plays the
 * controller for sockets of any version a fleet mixes.
 *
 * Decisions a reader of the code should know:
 * - nativeId is the `dev_id`. Where a socket lives (home, gateway, 1.x
 *   group and device type) and so which version it speaks is learned from
 *   its own messages, kept on the instance (memo.ts); commands go there.
 *   A socket not heard since the hub started can still be commanded when the
 *   configuration names exactly one home and one gateway and allows 2.x.
 * - Subscriptions are one filter per 2.x entity and only 1.x `socket`
 *   topics (topics.ts), so other conventions' five-level topics are left alone.
 * - There is no heartbeat: availability is the hub's silence rule by report
 *   periods (HubOptions.silencePeriods).
 * - Commands carry a timestamp, so the driver reads a clock (injectable);
 *   it starts no timers.
 */
import type { Command, OutboundMessage } from '../../core/commands.js';
import { DecodeError, type Driver } from '../../core/driver.js';
import { HubError } from '../../core/errors.js';
import type { DeviceEvent, NativeRef } from '../../core/events.js';
import { decodeMessage } from './decode.js';
import { encodeCommand } from './encode.js';
import { SocketMemos } from './memo.js';
import { isTopicLevel, subscriptionFilters, type Address, type TopicScope } from './topics.js';

export type Mqtt2goVersion = 'auto' | '2.1' | '1.2';

export interface Mqtt2goDriverOptions {
  /** home_id values to serve; absent or empty: all. */
  readonly homes?: readonly string[];
  /** gateway_id values to serve; absent or empty: all. */
  readonly gateways?: readonly string[];
  /** Layouts to listen to: both (auto, the default) or one. */
  readonly version?: Mqtt2goVersion;
  /** Epoch ms for command timestamps; default Date.now. */
  readonly clock?: () => number;
}

/** `BRQ, OVA` → ['BRQ', 'OVA']; empty or absent → undefined (all). */
export function splitList(text: string | undefined): string[] | undefined {
  const items = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length > 0 ? items : undefined;
}

function checkLevels(what: string, list: readonly string[] | undefined): string[] | undefined {
  if (list === undefined || list.length === 0) return undefined;
  for (const s of list)
    if (!isTopicLevel(s))
      throw new HubError(
        'bad_request',
        `mqtt2go ${what} must be plain topic levels, got ${JSON.stringify(s)}`,
      );
  return [...list];
}

export class Mqtt2goDriver implements Driver {
  readonly name = 'mqtt2go' as const;
  readonly scope: TopicScope;
  private readonly memos = new SocketMemos();
  private readonly clock: () => number;

  constructor(opts: Mqtt2goDriverOptions = {}) {
    const version = opts.version ?? 'auto';
    this.scope = {
      homes: checkLevels('homes', opts.homes),
      gateways: checkLevels('gateways', opts.gateways),
      v1: version !== '2.1',
      v2: version !== '1.2',
    };
    this.clock = opts.clock ?? Date.now;
  }

  subscriptions(): string[] {
    return subscriptionFilters(this.scope);
  }

  decode(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    try {
      return decodeMessage(topic, payload, now, this.memos);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      // Never let a bug here take the hub's message loop down.
      const why = err instanceof Error ? err.message : String(err);
      throw new DecodeError(`${topic}: internal error: ${why}`, topic);
    }
  }

  encode(device: NativeRef, command: Command): OutboundMessage[] {
    if (device.protocol !== 'mqtt2go')
      throw new HubError('bad_request', `not an MQTT2GO device: ${device.protocol}`);
    const memo = this.memos.get(device.nativeId);
    const address = memo?.address ?? this.assumedAddress(device.nativeId);
    return encodeCommand(address, command, memo?.on, this.clock());
  }

  /** The only place a socket can be when one home and one gateway are served over 2.x. */
  private assumedAddress(devId: string): Address {
    const { homes, gateways, v2 } = this.scope;
    if (v2 && homes?.length === 1 && gateways?.length === 1 && isTopicLevel(devId))
      return { version: 2, home: homes[0]!, gateway: gateways[0]!, devId };
    throw new HubError(
      'unreachable',
      `MQTT2GO socket "${devId}" has not reported since the hub started, so its topic is not known yet`,
    );
  }
}

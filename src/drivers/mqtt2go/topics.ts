/**
 * MQTT2GO topic layouts (research/conventions.md §2.1):
 * - 2.x: `<home_id>/<gateway_id>/<dev_id>/<entity>/in|out`, one topic per
 *   entity and direction;
 * - 1.x: `<home_id>/<gateway_id>/<group_id>/<device_type>/<dev_id>`, one
 *   topic for commands and reports alike (the envelope says which).
 */

/** Where a socket lives, in the layout of the version it speaks. */
export type Address =
  | { readonly version: 2; readonly home: string; readonly gateway: string; readonly devId: string }
  | {
      readonly version: 1;
      readonly home: string;
      readonly gateway: string;
      readonly group: string;
      readonly deviceType: string;
      readonly devId: string;
    };

/** A topic the driver reads: who sent it and, for 2.x, which entity it is about. */
export interface ParsedTopic {
  readonly address: Address;
  /** 2.x only: topic level 4 (switch, consumption, about, …). */
  readonly entity?: string;
  /** 2.x only: `out` from the device, `in` to it. */
  readonly direction?: 'in' | 'out';
}

/**
 * 2.x entities a socket reports on `…/<entity>/out`: the socket example's
 * switch and measurements, the general `state`, the POW R2 firmware's
 * `energy`, the answers to `about`, `remove` and a timer.
 */
const OUT_ENTITIES = [
  'switch',
  'state',
  'consumption',
  'energy',
  'power',
  'current',
  'voltage',
  'about',
  'remove',
  'timer',
] as const;

/** The 1.x device type of smart sockets (objects page, every version). */
const SOCKET_TYPE = 'socket';

const OUT_ENTITY_SET: ReadonlySet<string> = new Set(OUT_ENTITIES);

/** Which homes, gateways and versions a driver serves; undefined lists mean all. */
export interface TopicScope {
  readonly homes?: readonly string[];
  readonly gateways?: readonly string[];
  readonly v1: boolean;
  readonly v2: boolean;
}

/**
 * The filters to subscribe to: one per 2.x entity rather than
 * `+/+/+/+/out`, and only the `socket` device type for 1.x, so that topics
 * of other conventions with five levels are not taken.
 */
export function subscriptionFilters(scope: TopicScope): string[] {
  const filters: string[] = [];
  for (const home of scope.homes ?? ['+']) {
    for (const gw of scope.gateways ?? ['+']) {
      if (scope.v2) for (const e of OUT_ENTITIES) filters.push(`${home}/${gw}/+/${e}/out`);
      if (scope.v1) filters.push(`${home}/${gw}/+/${SOCKET_TYPE}/+`);
    }
  }
  return filters;
}

/** Reads a topic of either layout; undefined for a topic that is neither. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) return undefined;
  const [home, gateway, third, fourth, fifth] = parts as [string, string, string, string, string];
  if (fourth === SOCKET_TYPE) {
    return {
      address: { version: 1, home, gateway, group: third, deviceType: fourth, devId: fifth },
    };
  }
  if ((fifth === 'out' || fifth === 'in') && OUT_ENTITY_SET.has(fourth)) {
    return {
      address: { version: 2, home, gateway, devId: third },
      entity: fourth,
      direction: fifth,
    };
  }
  return undefined;
}

/** Where a command goes: 2.x `…/<dev>/<entity>/in`, 1.x the device's one topic. */
export function commandTopic(a: Address, entity: string): string {
  return a.version === 2
    ? `${a.home}/${a.gateway}/${a.devId}/${entity}/in`
    : `${a.home}/${a.gateway}/${a.group}/${a.deviceType}/${a.devId}`;
}

/** True if `s` can stand as one level of a topic we publish to. */
export function isTopicLevel(s: string): boolean {
  return s.length > 0 && !/[+#/]/.test(s) && !s.includes('\u0000');
}

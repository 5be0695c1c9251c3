/**
 * Topic layouts learned from Tasmota native discovery. A device whose
 * FullTopic is the default (`%prefix%/%topic%/`) is covered by the driver's
 * fixed subscriptions; any other layout is learned from the device's
 * retained discovery config and kept as routes (topic base → device) plus,
 * where the fixed filters do not reach, extra subscriptions.
 */
import type { DeviceEvent } from '../../core/events.js';
import { DecodeContext, parseObject, show } from './context.js';
import type { DeviceMemo, DeviceMemos } from './device-memo.js';
import { readDiscovery, type DiscoveryConfig } from './discovery.js';
import { DISCOVERY_PREFIX, isPlainTopicText, isSub, topicBase, type Prefixes } from './topics.js';

/** A learned topic base (non-default FullTopic) and whose it is. */
export interface Route {
  readonly nativeId: string;
  /** A command topic: its messages are our own commands' echo, never decoded. */
  readonly command: boolean;
}

export class TopicLayouts {
  /** Topic base (`kitchen/tele/`) → device, for non-default layouts only. */
  private readonly byBase = new Map<string, Route>();
  /** The same table, read-only: the driver looks every message up in it. */
  readonly routes: ReadonlyMap<string, Route> = this.byBase;

  constructor(
    private readonly prefixes: Prefixes,
    private readonly memos: DeviceMemos,
  ) {}

  /**
   * `tasmota/discovery/<MAC>/config`. Discovery configs yield no `seen`:
   * they are retained and outlive the device.
   */
  decodeDiscovery(topic: string, payload: Buffer, now: number): DeviceEvent[] {
    const start = DISCOVERY_PREFIX.length;
    const slash = topic.indexOf('/', start);
    // `…/sensors` repeats SENSOR without naming the device: not used.
    if (slash <= start || !isSub(topic, slash + 1, 'config')) return [];
    // Empty: the device cleared its retained config (SetOption19 1). It keeps
    // publishing on its FullTopic, so the learned layout is kept.
    if (payload.length === 0) return [];
    const obj = parseObject(topic, payload);
    const ctx = new DecodeContext(topic, '', now);
    const cfg = readDiscovery(ctx, obj, topic.slice(start, slash), this.prefixes);
    ctx.nativeId = cfg.topic;
    const filters = this.learn(ctx, cfg);
    ctx.info(cfg.info);
    if (filters !== undefined) ctx.events.push({ kind: 'subscribe', filters });
    return ctx.finish();
  }

  /**
   * Remembers a device's discovery facts and topic layout. Returns the
   * filters to subscribe to when its layout is not covered by the driver's
   * fixed subscriptions and differs from what was announced before.
   */
  private learn(ctx: DecodeContext, cfg: DiscoveryConfig): string[] | undefined {
    const id = cfg.topic;
    const p = cfg.prefixes;
    const ids =
      cfg.fullTopic.includes('%id%') && cfg.macHex
        ? [cfg.macHex, cfg.macHex.slice(6)]
        : [cfg.macHex];

    // Compute everything first: a failure must leave what we knew intact.
    const layouts: { cmnd: string; stat: string; tele: string }[] = [];
    for (const mac of ids) {
      const tokens = { topic: id, hostname: cfg.hostname, id: mac };
      const cmnd = topicBase(cfg.fullTopic, p.cmnd, true, tokens);
      const stat = topicBase(cfg.fullTopic, p.stat, false, tokens);
      const tele = topicBase(cfg.fullTopic, p.tele, false, tokens);
      if (cmnd === undefined || stat === undefined || tele === undefined) {
        ctx.fail(
          `discovery FullTopic ${show(cfg.fullTopic)} needs ${
            cfg.hostname === undefined ? '"hn" (hostname)' : '"mac"'
          }, which is missing`,
        );
      }
      for (const base of [cmnd, stat, tele]) {
        if (!isPlainTopicText(base))
          ctx.fail(`discovery FullTopic gives a topic with a wildcard: ${show(base)}`);
      }
      layouts.push({ cmnd, stat, tele });
    }

    if (cfg.macHex !== undefined) {
      const renamedFrom = this.memos.claimMac(cfg.macHex, id);
      if (renamedFrom !== undefined) this.forget(renamedFrom);
    }
    const memo = this.memos.of(id);
    memo.onText = cfg.onText;
    memo.offText = cfg.offText;
    memo.onlineText = cfg.onlineText;
    memo.offlineText = cfg.offlineText;
    if (cfg.info.relayCount !== undefined) memo.relayCount = cfg.info.relayCount;

    this.dropRoutes(id, memo);
    const first = layouts[0]!;
    memo.cmndBase = first.cmnd === `${this.prefixes.cmnd}/${id}/` ? undefined : first.cmnd;
    const standard =
      !id.includes('/') &&
      first.stat === `${this.prefixes.stat}/${id}/` &&
      first.tele === `${this.prefixes.tele}/${id}/`;
    const filters: string[] = [];
    if (!standard) {
      for (const l of layouts) {
        // Command topics are known so that their echo is ignored, not decoded.
        this.route(memo, l.cmnd, { nativeId: id, command: true });
        this.route(memo, l.stat, { nativeId: id, command: false });
        this.route(memo, l.tele, { nativeId: id, command: false });
        for (const base of [l.stat, l.tele]) {
          // `stat/<MAC>/` (FullTopic %prefix%/%id%/) needs a route, not a
          // subscription: the default filters already deliver it, and a
          // second, overlapping filter could deliver every message twice.
          const f = `${base}+`;
          if (!this.coveredByDefaults(base) && !filters.includes(f)) filters.push(f);
        }
      }
    }
    const key = filters.join('\n');
    if (key === memo.filtersKey) return undefined;
    memo.filtersKey = key;
    return filters.length > 0 ? filters : undefined;
  }

  /** `base` is `<stat or tele prefix>/<one level>/`, which the fixed subscriptions cover. */
  private coveredByDefaults(base: string): boolean {
    for (const p of [this.prefixes.stat, this.prefixes.tele]) {
      if (
        base.length > p.length + 2 &&
        base.startsWith(p) &&
        base.charCodeAt(p.length) === 47 &&
        base.indexOf('/', p.length + 1) === base.length - 1
      ) {
        return true;
      }
    }
    return false;
  }

  private route(memo: DeviceMemo, base: string, route: Route): void {
    this.byBase.set(base, route);
    if (!memo.bases.includes(base)) memo.bases.push(base);
  }

  private dropRoutes(id: string, memo: DeviceMemo): void {
    for (const base of memo.bases) {
      if (this.byBase.get(base)?.nativeId === id) this.byBase.delete(base);
    }
    memo.bases = [];
  }

  /** A device renamed its Topic: what we knew under the old name is void. */
  private forget(id: string): void {
    const memo = this.memos.get(id);
    if (memo === undefined) return;
    this.dropRoutes(id, memo);
    this.memos.delete(id);
  }
}

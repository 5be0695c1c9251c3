/**
 * One device as a tile on a wall or a row in a list: name, protocol,
 * switch, live power, availability and last seen. Every part has its place
 * before data arrives and values only replace text, so nothing moves.
 */
import { plainError } from '../api.js';
import type { AppContext } from '../context.js';
import { child, h, setAttr, setText } from '../dom.js';
import { displayName, headline, isElectricityMeter, ownName } from '../fleet.js';
import { ago, protocolName } from '../format.js';
import { deviceHref, meterHref } from '../router.js';
import type { DeviceSnapshot } from '../types.js';
import { RelaySwitch } from './switch.js';

/** How long a failed switch's message stays on the tile. */
const MESSAGE_MS = 15_000;

export class DeviceTile {
  readonly el: HTMLElement;
  private readonly switch: RelaySwitch | null;
  private device: DeviceSnapshot;
  private messageTimer: number | undefined;

  constructor(
    d: DeviceSnapshot,
    ctx: AppContext,
    /** wall: a tile on a grid wall, named by its place (r1.c2), as the wall already says sp_w. */
    private readonly layout: 'wall' | 'tile' | 'row',
  ) {
    this.device = d;
    const href = isElectricityMeter(d) ? meterHref(d.id) : deviceHref(d.id);
    const switchable = d.relays.length > 0 || (d.protocol !== 'dsmr' && d.protocol !== 'senml');
    this.switch = switchable
      ? new RelaySwitch(`Switch ${displayName(d)}`, async (next) => {
          this.message(null);
          try {
            await ctx.power(this.device.id, 1, next);
          } catch (err) {
            this.message(plainError(err));
          }
        })
      : null;
    this.el = h(
      'article',
      { class: layout === 'row' ? 'row' : 'tile', 'data-id': d.id },
      h(
        'div',
        { class: 'tile-head' },
        h('span', { class: 'dot' }),
        h('a', { class: 'name', href }),
      ),
      h(
        'div',
        { class: 'reading' },
        h('span', { class: 'num' }),
        ' ',
        h('span', { class: 'unit' }),
        h('span', { class: 'what' }),
      ),
      h(
        'div',
        { class: 'tile-foot' },
        h('span', { class: 'proto' }, protocolName(d.protocol)),
        h('span', { class: 'seen' }),
        this.switch?.el ?? h('span', { class: 'switch-space' }),
      ),
      h('div', { class: 'msg', role: 'status' }),
    );
    this.update(d);
  }

  update(d: DeviceSnapshot): void {
    this.device = d;
    const own = ownName(d);
    const nameEl = child(this.el, '.name');
    const name = displayName(d);
    setText(nameEl, this.layout === 'wall' && d.grid ? `r${d.grid.row}.c${d.grid.column}` : name);
    setAttr(nameEl, 'title', own ? `${name} (${own})` : name);
    const dot = child(this.el, '.dot');
    setAttr(this.el, 'data-availability', d.availability);
    setAttr(dot, 'title', `${d.availability}: ${d.availabilityReason}`);
    setAttr(dot, 'aria-label', d.availability);
    const shown = headline(d);
    setText(child(this.el, '.num'), shown.value);
    setText(child(this.el, '.unit'), shown.unit);
    setText(child(this.el, '.what'), shown.label);
    const relay1 = d.relays.find((r) => r.relay === 1)?.state;
    setAttr(this.el, 'data-state', relay1 ?? null);
    this.switch?.set(relay1, !d.removed);
    this.tick(Date.now());
  }

  tick(now: number): void {
    const seen = child(this.el, '.seen');
    setText(seen, ago(Date.parse(this.device.lastSeen), now));
    setAttr(seen, 'title', `last heard ${new Date(this.device.lastSeen).toLocaleString()}`);
  }

  /** A plain-language line under the tile (the switch failed), gone after a while. */
  message(text: string | null): void {
    const msg = child(this.el, '.msg');
    clearTimeout(this.messageTimer);
    setText(msg, text ?? '');
    setAttr(msg, 'title', text);
    setAttr(this.el, 'data-error', text === null ? null : 'true');
    if (text !== null) this.messageTimer = window.setTimeout(() => this.message(null), MESSAGE_MS);
  }

  destroy(): void {
    clearTimeout(this.messageTimer);
  }
}

/**
 * One device: its switches and power now, the last five minutes live,
 * history over a chosen range, countdown and daily timers, identity and
 * firmware, and renaming.
 */
import { plainError } from '../api.js';
import type { AppContext, View } from '../context.js';
import { card, child, facts, h, setAttr, setText } from '../dom.js';
import { displayName, headline, isElectricityMeter, ownName, type FleetChange } from '../fleet.js';
import { ago, joined, measured, protocolName, when } from '../format.js';
import { deviceHref, meterHref } from '../router.js';
import type { DeviceSnapshot } from '../types.js';
import { DeviceControls, submitting } from './controls.js';
import { HistoryCharts, type HistoryMetric } from './history.js';
import { LiveChart } from './live-chart.js';
import { RelaySwitch } from './switch.js';

const BLUE = '#2563eb';

/** The metrics worth a history chart for this kind of device. */
function historyMetrics(d: DeviceSnapshot): HistoryMetric[] {
  const has = (m: string) => d.readings[m] !== undefined;
  const out: HistoryMetric[] = [];
  const powerMetric = has('power') ? 'power' : has('power_import') ? 'power_import' : null;
  if (powerMetric) out.push({ metric: powerMetric, title: 'Power', unit: 'W', color: BLUE });
  const v = ['voltage', 'voltage_l1'].find(has);
  if (v) out.push({ metric: v, title: 'Voltage', unit: 'V', color: '#7c3aed' });
  const a = ['current', 'current_l1'].find(has);
  if (a) out.push({ metric: a, title: 'Current', unit: 'A', color: '#db2777' });
  if (powerMetric || has('energy_total'))
    out.push({ metric: 'energy', title: 'Energy', unit: 'Wh', color: '#059669', energy: true });
  for (const m of ['gas_total', 'water_total', 'heat_total'])
    if (has(m))
      out.push({
        metric: m,
        title: m.replace('_total', ' meter'),
        unit: d.readings[m]!.unit,
        color: '#d97706',
      });
  return out;
}

/** Beside the power: the plug's voltage, current and today's energy, where it reports them. */
function secondaryReadings(d: DeviceSnapshot): string {
  const parts: string[] = [];
  for (const [metric, suffix] of [
    ['voltage', ''],
    ['current', ''],
    ['energy_today', ' today'],
  ] as const) {
    const r = d.readings[metric];
    if (r) parts.push(`${joined(measured(r.value, r.unit))}${suffix}`);
  }
  return parts.join(' · ');
}

export class DevicePage implements View {
  readonly el: HTMLElement;
  private parts: View[] = [];
  private switches = new Map<number, RelaySwitch>();
  private readonly unsubscribe: (() => void)[];
  private shownId: string | null = null;
  private readonly messageEl = h('p', { class: 'msg', role: 'status' });

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
  ) {
    this.el = h('main', { class: 'page device' });
    this.unsubscribe = [
      ctx.fleet.subscribe((c) => this.changed(c)),
      ctx.onTick((now) => this.tick(now)),
    ];
    this.render();
  }

  destroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.parts.forEach((p) => p.destroy());
  }

  private changed(c: FleetChange): void {
    if (c.kind === 'renamed' && c.from === this.id) {
      location.replace(deviceHref(c.to));
      return;
    }
    // Redrawn when the device first appears or is gone (deleted meanwhile).
    if (c.kind === 'layout' && (this.shownId === null || !this.ctx.fleet.get(this.id)))
      return this.render();
    if ((c.kind === 'device' || c.kind === 'reading') && c.id === this.id) this.refresh();
  }

  private render(): void {
    this.parts.forEach((p) => p.destroy());
    this.parts = [];
    const d = this.ctx.fleet.get(this.id);
    if (!d) {
      this.shownId = null;
      this.el.replaceChildren(
        backLink(),
        h(
          'div',
          { class: 'placeholder' },
          this.ctx.fleet.loaded ? `There is no device “${this.id}” on this hub.` : 'Loading…',
        ),
      );
      return;
    }
    this.shownId = d.id;
    this.switches = new Map(
      d.relays.map((r) => [
        r.relay,
        new RelaySwitch(`Relay ${r.relay}`, async (next) => {
          this.message(null);
          try {
            await this.ctx.power(d.id, r.relay, next);
          } catch (err) {
            this.message(plainError(err));
          }
        }),
      ]),
    );
    // Gas, water and heat meters have no power: no live power chart for them.
    const powerMetric = d.readings.power
      ? 'power'
      : d.readings.power_import
        ? 'power_import'
        : null;
    const live = powerMetric
      ? new LiveChart(this.ctx, d.id, [{ metric: powerMetric, label: 'Power', color: BLUE }], 'W')
      : null;
    const history = new HistoryCharts(this.ctx, d.id, historyMetrics(d));
    const controls = d.relays.length > 0 ? new DeviceControls(this.ctx, d) : null;
    this.parts = [...(live ? [live] : []), history, ...(controls ? [controls] : [])];

    this.el.replaceChildren(
      backLink(),
      h(
        'div',
        { class: 'page-head' },
        h('h1', null, displayName(d)),
        ownName(d) ? h('span', { class: 'own-name' }, ownName(d)) : null,
        h(
          'p',
          { class: 'sub' },
          h('span', { class: 'dot' }),
          h('span', { class: 'availability' }),
          ' · ',
          h('span', { class: 'seen' }),
          ' · ',
          protocolName(d.protocol),
          isElectricityMeter(d)
            ? h('a', { href: meterHref(d.id), class: 'meter-link' }, 'Meter page →')
            : null,
        ),
      ),
      h(
        'div',
        { class: 'device-grid' },
        card(
          'Now',
          h(
            'div',
            { class: 'now' },
            h(
              'div',
              { class: 'big reading' },
              h('span', { class: 'num' }),
              ' ',
              h('span', { class: 'unit' }),
            ),
            h(
              'div',
              { class: 'relays' },
              ...[...this.switches].map(([relay, s]) =>
                h(
                  'label',
                  { class: 'relay' },
                  s.el,
                  d.relays.length > 1 ? `Relay ${relay}` : 'Power',
                ),
              ),
            ),
          ),
          h('p', { class: 'secondary' }),
          this.messageEl,
        ),
        live ? card('Last 5 minutes', live.el) : null,
        h('section', { class: 'card wide' }, h('h2', null, 'History'), history.el),
        controls ? card('Timers', controls.el) : null,
        card('Identity', this.identity(d), this.renameForm(d)),
      ),
    );
    this.refresh();
  }

  /** Values that change while the page is open. */
  private refresh(): void {
    const d = this.ctx.fleet.get(this.id);
    if (!d || this.shownId === null) return;
    const shown = headline(d);
    setText(child(this.el, '.now .num'), shown.value);
    setText(
      child(this.el, '.now .unit'),
      shown.label ? `${shown.unit} ${shown.label}` : shown.unit,
    );
    setText(child(this.el, '.secondary'), secondaryReadings(d));
    setAttr(this.el, 'data-availability', d.availability);
    setText(child(this.el, '.availability'), `${d.availability} (${d.availabilityReason})`);
    for (const r of d.relays) this.switches.get(r.relay)?.set(r.state, !d.removed);
    this.tick(Date.now());
  }

  private tick(now: number): void {
    const d = this.ctx.fleet.get(this.id);
    const seen = this.el.querySelector('.sub .seen');
    if (d && seen) setText(seen, `last seen ${ago(Date.parse(d.lastSeen), now)}`);
  }

  private message(text: string | null): void {
    setText(this.messageEl, text ?? '');
  }

  private identity(d: DeviceSnapshot): HTMLElement {
    const i = d.info;
    return facts([
      ['Id', d.id],
      ['Native id', d.nativeId],
      ['Protocol', protocolName(d.protocol)],
      ['Name', i.name],
      ['MAC', i.mac],
      ['IP address', i.ip],
      ['Hostname', i.hostname],
      ['Firmware', i.firmware],
      ['Module', i.module],
      ['Manufacturer', i.manufacturer],
      ['Model', i.model],
      ['DSMR version', i.dsmrVersion],
      ['Relays', d.relays.length || undefined],
      [
        'Last firmware upgrade',
        i.upgrade &&
          `${i.upgrade.ok ? 'succeeded' : 'failed'}: ${i.upgrade.meaning} (${when(i.upgrade.at)})`,
      ],
      ['Grid place', d.grid && `${d.grid.type} · row ${d.grid.row} · column ${d.grid.column}`],
      ['First seen', when(d.firstSeen)],
      ['Removed', d.removed && `${d.removed.reason} (${when(d.removed.ts)})`],
    ]);
  }

  private renameForm(d: DeviceSnapshot): HTMLElement {
    const input = h('input', {
      name: 'id',
      value: d.id,
      required: true,
      pattern: '[A-Za-z0-9_.:\\-]{1,64}',
      'aria-label': 'New id',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const status = h('p', { class: 'status', role: 'status' });
    const form = h(
      'form',
      { class: 'inline-form', 'data-form': 'rename' },
      h('span', null, 'Rename to'),
      input,
      h('button', { type: 'submit' }, 'Rename'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const to = input.value.trim();
      if (to === d.id) return;
      void submitting(
        form,
        status,
        async () => {
          const renamed = await this.ctx.api.patch<DeviceSnapshot>(
            `api/devices/${encodeURIComponent(d.id)}`,
            { id: to },
          );
          // The fleet's rename moves this page to the new id.
          this.ctx.fleet.rename(d.id, renamed);
          return '';
        },
        'Renaming…',
      );
    });
    return h(
      'div',
      { class: 'rename' },
      form,
      status,
      h(
        'p',
        { class: 'hint' },
        'An IoToad grid id such as sp_w.r1.c2 places the device on the wall.',
      ),
    );
  }
}

export function backLink(): HTMLElement {
  return h('a', { class: 'back', href: '#/' }, '← All devices');
}

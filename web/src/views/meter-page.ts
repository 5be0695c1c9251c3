/**
 * A DSMR P1 meter: import and export now, per phase, the tariff, today's
 * and this month's energy and gas, the Belgian capacity-tariff peak, its
 * M-Bus meters and when the last telegram came. Re-read from
 * `/api/meters/:id` on each telegram (at most one request in flight).
 */
import { ApiError, plainError } from '../api.js';
import type { AppContext, View } from '../context.js';
import { card, facts, h, setText } from '../dom.js';
import { displayName, type FleetChange } from '../fleet.js';
import { ago, energy, joined, measured, meterKw, when, type Shown } from '../format.js';
import { deviceHref } from '../router.js';
import type { DeviceSnapshot, EnergySpan, MeterSummary, PhaseNow } from '../types.js';
import { backLink } from './device-page.js';
import { LiveChart } from './live-chart.js';

/** Without the live socket the page asks this often. */
const POLL_MS = 10_000;
/** How long a telegram's messages take to arrive together. */
const SETTLE_MS = 150;
const PHASES = ['l1', 'l2', 'l3'] as const;
const MBUS_TOTALS = ['gas_total', 'water_total', 'hot_water_total', 'heat_total'];

function withClass(el: HTMLElement, cls: string): HTMLElement {
  el.classList.add(cls);
  return el;
}

function value(field: string, s: Shown, cls = ''): HTMLElement {
  return h(
    'span',
    { class: `value ${cls}`.trim(), 'data-field': field },
    h('span', { class: 'num' }, s.value),
    ' ',
    h('span', { class: 'unit' }, s.unit),
  );
}

export class MeterPage implements View {
  readonly el: HTMLElement;
  private readonly head = h(
    'div',
    { class: 'page-head' },
    h('h1', null, 'Meter'),
    h('p', { class: 'sub' }, 'Loading…'),
  );
  private readonly now = h('div', { class: 'meter-now' });
  private readonly phases = h('div', { class: 'table-scroll' });
  private readonly totals = h('div', { class: 'table-scroll' });
  private readonly peak = h('div', { class: 'peak' });
  private readonly mbus = h('div', { class: 'mbus' });
  private readonly ident = h('div');
  private readonly error = h('p', { class: 'msg page-msg', role: 'status' });
  private readonly live: LiveChart;
  private readonly unsubscribe: (() => void)[];
  private summary: MeterSummary | null = null;
  private inFlight = false;
  private again = false;
  private lastFetch = 0;
  private soon: number | undefined;
  /** The id is no P1 meter on this hub: the page says so and asks no more. */
  private gone = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
  ) {
    this.live = new LiveChart(
      ctx,
      id,
      [
        { metric: 'power_import', label: 'Import', color: '#2563eb' },
        { metric: 'power_export', label: 'Export', color: '#059669' },
      ],
      'W',
    );
    this.el = h(
      'main',
      { class: 'page meter' },
      backLink(),
      this.head,
      this.error,
      h(
        'div',
        { class: 'meter-grid' },
        card('Now', this.now),
        card('Per phase', this.phases),
        card('Energy', this.totals),
        withClass(card('Last 5 minutes', this.live.el), 'span2'),
        card('Capacity tariff', this.peak),
        card('M-Bus meters', this.mbus),
        withClass(card('Identity', this.ident), 'span2'),
      ),
    );
    this.unsubscribe = [
      ctx.fleet.subscribe((c) => this.changed(c)),
      ctx.onTick((t) => this.tick(t)),
    ];
    void this.load();
  }

  destroy(): void {
    clearTimeout(this.soon);
    this.unsubscribe.forEach((u) => u());
    this.live.destroy();
  }

  /**
   * A telegram brings a burst of messages (the telegram, then its readings):
   * one request after it. So does the meter's snapshot when the live socket
   * (re)connects, for what came while it was down.
   */
  private changed(c: FleetChange): void {
    const about = c.kind === 'meter' || c.kind === 'reading' || c.kind === 'device';
    if (about && c.id === this.id && !this.soon)
      this.soon = window.setTimeout(() => {
        this.soon = undefined;
        void this.load();
      }, SETTLE_MS);
  }

  private tick(now: number): void {
    const sub = this.head.querySelector('.received');
    if (sub && this.summary?.receivedAt)
      setText(sub, `last telegram ${ago(Date.parse(this.summary.receivedAt), now)}`);
    if (!this.ctx.live() && now - this.lastFetch >= POLL_MS) void this.load();
  }

  /** One request at a time; telegrams arriving meanwhile make one more afterwards. */
  private async load(): Promise<void> {
    if (this.gone) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.lastFetch = Date.now();
    try {
      this.show(await this.ctx.api.get<MeterSummary>(`api/meters/${encodeURIComponent(this.id)}`));
      setText(this.error, '');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) this.notAMeter(plainError(err));
      else setText(this.error, `Could not read the meter: ${plainError(err)}`);
    } finally {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        void this.load();
      }
    }
  }

  /** No empty cards and charts for something that is not there: what it is instead, if anything. */
  private notAMeter(why: string): void {
    this.gone = true;
    this.live.destroy();
    const d = this.ctx.fleet.get(this.id);
    this.el.replaceChildren(
      backLink(),
      h(
        'div',
        { class: 'placeholder' },
        `${why}.`,
        d ? h('a', { href: deviceHref(d.id), class: 'meter-link' }, ' Its device page →') : null,
      ),
    );
  }

  private show(m: MeterSummary): void {
    this.summary = m;
    const d = m.device;
    const tariff = m.now.tariff;
    this.head.replaceChildren(
      h('h1', null, displayName(d)),
      h(
        'p',
        { class: 'sub' },
        h('span', { class: 'dot' }),
        [d.info.manufacturer, d.info.dsmrVersion && `DSMR ${d.info.dsmrVersion}`]
          .filter(Boolean)
          .join(' · ') || 'P1 meter',
        ' · ',
        h(
          'span',
          { class: 'received' },
          m.receivedAt
            ? `last telegram ${ago(Date.parse(m.receivedAt), Date.now())}`
            : 'no telegram yet',
        ),
      ),
    );
    this.el.dataset.availability = d.availability;
    this.now.replaceChildren(
      h(
        'div',
        { class: 'flow import' },
        h('span', { class: 'label' }, 'Import'),
        value('import', meterKw(m.now.importW), 'big'),
      ),
      h(
        'div',
        { class: 'flow export', 'data-active': (m.now.exportW ?? 0) > 0 },
        h('span', { class: 'label' }, 'Export'),
        value('export', meterKw(m.now.exportW), 'big'),
      ),
      h(
        'div',
        { class: 'flow tariff' },
        h('span', { class: 'label' }, 'Tariff'),
        h(
          'span',
          { class: 'value big', 'data-field': 'tariff' },
          h('span', { class: 'num' }, tariff === null ? '—' : String(tariff)),
        ),
      ),
    );
    this.phases.replaceChildren(this.phaseTable(m.now.phases));
    this.totals.replaceChildren(this.totalsTable(m.today, m.month));
    this.peak.replaceChildren(
      m.capacityPeak
        ? h(
            'div',
            null,
            value('peak', meterKw(m.capacityPeak.w), 'big'),
            h(
              'p',
              { class: 'hint' },
              `This month’s highest quarter-hour demand, reached ${when(m.capacityPeak.ts)}.`,
            ),
          )
        : h(
            'p',
            { class: 'hint' },
            'This meter reports no capacity-tariff peak (only Belgian meters do).',
          ),
    );
    this.mbus.replaceChildren(
      m.mbus.length > 0
        ? h('ul', { class: 'mbus-list' }, ...m.mbus.map((b) => this.mbusRow(b)))
        : h('p', { class: 'hint' }, 'No gas, water or heat meter on this meter’s M-Bus.'),
    );
    const t = m.telegram ?? {};
    this.ident.replaceChildren(
      facts([
        ['Id', d.id],
        ['Equipment', d.nativeId],
        ['Manufacturer', d.info.manufacturer],
        ['Model', d.info.model],
        ['DSMR version', d.info.dsmrVersion],
        ['Header', typeof t.header === 'string' ? t.header : undefined],
        ['Meter clock', typeof t.powerTs === 'string' ? when(t.powerTs) : undefined],
        [
          'Checksum',
          t.crc === true ? 'verified' : t.crc === false ? 'none in this telegram' : undefined,
        ],
        ['Availability', `${d.availability} (${d.availabilityReason})`],
      ]),
      h('a', { href: deviceHref(d.id), class: 'more' }, 'History and details →'),
    );
  }

  private phaseTable(phases: MeterSummary['now']['phases']): HTMLElement {
    const present = PHASES.filter((p) => phases[p]);
    if (present.length === 0)
      return h('p', { class: 'hint' }, 'This meter reports no per-phase values.');
    const cell = (p: string, f: string, s: Shown) => h('td', null, value(`${p}.${f}`, s));
    return h(
      'table',
      { class: 'numbers' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, ''),
          h('th', null, 'Import'),
          h('th', null, 'Export'),
          h('th', null, 'Voltage'),
          h('th', null, 'Current'),
        ),
      ),
      h(
        'tbody',
        null,
        ...present.map((p) => {
          const ph: PhaseNow = phases[p]!;
          return h(
            'tr',
            { 'data-phase': p },
            h('th', null, p.toUpperCase()),
            cell(p, 'import', meterKw(ph.powerImportW)),
            cell(p, 'export', meterKw(ph.powerExportW)),
            cell(p, 'voltage', measured(ph.voltageV, 'V')),
            cell(p, 'current', measured(ph.currentA, 'A')),
          );
        }),
      ),
    );
  }

  private totalsTable(today: EnergySpan, month: EnergySpan): HTMLElement {
    const row = (label: string, key: string, a: Shown, b: Shown) =>
      h(
        'tr',
        null,
        h('th', null, label),
        h('td', null, value(`today.${key}`, a)),
        h('td', null, value(`month.${key}`, b)),
      );
    return h(
      'table',
      { class: 'numbers' },
      h(
        'thead',
        null,
        h('tr', null, h('th', null, ''), h('th', null, 'Today'), h('th', null, 'This month')),
      ),
      h(
        'tbody',
        null,
        row('Import', 'import', energy(today.importWh), energy(month.importWh)),
        row('Export', 'export', energy(today.exportWh), energy(month.exportWh)),
        row('Gas', 'gas', measured(today.gasM3, 'm3'), measured(month.gasM3, 'm3')),
      ),
    );
  }

  private mbusRow(b: DeviceSnapshot): HTMLElement {
    const metric = MBUS_TOTALS.find((m) => b.readings[m]);
    const r = metric ? b.readings[metric] : undefined;
    return h(
      'li',
      { 'data-id': b.id },
      h('a', { href: deviceHref(b.id) }, displayName(b)),
      h(
        'span',
        { class: 'value', 'data-field': metric ?? 'total' },
        r ? joined(measured(r.value, r.unit)) : '—',
      ),
      h('span', { class: 'what' }, b.info.model ?? ''),
      h('span', { class: 'when' }, r ? `read ${when(r.ts)}` : ''),
    );
  }
}

/**
 * History over a chosen range (1 h, 24 h, 7 d, 30 d): means of power,
 * voltage and current per bucket, and the energy used per bucket as bars.
 * The bucket grows with the range so every chart holds 60 to 170 points,
 * read from the store's minute and hour rollups.
 */
import { plainError } from '../api.js';
import { TimeChart } from '../chart.js';
import type { AppContext, View } from '../context.js';
import { h } from '../dom.js';
import type { ReadingsAnswer } from '../types.js';

interface Range {
  label: string;
  ms: number;
  /** Bucket of the mean charts. */
  interval: string;
  /** Bucket of the energy bars, and how the chart names it. */
  energyInterval: string;
  energyLabel: string;
}

const HOUR = 3_600_000;
export const RANGES: Range[] = [
  { label: '1h', ms: HOUR, interval: '1m', energyInterval: '5m', energyLabel: 'per 5 minutes' },
  { label: '24h', ms: 24 * HOUR, interval: '15m', energyInterval: '1h', energyLabel: 'per hour' },
  { label: '7d', ms: 7 * 24 * HOUR, interval: '1h', energyInterval: '1d', energyLabel: 'per day' },
  {
    label: '30d',
    ms: 30 * 24 * HOUR,
    interval: '6h',
    energyInterval: '1d',
    energyLabel: 'per day',
  },
];

export interface HistoryMetric {
  metric: string;
  title: string;
  unit: string;
  color: string;
  /** Energy: Wh per bucket as bars; otherwise the mean per bucket as a line. */
  energy?: boolean;
}

export class HistoryCharts implements View {
  readonly el: HTMLElement;
  private readonly charts: { spec: HistoryMetric; chart: TimeChart; title: HTMLElement }[];
  private readonly buttons: HTMLButtonElement[];
  /** Answers to an older choice of range are dropped. */
  private generation = 0;

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
    metrics: HistoryMetric[],
  ) {
    this.buttons = RANGES.map((r) => {
      const b = h('button', { type: 'button', 'data-range': r.label }, r.label);
      b.addEventListener('click', () => this.show(r));
      return b;
    });
    this.charts = metrics.map((spec) => ({
      spec,
      title: h('h3', null, spec.title),
      chart: new TimeChart({
        unit: spec.unit,
        height: 150,
        series: [{ label: spec.title, color: spec.color, bars: spec.energy }],
        empty: 'No readings in this range',
      }),
    }));
    this.el = h(
      'div',
      { class: 'history' },
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Range' }, ...this.buttons),
      h(
        'div',
        { class: 'history-charts' },
        ...this.charts.map((c) => h('figure', null, c.title, c.chart.el)),
      ),
    );
    this.show(RANGES[1]!);
  }

  destroy(): void {
    this.generation++;
    this.charts.forEach((c) => c.chart.destroy());
  }

  private show(range: Range): void {
    const generation = ++this.generation;
    for (const b of this.buttons)
      b.setAttribute('aria-pressed', String(b.dataset.range === range.label));
    const now = Date.now();
    for (const { spec, chart, title } of this.charts) {
      title.textContent = spec.energy ? `${spec.title} ${range.energyLabel}` : spec.title;
      chart.setWindow(now - range.ms, now);
      void this.ctx.api
        .get<ReadingsAnswer>(`api/devices/${encodeURIComponent(this.id)}/readings`, {
          metric: spec.metric,
          from: `-${range.label}`,
          interval: spec.energy ? range.energyInterval : range.interval,
          operation: spec.energy ? undefined : 'mean',
        })
        .then(
          (a) => {
            if (generation !== this.generation) return;
            const s = a.series[0] ?? { t: [], v: [] };
            chart.setData(s.t, s.v);
            chart.setNote(null);
          },
          (err: unknown) => {
            if (generation !== this.generation) return;
            chart.setData([], []);
            chart.setNote(`Could not load: ${plainError(err)}`);
          },
        );
    }
  }
}

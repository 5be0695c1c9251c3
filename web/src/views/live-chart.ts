/**
 * The last five minutes of one or more of a device's metrics: seeded from
 * the store (`readings?from=-5m`), then fed by the live readings, with the
 * time axis sliding along each second.
 */
import { plainError } from '../api.js';
import { align, TimeChart, type SeriesSpec } from '../chart.js';
import type { AppContext, View } from '../context.js';
import type { ReadingsAnswer } from '../types.js';

const WINDOW_MS = 5 * 60_000;

export interface LiveMetric extends SeriesSpec {
  metric: string;
}

export class LiveChart implements View {
  readonly el: HTMLElement;
  private readonly chart: TimeChart;
  private readonly points: Map<string, Map<number, number>>;
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly ctx: AppContext,
    private readonly id: string,
    private readonly metrics: LiveMetric[],
    unit: string,
  ) {
    this.points = new Map(metrics.map((m) => [m.metric, new Map()]));
    this.chart = new TimeChart({
      unit,
      series: metrics,
      height: 180,
      empty: 'Waiting for readings…',
    });
    this.el = this.chart.el;
    this.slide(Date.now());
    this.unsubscribe = [
      ctx.fleet.subscribe((c) => {
        if (c.kind === 'reading' && c.id === this.id) this.add(c.metric, c.ts, c.value);
      }),
      ctx.onTick((now) => this.slide(now)),
    ];
    void this.seed();
  }

  destroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.chart.destroy();
  }

  private async seed(): Promise<void> {
    try {
      const answers = await Promise.all(
        this.metrics.map((m) =>
          this.ctx.api.get<ReadingsAnswer>(`api/devices/${encodeURIComponent(this.id)}/readings`, {
            metric: m.metric,
            from: '-5m',
          }),
        ),
      );
      answers.forEach((a, i) => {
        const into = this.points.get(this.metrics[i]!.metric)!;
        for (const s of a.series) s.t.forEach((t, j) => into.set(t, s.v[j]!));
      });
      this.draw();
    } catch (err) {
      this.chart.setNote(`Could not load recent readings: ${plainError(err)}`);
    }
  }

  private add(metric: string, ts: number, value: number): void {
    const into = this.points.get(metric);
    if (!into) return;
    into.set(ts, value);
    this.draw();
  }

  private slide(now: number): void {
    let dropped = false;
    for (const pts of this.points.values())
      for (const t of pts.keys()) if (t < now - WINDOW_MS) dropped = pts.delete(t);
    this.chart.setWindow(now - WINDOW_MS, now);
    if (dropped) this.draw();
  }

  private draw(): void {
    const series = [...this.points.values()].map((pts) => {
      const t = [...pts.keys()].sort((a, b) => a - b);
      return { t, v: t.map((x) => pts.get(x)!) };
    });
    const [t, ...values] = align(series);
    this.chart.setData(t, ...values);
  }
}

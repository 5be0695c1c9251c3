/**
 * A time chart on uPlot (canvas, ~50 kB) in a box of fixed height, so the
 * page does not move when data arrives. The plot is made once the box has a
 * width and follows it; `data-points` on the box says how many points it
 * shows (for people and tests alike).
 */
import uPlot from 'uplot';
import { h, setText } from './dom.js';
import { joined, measured } from './format.js';

export interface SeriesSpec {
  label: string;
  color: string;
  /** Draw as bars (energy per bucket) instead of a line. */
  bars?: boolean;
}

export interface ChartSpec {
  unit: string;
  series: SeriesSpec[];
  /** Plot height in CSS pixels (legend below it). */
  height: number;
  /** Said in the box while it has no points. */
  empty: string;
}

export class TimeChart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private data: uPlot.AlignedData;
  private window: { min: number; max: number } | null = null;
  private readonly note: HTMLElement;
  private readonly resize: ResizeObserver;

  constructor(private readonly spec: ChartSpec) {
    this.data = [[], ...spec.series.map(() => [])];
    this.note = h('div', { class: 'chart-note' }, spec.empty);
    this.el = h('div', { class: 'chart', 'data-points': '0' }, this.note);
    this.el.style.setProperty('--plot-h', `${spec.height}px`);
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.el);
  }

  /** Times in epoch ms; one value array per series, aligned with `t` (null: no value there). */
  setData(t: number[], ...values: (number | null)[][]): void {
    this.data = [t, ...values];
    const points = values.reduce((n, v) => n + v.filter((x) => x !== null).length, 0);
    this.el.dataset.points = String(points);
    this.note.hidden = points > 0;
    this.plot?.setData(this.data, this.window === null);
    if (this.window) this.plot?.setScale('x', this.window);
    this.plot?.setLegend({}); // the legend's "latest" values follow the data
  }

  /** Keep the time axis at [min, max] (the live chart slides it along). */
  setWindow(min: number, max: number): void {
    this.window = { min, max };
    this.plot?.setScale('x', this.window);
  }

  /** Said in the box instead of "no data" (e.g. why loading failed). */
  setNote(text: string | null): void {
    setText(this.note, text ?? this.spec.empty);
    this.note.hidden = text === null && this.el.dataset.points !== '0';
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private fit(): void {
    const width = Math.floor(this.el.clientWidth);
    if (width <= 0) return;
    if (this.plot) {
      if (this.plot.width !== width) this.plot.setSize({ width, height: this.spec.height });
      return;
    }
    this.plot = new uPlot(this.options(width), this.data, this.el);
    if (this.window) this.plot.setScale('x', this.window);
    this.plot.setLegend({});
  }

  private options(width: number): uPlot.Options {
    const { unit } = this.spec;
    const axis: uPlot.Axis = {
      stroke: '#5b6472',
      grid: { stroke: '#e8eaee', width: 1 },
      ticks: { stroke: '#e8eaee', width: 1 },
      font: '11px system-ui, sans-serif',
    };
    return {
      width,
      height: this.spec.height,
      ms: 1,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [
        { ...axis, space: 70 },
        {
          ...axis,
          // Wide enough for the longest label (a gas total reads 6,095.767).
          size: (_u, values) =>
            Math.max(52, 12 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))),
          values: (_u, splits) => splits.map((v) => measured(v, unit).value),
        },
      ],
      // Away from the cursor the legend reads the latest point, so it is never a row of dashes.
      series: [
        {
          value: (u, _v, _s, idx) => {
            const at = idx ?? lastIndex(u.data[1] ?? []);
            return at === null ? '' : new Date(u.data[0][at]!).toLocaleString();
          },
        },
        ...this.spec.series.map((s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: s.bars ? 0 : 1.5,
          fill: s.bars ? s.color : `${s.color}1f`,
          spanGaps: !s.bars,
          // A line needs two points: a lone one (a day of one reading) is drawn as a dot.
          points: { show: (u, si) => !s.bars && presentCount(u.data[si] ?? []) < 2 },
          value: (u, _v, si, idx) => {
            const at = idx ?? lastIndex(u.data[si] ?? []);
            const x = at === null ? null : (u.data[si]?.[at] ?? null);
            return x === null || x === undefined ? '—' : joined(measured(x, unit));
          },
          ...(s.bars ? { paths: uPlot.paths.bars!({ size: [0.7, 48], align: 1 }) } : {}),
        })),
      ],
    };
  }
}

function presentCount(values: ArrayLike<number | null | undefined>): number {
  let n = 0;
  for (let i = 0; i < values.length && n < 2; i++)
    if (values[i] !== null && values[i] !== undefined) n++;
  return n;
}

function lastIndex(values: ArrayLike<number | null | undefined>): number | null {
  for (let i = values.length - 1; i >= 0; i--)
    if (values[i] !== null && values[i] !== undefined) return i;
  return null;
}

/**
 * Several series sampled at different times on one time axis (uPlot wants
 * one x array): the union of their times, null where a series has no point.
 */
export function align(series: { t: number[]; v: number[] }[]): [number[], ...(number | null)[][]] {
  const times = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(times.length).fill(null);
    s.t.forEach((t, i) => (col[index.get(t)!] = s.v[i] ?? null));
    return col;
  });
  return [times, ...columns];
}

import os from 'node:os';

/**
 * One measured figure beside the baseline it is judged against. Both are
 * measured in the same run, so the ratio is meaningful across machines.
 */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baselineValue: number;
  /** value / baselineValue. */
  ratio: number;
  /** Human description of the target, e.g. ">= 0.5x baseline". */
  target: string;
  pass: boolean;
  notes?: string;
}

export interface Bench {
  name: string;
  run(): Promise<BenchFigure[]>;
}

export function figure(
  f: Omit<BenchFigure, 'ratio' | 'pass'> & {
    pass?: (ratio: number, value: number) => boolean;
    /** The median of per-round ratios, when rounds were paired (steadier than value/baseline). */
    ratio?: number;
  },
): BenchFigure {
  const ratio = f.ratio ?? (f.baselineValue === 0 ? 0 : f.value / f.baselineValue);
  const { pass, ratio: _ratio, ...rest } = f;
  return { ...rest, ratio, pass: pass ? pass(ratio, f.value) : true };
}

/** Operations per second of `fn` called `iterations` times, after a warm-up. */
export function opsPerSecond(
  fn: (i: number) => void,
  iterations: number,
  warmup = iterations / 10,
): number {
  for (let i = 0; i < warmup; i++) fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - start);
  return (iterations * 1e9) / ns;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median of several runs of a rate measurement, to damp noise. */
export function medianOf(runs: number, measure: () => number): number {
  return median(Array.from({ length: runs }, measure));
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const gib = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${os.cpus().length} x ${cpu}, ${gib} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

export function formatNumber(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

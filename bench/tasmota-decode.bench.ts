/**
 * Tasmota decode on the hot path: messages/s of TasmotaDriver.decode over
 * 1024 distinct 200-byte SENSOR payloads, against a bare
 * `JSON.parse(buf.toString())` loop over the same buffers in the same run
 * (payload shape as research/perf-anchors.md §2).
 */
import { TasmotaDriver } from '../src/drivers/tasmota/driver.js';
import { figure, median, opsPerSecond, type Bench, type BenchFigure } from './harness.js';

const POOL = 1024;
const ITERATIONS = 1_000_000;
const ROUNDS = 5;
const NOW = Date.UTC(2025, 0, 15, 13, 0, 0);

/** A Tasmota SENSOR payload padded to exactly `size` bytes with a string field. */
export function sensorPayload(i: number, seq: number, size = 200): Buffer {
  const p = 50 + ((i * 7 + seq) % 900);
  const obj = {
    Time: `2025-01-15T12:${String(seq % 60).padStart(2, '0')}:${String((seq * 7) % 60).padStart(2, '0')}`,
    ENERGY: {
      Total: +(123.456 + i).toFixed(3),
      Yesterday: 1.234,
      Today: +(0.5 + (seq % 100) / 1000).toFixed(3),
      Power: p,
      ApparentPower: p + 8,
      ReactivePower: 38,
      Factor: 0.92,
      Voltage: 231,
      Current: +(p / 231).toFixed(3),
    },
    Dev: `plug-${i}`,
  };
  let s = JSON.stringify(obj);
  if (s.length < size) obj.Dev += '_'.repeat(size - s.length);
  else if (s.length > size) obj.Dev = obj.Dev.slice(0, obj.Dev.length - (s.length - size));
  s = JSON.stringify(obj);
  if (s.length !== size) throw new Error(`payload is ${s.length} bytes, not ${size}`);
  return Buffer.from(s);
}

export function pool(): { topics: string[]; payloads: Buffer[] } {
  const topics: string[] = [];
  const payloads: Buffer[] = [];
  for (let i = 0; i < POOL; i++) {
    topics.push(`tele/plug-${i % 100}/SENSOR`);
    payloads.push(sensorPayload(i % 100, i));
  }
  return { topics, payloads };
}

async function run(): Promise<BenchFigure[]> {
  const { topics, payloads } = pool();
  const driver = new TasmotaDriver();
  let sink = 0;

  const parse = (i: number): void => {
    const k = i & (POOL - 1);
    const msg = JSON.parse(payloads[k]!.toString()) as { ENERGY: { Power: number } };
    sink += msg.ENERGY.Power;
  };
  const decode = (i: number): void => {
    const k = i & (POOL - 1);
    sink += driver.decode(topics[k]!, payloads[k]!, NOW).length;
  };

  // Interleave the two measurements so both see the same machine state.
  // Paired rounds, each measuring both loops back to back: the ratio of a
  // round is judged, and the median of five rounds damps GC and neighbours.
  const baseline: number[] = [];
  const measured: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = opsPerSecond(parse, ITERATIONS);
    const d = opsPerSecond(decode, ITERATIONS);
    baseline.push(b);
    measured.push(d);
    ratios.push(d / b);
  }
  const value = median(measured);
  const baselineValue = median(baseline);
  if (sink === 0) throw new Error('benchmark was optimised away');

  return [
    figure({
      name: 'tasmota decode (SENSOR, 200 B)',
      value,
      unit: 'msg/s',
      baselineName: 'JSON.parse(buf.toString())',
      baselineValue,
      ratio: median(ratios),
      target: '>= 0.5x',
      pass: (r) => r >= 0.5,
      notes: `median of ${ROUNDS} paired rounds; decode yields 10 events per message (seen + 9 readings); pool of ${POOL} payloads`,
    }),
  ];
}

export const bench: Bench = { name: 'tasmota-decode', run };

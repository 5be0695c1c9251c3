/** Shared pieces of the DSMR simulator tests: the project's decoder as the judge, times, io capture. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../../src/cli/io.js';
import {
  DsmrDecoder,
  type DsmrDecoderOptions,
  type DsmrDecodeResult,
  type DsmrObject,
  type DsmrTelegram,
} from '../../../src/dsmr/index.js';

/** Local (CET/CEST) wall-clock time to epoch ms: Dutch time is UTC+1 in winter, UTC+2 in summer. */
export function local(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const summer = mo >= 4 && mo <= 9; // good enough away from the switch-over weekends
  return Date.UTC(y, mo - 1, d, h, mi, s) - (summer ? 2 : 1) * 3_600_000;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Decodes a whole byte stream; returns the results and the decoder's counts. */
export function decodeStream(
  chunks: readonly Uint8Array[],
  options: DsmrDecoderOptions = {},
): { results: DsmrDecodeResult[]; telegrams: DsmrTelegram[]; decoder: DsmrDecoder } {
  const decoder = new DsmrDecoder(options);
  const results = [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()];
  const telegrams = results.flatMap((r) => (r.ok ? [r.telegram] : []));
  return { results, telegrams, decoder };
}

/** Decodes one telegram, failing the test when it is rejected. */
export function decodeOne(bytes: Uint8Array, options: DsmrDecoderOptions = {}): DsmrTelegram {
  const { results } = decodeStream([bytes], options);
  if (results.length !== 1) throw new Error(`expected one telegram, got ${results.length} results`);
  const r = results[0]!;
  if (!r.ok) throw new Error(`telegram rejected: ${r.reason}: ${r.message}`);
  return r.telegram;
}

export function objectOf(t: DsmrTelegram, obis: string): DsmrObject {
  const o = t.objects.find((x) => x.obis === obis);
  if (o === undefined) throw new Error(`no ${obis} in the telegram`);
  return o;
}

/** The number of a `number` object. */
export function num(t: DsmrTelegram, obis: string): number {
  const o = objectOf(t, obis);
  if (o.kind !== 'number' || o.value === null) throw new Error(`${obis} is not a number`);
  return o.value;
}

export function text(t: DsmrTelegram, obis: string): string | null {
  const o = objectOf(t, obis);
  if (o.kind !== 'text') throw new Error(`${obis} is not text`);
  return o.value;
}

/** A reading object's timestamp (raw) and value. */
export function reading(
  t: DsmrTelegram,
  obis: string,
): { raw: string; at: number | null; value: number | null } {
  const o = objectOf(t, obis);
  if (o.kind !== 'reading' && o.kind !== 'legacy-reading')
    throw new Error(`${obis} is not a reading`);
  return { raw: o.timestampRaw, at: o.timestamp, value: o.value };
}

/** A writable that keeps what was written and can wait for text to appear. */
export class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  private waiters: { re: RegExp; resolve(m: RegExpMatchArray): void }[] = [];

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    const t = this.text;
    this.waiters = this.waiters.filter((w) => {
      const m = t.match(w.re);
      if (m !== null) w.resolve(m);
      return m === null;
    });
    done();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get text(): string {
    return this.bytes.toString('latin1');
  }

  /** Resolves with the first match of `re` in everything written so far or later. */
  waitFor(re: RegExp): Promise<RegExpMatchArray> {
    const m = this.text.match(re);
    if (m !== null) return Promise.resolve(m);
    return new Promise((resolve) => this.waiters.push({ re, resolve }));
  }
}

export function captureIo(
  env: NodeJS.ProcessEnv = process.env,
): CliIo & { stdout: Capture; stderr: Capture } {
  return {
    stdin: process.stdin,
    stdout: new Capture(),
    stderr: new Capture(),
    env,
  };
}

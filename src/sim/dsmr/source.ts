/**
 * What goes on the wire for each telegram: the meter's telegram, damaged
 * when a bad-crc fault fires, encrypted when a key is set, then cut short
 * or preceded by junk when those faults fire. Holds the per-run state (the
 * telegram number, the frame counter) and nothing else: no timers, no I/O.
 */
import { DlmsEncryptor } from './encrypt.js';
import {
  corruptDigit,
  faultFires,
  junk,
  truncate,
  type FaultKind,
  type FaultRule,
} from './faults.js';
import type { MeterModel } from './model.js';

export interface TelegramSourceOptions {
  model: MeterModel;
  encryptor?: DlmsEncryptor;
  faults?: readonly FaultRule[];
  /** Seed of the fault decisions (default 1). */
  seed?: number;
}

export class TelegramSource {
  private readonly o: TelegramSourceOptions;
  private index = 0;

  constructor(options: TelegramSourceOptions) {
    this.o = options;
  }

  /** Telegrams produced so far. */
  get count(): number {
    return this.index;
  }

  /** The bytes of the next telegram, as the meter sends them at `ms`. */
  next(ms: number): Buffer {
    const i = this.index++;
    const seed = this.o.seed ?? 1;
    const fires = (kind: FaultKind): boolean =>
      (this.o.faults ?? []).some((r) => r.kind === kind && faultFires(r, seed, i));
    let bytes = this.o.model.telegramAt(ms);
    if (fires('bad-crc')) bytes = corruptDigit(bytes, seed, i);
    if (this.o.encryptor !== undefined) bytes = this.o.encryptor.seal(bytes);
    if (fires('truncate')) bytes = truncate(bytes, seed, i);
    if (fires('junk')) bytes = Buffer.concat([junk(seed, i), bytes]);
    return bytes;
  }
}

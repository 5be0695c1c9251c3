import { EventEmitter } from 'node:events';
import { DsmrHubEvents } from '../hub-events.js';
import type { P1Telegram } from './output.js';

export interface MeterTelegramEvents {
  /** nativeId: the meter's equipment id, as DsmrHubEvents names the device. */
  telegram: [nativeId: string, t: P1Telegram];
}

/** Telegrams kept per meter: a few minutes at DSMR 5's one per second. */
export const KEPT_PER_METER = 300;

/**
 * The latest telegrams of each P1 meter, for the HTTP API and the live
 * socket: what the meter said last (tariff, capacity peak) and a short
 * memory of it. It keeps the P1Telegram the service built, whose
 * smartmeter2mqtt message is already made and frozen. Bounded per meter;
 * the store keeps the history.
 */
export class MeterTelegrams extends EventEmitter<MeterTelegramEvents> {
  private readonly kept = new Map<string, P1Telegram[]>();

  add(t: P1Telegram): void {
    const id = DsmrHubEvents.meterId(t.telegram);
    let list = this.kept.get(id);
    if (!list) this.kept.set(id, (list = []));
    list.push(t);
    if (list.length > KEPT_PER_METER) list.splice(0, list.length - KEPT_PER_METER);
    this.emit('telegram', id, t);
  }

  /** Oldest first. */
  recent(nativeId: string): readonly P1Telegram[] {
    return this.kept.get(nativeId) ?? [];
  }

  latest(nativeId: string): P1Telegram | undefined {
    return this.kept.get(nativeId)?.at(-1);
  }
}

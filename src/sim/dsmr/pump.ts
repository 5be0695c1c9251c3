/**
 * The meter's clock: one telegram every interval, to every sink, until a
 * count is reached or `stop` resolves. Ticks are scheduled against the
 * start time so they do not drift; the time given to the meter never goes
 * backwards even if the system clock does.
 */
import type { TelegramSink } from './sink.js';
import type { TelegramSource } from './source.js';

export interface PumpOptions {
  source: TelegramSource;
  sinks: readonly TelegramSink[];
  intervalMs: number;
  /** Stop after this many telegrams. */
  count?: number;
  /** Epoch ms now. */
  clock: () => number;
}

/** Resolves with the number of telegrams sent. */
export function runPump(o: PumpOptions, stop: Promise<unknown>): Promise<number> {
  return new Promise((resolve) => {
    const t0 = o.clock();
    let last = t0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(o.source.count);
    };
    const tick = (): void => {
      if (done) return;
      last = Math.max(last, o.clock());
      const bytes = o.source.next(last);
      for (const sink of o.sinks) sink.send(bytes);
      if (o.count !== undefined && o.source.count >= o.count) {
        finish();
        return;
      }
      const due = t0 + o.source.count * o.intervalMs;
      timer = setTimeout(tick, Math.max(0, due - o.clock()));
    };
    void stop.then(finish);
    tick();
  });
}

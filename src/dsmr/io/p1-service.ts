/**
 * One P1 meter end to end: an input's bytes through the decoder to every
 * output. Counts telegrams accepted and rejected by reason, keeps the latest
 * telegram and emits one event per telegram, so the hub can subscribe to the
 * same meter the sockets and MQTT serve. An output that throws is logged and
 * the others still get the telegram; nothing here waits on an output.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  DsmrDecoder,
  type DsmrDecodeResult,
  type DsmrDecoderOptions,
  type DsmrRejectReason,
} from '../index.js';
import { p1Telegram, type P1Output, type P1Telegram } from './output.js';
import type { P1Source, P1SourceStatus } from './source.js';

export interface P1ServiceOptions {
  source: P1Source;
  outputs?: readonly P1Output[];
  /** Key and AAD of an encrypted meter, the clock-lead limit. */
  decoder?: Pick<DsmrDecoderOptions, 'key' | 'aad' | 'maxFutureMs'>;
  log?: Logger;
  /** Log a summary of the counts this often; 0 (default) never. */
  summaryEveryMs?: number;
  /** The clock (epoch ms), for the future-timestamp check and `receivedAt`. */
  now?: () => number;
}

export interface P1Rejection {
  reason: DsmrRejectReason;
  message: string;
}

export interface P1ServiceStats {
  ok: number;
  rejected: Record<DsmrRejectReason, number>;
  /** Bytes outside telegrams (junk between telegrams, fragments). */
  skippedBytes: number;
  /** Calls to an output's write() that threw. */
  outputErrors: number;
}

export interface P1ServiceEvents {
  telegram: [t: P1Telegram];
  rejected: [r: P1Rejection];
  state: [status: P1SourceStatus];
  /** The input has no more data (a replayed file reached its end). */
  ended: [];
}

/** A zero for every reason the decoder knows, so a reason added there is counted here too. */
function noRejections(): Record<DsmrRejectReason, number> {
  return new DsmrDecoder().stats.rejected;
}

export class P1Service extends EventEmitter<P1ServiceEvents> {
  private readonly decoder: DsmrDecoder;
  private readonly counts = { ok: 0, rejected: noRejections(), outputErrors: 0 };
  private readonly now: () => number;
  private last: P1Telegram | null = null;
  private summaryTimer: NodeJS.Timeout | undefined;
  private okAtLastSummary = 0;
  private started: P1Output[] = [];

  constructor(private readonly options: P1ServiceOptions) {
    super();
    this.decoder = new DsmrDecoder(options.decoder);
    this.now = options.now ?? Date.now;
  }

  get stats(): P1ServiceStats {
    return {
      ok: this.counts.ok,
      rejected: { ...this.counts.rejected },
      skippedBytes: this.decoder.stats.skippedBytes,
      outputErrors: this.counts.outputErrors,
    };
  }

  /** The input, for its description and status. */
  get source(): P1Source {
    return this.options.source;
  }

  /** The last valid telegram, or null before the first. */
  latest(): P1Telegram | null {
    return this.last;
  }

  /** Starts every output (all or none: a failure closes the ones started), then the input. */
  async start(): Promise<void> {
    for (const output of this.options.outputs ?? []) {
      try {
        await output.start();
      } catch (err) {
        await this.closeOutputs();
        throw err;
      }
      this.started.push(output);
    }
    const source = this.options.source;
    source.on('data', (chunk) => this.handle(this.decoder.push(chunk, this.now())));
    source.on('state', (status) => this.sourceState(status));
    const every = this.options.summaryEveryMs ?? 0;
    if (every > 0) this.summaryTimer = setInterval(() => this.logSummary(false), every);
    source.start();
  }

  /** Stops the input, flushes what it left, closes the outputs. */
  async stop(): Promise<void> {
    clearInterval(this.summaryTimer);
    await this.options.source.stop();
    this.handle(this.decoder.end(this.now()));
    await this.closeOutputs();
    this.logSummary(true);
  }

  private sourceState(status: P1SourceStatus): void {
    const log = this.options.log;
    const input = this.options.source.description;
    if (status.state === 'disconnected' || status.state === 'ended')
      this.handle(this.decoder.end(this.now()));
    if (status.state === 'disconnected')
      log?.warn({ input, reason: status.reason, retryInMs: status.retryInMs }, 'P1 input lost');
    else if (status.state === 'ended' && status.reason !== undefined)
      log?.error({ input, reason: status.reason }, 'P1 input failed');
    // Attempts are only worth a line when they fail (above) or succeed.
    else if (status.state === 'connecting') log?.debug({ input }, 'P1 input connecting');
    else log?.info({ input }, `P1 input ${status.state}`);
    this.emit('state', status);
    if (status.state === 'ended') this.emit('ended');
  }

  private handle(results: DsmrDecodeResult[]): void {
    for (const r of results) {
      if (r.ok) this.deliver(p1Telegram(r.telegram, r.raw, this.now()));
      else this.reject({ reason: r.reason, message: r.message });
    }
  }

  private deliver(t: P1Telegram): void {
    this.counts.ok++;
    this.last = t;
    for (const output of this.started) {
      try {
        output.write(t);
      } catch (err) {
        this.counts.outputErrors++;
        this.options.log?.error(
          { output: output.description, err: (err as Error).message },
          'P1 output failed on a telegram',
        );
      }
    }
    this.emit('telegram', t);
  }

  private reject(r: P1Rejection): void {
    const n = ++this.counts.rejected[r.reason];
    // The first of each reason is worth a warning; the summary counts the rest.
    if (n === 1) this.options.log?.warn(r, 'P1 telegram rejected');
    else this.options.log?.debug(r, 'P1 telegram rejected');
    this.emit('rejected', r);
  }

  private logSummary(final: boolean): void {
    const log = this.options.log;
    if (log === undefined) return;
    const { ok, rejected, skippedBytes } = this.stats;
    const rejectedNow = Object.fromEntries(Object.entries(rejected).filter(([, n]) => n > 0));
    const fields = {
      ok,
      okSinceLast: ok - this.okAtLastSummary,
      rejected: rejectedNow,
      skippedBytes,
    };
    this.okAtLastSummary = ok;
    if (!final && fields.okSinceLast === 0)
      log.warn({ ...fields, input: this.options.source.status }, 'P1: no valid telegram lately');
    else log.info(fields, final ? 'P1 final counts' : 'P1 counts');
  }

  private async closeOutputs(): Promise<void> {
    const outputs = this.started;
    this.started = [];
    await Promise.all(outputs.map((o) => o.close()));
  }
}

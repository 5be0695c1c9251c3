/**
 * A recorded P1 stream (a file, or stdin as `-`) played back telegram by
 * telegram at `rate` telegrams per second, or as fast as possible with 0:
 * for testing consumers of the sockets and MQTT without a meter. Telegram
 * boundaries come from the parser's framers (TelegramSplitter), so encrypted
 * recordings replay frame by frame too. Ends when the input ends.
 */
import { EventEmitter } from 'node:events';
import { createReadStream } from 'node:fs';
import { setImmediate as yieldToIo, setTimeout as sleep } from 'node:timers/promises';
import type { P1Source, P1SourceEvents, P1SourceStatus } from './source.js';
import { TelegramSplitter, type SplitPiece } from './telegram-splitter.js';

export interface ReplayInputOptions {
  /** The file to replay, or `-` for `stdin`. */
  path: string;
  stdin?: NodeJS.ReadableStream;
  /** Telegrams per second; 0 plays as fast as possible (default 1). */
  rate?: number;
}

export class ReplayInput extends EventEmitter<P1SourceEvents> implements P1Source {
  readonly description: string;
  private current: P1SourceStatus = { state: 'stopped' };
  private readonly abort = new AbortController();
  private stream: NodeJS.ReadableStream | null = null;
  private running: Promise<void> | null = null;
  private readonly interval: number;
  /** When the next telegram is due (epoch ms). */
  private due = 0;

  constructor(private readonly options: ReplayInputOptions) {
    super();
    if (options.path === '-' && options.stdin === undefined)
      throw new Error('replaying "-" needs a stdin stream');
    this.description = options.path === '-' ? 'stdin' : `file ${options.path}`;
    const rate = options.rate ?? 1;
    this.interval = rate > 0 ? 1000 / rate : 0;
  }

  get status(): P1SourceStatus {
    return this.current;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    // Ends a read that waits for more input (a quiet stdin).
    if (this.stream !== null && 'destroy' in this.stream)
      (this.stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    await this.running;
    this.setStatus({ state: 'stopped' });
  }

  private async run(): Promise<void> {
    const { path, stdin } = this.options;
    const stream = path === '-' ? stdin! : createReadStream(path);
    this.stream = stream;
    this.setStatus({ state: 'connecting' });
    const splitter = new TelegramSplitter();
    try {
      this.setStatus({ state: 'connected' });
      for await (const chunk of stream) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        if (!(await this.play(splitter.push(bytes)))) return;
      }
      if (!(await this.play(splitter.end()))) return;
      this.setStatus({ state: 'ended' });
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.setStatus({ state: 'ended', reason: `cannot read ${path}: ${(err as Error).message}` });
    }
  }

  /** Emits the pieces on schedule; false once stopped. */
  private async play(pieces: SplitPiece[]): Promise<boolean> {
    for (const piece of pieces) {
      if (piece.telegram) {
        const wait = this.due - Date.now();
        try {
          if (wait > 0) await sleep(wait, undefined, { signal: this.abort.signal });
          // Even at full speed, let sockets and timers run between telegrams.
          else await yieldToIo();
        } catch {
          return false;
        }
        this.due = Math.max(this.due, Date.now()) + this.interval;
      }
      if (this.abort.signal.aborted) return false;
      this.emit('data', piece.bytes);
    }
    return true;
  }

  private setStatus(status: P1SourceStatus): void {
    this.current = status;
    this.emit('state', status);
  }
}

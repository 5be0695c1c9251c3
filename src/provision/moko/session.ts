/**
 * The phone's side of Moko provisioning (spec §2) over one TCP session:
 * 4001, 4002, 4003 strictly in order, each a compact JSON object, each
 * answer cut from the stream by brace balance (framing.ts). Every way it can
 * go wrong is a ProvisionError of its own kind.
 */
import { connect, type Socket } from 'node:net';
import { CODE, HEADER, meaningOf, type PlugIdentity } from './codes.js';
import { JsonObjectSplitter, type Piece } from './framing.js';
import type { ProvisionPlan } from './validate.js';

export type ProvisionFailure =
  /** No TCP connection to the plug. */
  | 'unreachable'
  /** No answer within the step timeout. */
  | 'timeout'
  /** The plug closed the connection before answering. */
  | 'closed'
  /** The answer was not JSON. */
  | 'not-json'
  /** JSON, but not the answer the protocol defines. */
  | 'bad-answer'
  /** The plug refused the request with a non-zero code. */
  | 'refused';

export class ProvisionError extends Error {
  /** How far provisioning got (set when it ends). */
  progress: ProvisionProgress = { steps: [] };

  constructor(
    readonly kind: ProvisionFailure,
    message: string,
    /** The request header it happened at (4001-4003), when a request was under way. */
    readonly step?: number,
    /** The plug's code for `refused`. */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ProvisionError';
  }
}

export interface StepOutcome {
  header: number;
  code: number;
  message: string;
}

export interface ProvisionProgress {
  identity?: PlugIdentity;
  steps: StepOutcome[];
}

export interface ProvisionOptions {
  /** Per request, from sending it to its complete answer (default 5000 ms). */
  stepTimeoutMs?: number;
  /** TCP connect (default 15000 ms, as the iOS app). */
  connectTimeoutMs?: number;
  /** Called as each step is answered (for live output). */
  onStep?: (step: StepOutcome, progress: ProvisionProgress) => void;
}

const STEP_NAMES: Record<number, string> = {
  [HEADER.info]: 'device information request (4001)',
  [HEADER.mqtt]: 'MQTT settings (4002)',
  [HEADER.wifi]: 'Wi-Fi settings (4003)',
};

/** Answers as they arrive, handed out one per request. */
class AnswerReader {
  private readonly pieces: Piece[] = [];
  private ended: string | undefined;
  private wake: (() => void) | undefined;
  private readonly splitter = new JsonObjectSplitter();

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pieces.push(...this.splitter.push(chunk));
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended ??= 'closed';
      this.wake?.();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.ended = err.code ?? err.message;
      this.wake?.();
    });
  }

  async next(step: number, timeoutMs: number): Promise<Record<string, unknown>> {
    const name = STEP_NAMES[step] ?? String(step);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const piece = this.pieces.shift();
      if (piece) return parseAnswer(piece, name, step);
      if (this.ended !== undefined) {
        const partial = this.splitter.partial ? ' (in the middle of its answer)' : '';
        throw new ProvisionError(
          'closed',
          `the plug closed the connection after the ${name} without answering${partial} (${this.ended})`,
          step,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new ProvisionError(
          'timeout',
          `no answer from the plug to the ${name} within ${timeoutMs / 1000} s`,
          step,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

function parseAnswer(piece: Piece, name: string, step: number): Record<string, unknown> {
  const shown = JSON.stringify(piece.text.length > 60 ? `${piece.text.slice(0, 60)}…` : piece.text);
  let v: unknown;
  try {
    if (piece.kind === 'garbage') throw new Error('garbage');
    v = JSON.parse(piece.text);
  } catch {
    throw new ProvisionError(
      'not-json',
      `the plug answered the ${name} with something that is not JSON: ${shown}`,
      step,
    );
  }
  const a = v as { code?: unknown; result?: unknown };
  if (typeof a.code !== 'number' || !Number.isInteger(a.code))
    throw new ProvisionError(
      'bad-answer',
      `the plug's answer to the ${name} has no numeric "code": ${shown}`,
      step,
    );
  if (a.code !== CODE.ok)
    throw new ProvisionError(
      'refused',
      `the plug refused the ${name}: code ${a.code} (${meaningOf(a.code)})`,
      step,
      a.code,
    );
  const result = a.result as { header?: unknown } | undefined;
  if (typeof result !== 'object' || result === null || result.header !== step)
    throw new ProvisionError(
      'bad-answer',
      `the plug's answer to the ${name} is for another request: ${shown}`,
      step,
    );
  return v as Record<string, unknown>;
}

function identityOf(answer: Record<string, unknown>): PlugIdentity {
  const r = answer.result as Record<string, unknown>;
  const keys = [
    'device_function',
    'device_name',
    'device_specifications',
    'device_mac',
    'device_type',
  ] as const;
  const missing = keys.filter((k) => typeof r[k] !== 'string' || r[k] === '');
  if (missing.length > 0)
    throw new ProvisionError(
      'bad-answer',
      `the plug's device information lacks ${missing.join(', ')}`,
      HEADER.info,
    );
  return Object.fromEntries(keys.map((k) => [k, r[k]])) as unknown as PlugIdentity;
}

function open(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new ProvisionError(
          'unreachable',
          `cannot reach the plug at ${host}:${port} (${why}): is this computer on the plug's own Wi-Fi, and is the plug in AP mode (hold its button until the LED blinks)?`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs / 1000} s`), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code ?? err.message);
    });
  });
}

/**
 * Provision one plug. Resolves with what the plug is and how each step went;
 * rejects with a ProvisionError whose `progress` tells how far it got.
 */
export async function provisionMoko(
  plan: ProvisionPlan,
  opts: ProvisionOptions = {},
): Promise<ProvisionProgress> {
  const progress: ProvisionProgress = { steps: [] };
  const stepMs = opts.stepTimeoutMs ?? 5000;
  let socket: Socket | undefined;
  try {
    socket = await open(plan.plugHost, plan.plugPort, opts.connectTimeoutMs ?? 15_000);
    const reader = new AnswerReader(socket);
    for (const request of [plan.requests.info, plan.requests.mqtt, plan.requests.wifi]) {
      const header = (request as { header: number }).header;
      socket.write(JSON.stringify(request));
      const answer = await reader.next(header, stepMs);
      if (header === HEADER.info) progress.identity = identityOf(answer);
      const step = { header, code: answer.code as number, message: String(answer.message ?? '') };
      progress.steps.push(step);
      opts.onStep?.(step, progress);
    }
    return progress;
  } catch (err) {
    if (err instanceof ProvisionError) err.progress = progress;
    throw err;
  } finally {
    socket?.end();
    socket?.destroy();
  }
}

/**
 * The hub's REST API from the page: JSON in and out, the token as a bearer
 * header, and every failure as an ApiError whose message a person can act on.
 */
import type { TokenStore } from './token.js';

export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status; 0 when the hub could not be reached at all. */
    readonly status: number,
    /** The API's error code (unreachable, disconnected, unauthorized, ...), or 'network'. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What the codes mean to someone looking at a plug, when the hub gave no message of its own. */
const PLAIN: Record<string, string> = {
  unreachable: 'Plug unreachable',
  disconnected: 'Hub disconnected from the MQTT broker',
  unauthorized: 'This hub needs an API token',
  not_found: 'Not found',
};

export type Query = Record<string, string | number | undefined>;

const LIVE_METRICS = [
  'power',
  'voltage',
  'current',
  'energy_today',
  'power_import',
  'power_export',
  'gas_total',
  'water_total',
  'hot_water_total',
  'heat_total',
];

export class Api {
  /** Called on a 401, so the page can ask for a token. */
  onUnauthorized: () => void = () => {};

  /** `base` is the page's own folder, so the dashboard also works behind a proxy under a path. */
  constructor(
    private readonly tokens: TokenStore,
    private readonly base: string,
  ) {}

  url(path: string, query: Query = {}): string {
    const u = new URL(path, this.base);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * The live socket's address, with the token in the query (browsers cannot
   * set its headers), asking only for the readings the pages show: a P1
   * meter alone sends some thirty metrics a second.
   */
  liveUrl(): string {
    const u = new URL(this.url('api/live', { metrics: LIVE_METRICS.join(',') }));
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = this.tokens.get();
    if (token) u.searchParams.set('token', token);
    return u.toString();
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', path, undefined, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const res = await this.fetch(method, path, body, query);
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      // A proxy's HTML error page: the status says enough.
    }
    if (res.ok) return json as T;
    const err = (json ?? {}) as { error?: string; code?: string };
    const code = err.code ?? codeOfStatus(res.status);
    if (res.status === 401) this.onUnauthorized();
    throw new ApiError(
      err.error ?? PLAIN[code] ?? `The hub answered ${res.status}`,
      res.status,
      code,
    );
  }

  private async fetch(method: string, path: string, body?: unknown, query?: Query) {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.tokens.get();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(this.url(path, query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(
        `Cannot reach the hub at ${new URL(this.base).host}. Is wattbridge running?`,
        0,
        'network',
      );
    }
  }
}

function codeOfStatus(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 503) return 'disconnected';
  if (status === 504) return 'unreachable';
  return 'error';
}

/** The plain words for an error on a plug's tile or next to a button. */
export function plainError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'unreachable') return 'Plug unreachable';
    if (err.code === 'disconnected') return PLAIN.disconnected!;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

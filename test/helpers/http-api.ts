import { expect } from 'vitest';
import { ErrorBody } from '../../src/api/http/schemas.js';

/**
 * A small client for the hub's HTTP API in tests: real fetch against the
 * real server, answering status, headers and the body (parsed when JSON).
 */

// Bodies are checked by the tests with the API's own zod schemas or expect();
// typing them loosely here keeps each check to one line.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface Answer {
  status: number;
  headers: Headers;
  body: Loose;
  text: string;
}

export interface ApiClient {
  readonly baseUrl: string;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  patch(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  del(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** Any method with a body sent as is (bad JSON, odd content types). */
  send(
    method: string,
    path: string,
    init?: { body?: string | Buffer; headers?: Record<string, string> },
  ): Promise<Answer>;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  // HEAD answers carry the type but no body; JSON that does not parse stays text for the test to see.
  if (text !== '' && (res.headers.get('content-type') ?? '').includes('application/json'))
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  return { status: res.status, headers: res.headers, body, text };
}

/** `token` is sent as `Authorization: Bearer <token>` with every request. */
export function apiClient(baseUrl: string, token?: string): ApiClient {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const send: ApiClient['send'] = async (method, path, init = {}) =>
    answer(
      await fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...auth, ...init.headers },
        body: init.body,
      }),
    );
  const json =
    (method: string) => (path: string, body?: unknown, headers?: Record<string, string>) =>
      send(method, path, {
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
      });
  return {
    baseUrl,
    get: (path, headers) => send('GET', path, { headers }),
    post: json('POST'),
    patch: json('PATCH'),
    del: (path, headers) => send('DELETE', path, { headers }),
    send,
  };
}

/** A 400 in the one error shape whose problems name `param` (`query.row`, `body.state`). */
export function expectProblem(r: Answer, param: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  const body = ErrorBody.parse(r.body);
  expect(body.code).toBe('bad_request');
  expect(
    body.problems?.some((p) => p.startsWith(`${param}:`)),
    body.error,
  ).toBe(true);
  expect(body.error).toContain(param);
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveQuery } from '../../../src/api/http/live-filter.js';
import {
  DeviceFilter,
  DeviceList,
  ErrorBody,
  ReadingsQuery,
  RemoveQuery,
  StatusBody,
} from '../../../src/api/http/schemas.js';
import type { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { Answer, ApiClient } from '../../helpers/http-api.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

const JSON_TYPE = { 'content-type': 'application/json' };

/** A JSON error in the one shape, with a 4xx status. */
function expectClientError(
  r: Answer,
  status: number,
  what = '',
): ReturnType<typeof ErrorBody.parse> {
  expect(r.status, `${what} ${r.text}`).toBe(status);
  expect(r.headers.get('content-type'), what).toMatch(/^application\/json/);
  return ErrorBody.parse(r.body);
}

/** A small seeded generator (mulberry32), so a failing request can be found again. */
function seeded(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { int, pick: (xs) => xs[int(xs.length)]! };
}

/** Paths with the methods they take (a quarter of the requests use another method). */
const ROUTES: [string, string[]][] = [
  ['/api/devices', ['GET']],
  ['/api/devices/{id}', ['GET', 'PATCH', 'DELETE']],
  ['/api/devices/{id}/power', ['POST']],
  ['/api/devices/{id}/countdown', ['POST']],
  ['/api/devices/{id}/timers', ['GET', 'POST']],
  ['/api/devices/{id}/readings', ['GET']],
  ['/api/readings', ['GET']],
  ['/api/meters', ['GET']],
  ['/api/meters/{id}', ['GET']],
  ['/api/meters/{id}/telegrams', ['GET']],
  ['/api/status', ['GET']],
  ['/api/health', ['GET']],
  ['/api/auth', ['GET']],
  ['/api/live', ['GET']],
  ['/api/nothing/{id}', ['GET']],
];
const IDS = ['nobody', '..', '%2e%2e', '%00', 'a'.repeat(300), '%F0%9F%92%A9', 'x%20y', '%25', ''];
/** Every parameter some route takes, and a few that none does. */
const KEYS = [
  ...new Set([
    ...Object.keys(ReadingsQuery.shape),
    ...Object.keys(DeviceFilter.shape),
    ...Object.keys(RemoveQuery.shape),
    ...Object.keys(LiveQuery.shape),
    '__proto__',
    'constructor',
    'x',
  ]),
];
const VALUES = [
  '',
  'x',
  '-1',
  '1e309',
  'NaN',
  '%00',
  '[]',
  '{}',
  'a'.repeat(2000),
  '%E2%82%AC',
  '-5m',
  '-99999d',
  '2026-13-45T99:99:99Z',
  '9'.repeat(400),
  'mean',
  'TOP',
  'id',
  'w',
  'delete',
  'bogus',
  '1.5',
];
const BODIES = [
  '{',
  '{"state":',
  '[',
  'null',
  'true',
  '0',
  '"on"',
  '[]',
  '{}',
  '{"state":null}',
  '{"state":"on","relay":"1"}',
  '{"relay":-1,"state":"off"}',
  '{"seconds":1e400,"state":"on"}',
  '{"time":"25:00","state":"on"}',
  '{"id":"a/b"}',
  '{"id":' + '9'.repeat(500) + '}',
  '{"__proto__":{"state":"on"}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '\u0000\u0001\u0002',
  '\uFFFF',
  '{"state":"on"}{"state":"off"}',
  `"${'x'.repeat(100_000)}"`,
];
const TYPES = [
  'application/json',
  'application/json; charset=latin1',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  undefined,
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * Garbage at the real server: broken JSON, bodies too big, odd content
 * types, and a thousand random bad requests, each answered with a JSON 4xx,
 * after which the hub still switches a plug.
 */
describe('HTTP API: garbage in', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let plug: TasmotaPlug;

  beforeAll(async () => {
    hub = await startApiHub();
    ({ api, peers } = hub);
    plug = await peers.tasmota('gb_plug');
  });
  afterAll(() => hub.stop());

  const post = (path: string, body: string, headers: Record<string, string> = JSON_TYPE) =>
    api.send('POST', path, { body, headers });

  it('answers malformed JSON with a JSON 400, on every route that takes a body', async () => {
    for (const [method, path] of [
      ['POST', '/api/devices/gb_plug/power'],
      ['POST', '/api/devices/gb_plug/countdown'],
      ['POST', '/api/devices/gb_plug/timers'],
      ['PATCH', '/api/devices/gb_plug'],
    ] as const) {
      for (const body of ['{"state":', '{state: "on"}', "{'state':'on'}", '{"state":"on",}']) {
        const err = expectClientError(
          await api.send(method, path, { body, headers: JSON_TYPE }),
          400,
          `${method} ${path} ${body}`,
        );
        expect(err).toEqual({
          error: expect.stringMatching(/^invalid JSON body: /),
          code: 'bad_request',
        });
      }
    }
    expect(plug.relayState(1)).toBe(false);
  });

  it('answers an empty body, the wrong kind of JSON and an odd content type with a JSON 4xx', async () => {
    expectClientError(await post('/api/devices/gb_plug/power', ''), 400, 'empty');
    for (const body of ['[]', '"on"', '42', 'true', '[{"state":"on"}]'])
      expect(
        expectClientError(await post('/api/devices/gb_plug/power', body), 400, body).error,
      ).toMatch(/^body: /);
    // A prototype key is refused outright, not merged.
    expectClientError(
      await post('/api/devices/gb_plug/power', '{"__proto__":{"state":"on"}}'),
      400,
      '__proto__',
    );
    const xml = await post('/api/devices/gb_plug/power', '<state>on</state>', {
      'content-type': 'application/xml',
    });
    expect(expectClientError(xml, 415, 'xml').code).toBe('unsupported_media_type');
    expect(plug.relayState(1)).toBe(false);
  });

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ state: 'on', pad: 'x'.repeat(2 * 1024 * 1024) });
    const err = expectClientError(await post('/api/devices/gb_plug/power', big), 413, 'big');
    expect(err).toEqual({ error: 'Request body is too large', code: 'payload_too_large' });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expectClientError(await post('/api/devices/gb_plug/power', deep), 400, 'deeply nested');
    expect(plug.relayState(1)).toBe(false);
  });

  it('answers a bad URL with a JSON 4xx', async () => {
    for (const path of ['/api/devices/%ZZ', '/api/devices/%', '/api/readings?from=%E0%A4%A']) {
      const r = await api.get(path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
      ErrorBody.parse(r.body);
    }
    for (const query of ['row=1&row=2', 'protocol=tasmota&protocol=moko', 'row[]=1'])
      expectClientError(await api.get(`/api/devices?${query}`), 400, query);
  });

  it('survives 1000 random, mostly bad requests, answering each with a JSON 4xx or a plain read, then a good one', async () => {
    const rnd = seeded(20261122);
    const requests = Array.from({ length: 1000 }, () => {
      const [template, methods] = rnd.pick(ROUTES);
      const path = template.replace('{id}', rnd.pick(IDS));
      const query = Array.from(
        { length: rnd.int(4) },
        () => `${rnd.pick(KEYS)}=${rnd.pick(VALUES)}`,
      ).join('&');
      const method = rnd.int(4) > 0 ? rnd.pick(methods) : rnd.pick(METHODS);
      const withBody = !['GET', 'HEAD'].includes(method) && rnd.int(4) > 0;
      const type = rnd.pick(TYPES);
      return {
        method,
        url: query ? `${path}?${query}` : path,
        body: withBody ? rnd.pick(BODIES) : undefined,
        headers: (type && withBody ? { 'content-type': type } : {}) as Record<string, string>,
      };
    });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < requests.length; i += 20) {
      await Promise.all(
        requests.slice(i, i + 20).map(async (q) => {
          const r = await api.send(q.method, q.url, { body: q.body, headers: q.headers });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const what = `${q.method} ${q.url.slice(0, 120)} ${String(q.body).slice(0, 60)}`;
          if (r.status >= 500) failures.push(`${r.status} ${what}: ${r.text.slice(0, 200)}`);
          else if (r.status >= 400 && q.method !== 'HEAD' && !ErrorBody.safeParse(r.body).success)
            failures.push(`${r.status} not the error shape ${what}: ${r.text.slice(0, 200)}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    // Mostly refused, as meant, for each kind of reason; the rest were harmless reads
    // (a route without parameters ignores a query string).
    const refused = [...statuses].filter(([s]) => s >= 400).reduce((a, [, n]) => a + n, 0);
    expect(refused).toBeGreaterThan(600);
    for (const status of [400, 404, 415, 426])
      expect(statuses.get(status), `${status}s`).toBeGreaterThan(0);

    const devices = await api.get('/api/devices');
    expect(DeviceList.parse(devices.body).devices.map((d) => d.id)).toEqual(['gb_plug']);
    const on = await api.post('/api/devices/gb_plug/power', { state: 'on' });
    expect(on.body).toEqual({ id: 'gb_plug', relay: 1, state: 'on' });
    expect(plug.relayState(1)).toBe(true);
    expect(StatusBody.parse((await api.get('/api/status')).body).status).toBe('ok');
  });
});

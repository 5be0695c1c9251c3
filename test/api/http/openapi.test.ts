import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveQuery } from '../../../src/api/http/live-filter.js';
import {
  DeviceFilter,
  DeviceReadingsQuery,
  ErrorBody,
  ReadingsQuery,
} from '../../../src/api/http/schemas.js';
import { VERSION } from '../../../src/version.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { Answer, ApiClient, Loose } from '../../helpers/http-api.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

/** Every route this suite exercises (test/api/http/*.test.ts), as the reference writes it. */
const EXERCISED = [
  'GET /api/auth',
  'GET /api/health',
  'GET /api/status',
  'GET /api/devices',
  'GET /api/devices/{id}',
  'PATCH /api/devices/{id}',
  'DELETE /api/devices/{id}',
  'POST /api/devices/{id}/power',
  'POST /api/devices/{id}/countdown',
  'GET /api/devices/{id}/timers',
  'POST /api/devices/{id}/timers',
  'GET /api/readings',
  'GET /api/devices/{id}/readings',
  'GET /api/meters',
  'GET /api/meters/{id}',
  'GET /api/meters/{id}/telegrams',
  'GET /api/live',
  // The IoToad façade, exercised in test/api/iotoad-*.test.ts.
  'PUT /api/in/{path}',
  'GET /api/out/{path}',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A path of the reference with its parameters filled in. */
const concrete = (path: string, id = 'nobody') =>
  path
    .replace('{id}', id)
    .replace('{path}', path.startsWith('/api/in/') ? 'sp_command/nobody' : 'influx_query/sp/power');

/** The catch-all answer for a method and path the server has no route for. */
const isNoRoute = (r: Answer) =>
  r.status === 404 && typeof r.body?.error === 'string' && r.body.error.startsWith('No route ');

/**
 * /api/openapi.json and /api/docs against the running server: every route
 * the server answers is documented and nothing else, documented inputs are
 * what the server accepts, every $ref resolves.
 */
describe('HTTP API: OpenAPI document and reference page', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let doc: Loose;

  beforeAll(async () => {
    hub = await startApiHub({ 'iotoad-response-timeout-ms': '300' });
    ({ api, peers } = hub);
    await peers.tasmota('oa_plug');
    const r = await api.get('/api/openapi.json');
    expect(r.status).toBe(200);
    doc = r.body;
  });
  afterAll(() => hub.stop());

  const operations = (): [string, string, Loose][] =>
    Object.entries(doc.paths as Record<string, Record<string, Loose>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([m, op]): [string, string, Loose] => [m.toUpperCase(), path, op]),
    );
  const operation = (method: string, path: string): Loose => doc.paths[path][method.toLowerCase()];

  it('is OpenAPI 3.1 listing exactly the routes the suite exercises', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'wattbridge HTTP API', version: VERSION });
    expect(
      operations()
        .map(([m, p]) => `${m} ${p}`)
        .sort(),
    ).toEqual([...EXERCISED].sort());
    const ids = operations().map(([, , op]) => op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents only what the server answers, and the server answers nothing else on those paths', async () => {
    for (const path of Object.keys(doc.paths)) {
      for (const method of METHODS) {
        const r = await api.send(method, concrete(path), {
          body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
          headers:
            method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
        });
        const documented = operation(method, path) !== undefined;
        expect(isNoRoute(r), `${method} ${path}: ${r.status} ${r.text}`).toBe(!documented);
        // Every answer, errors included, is JSON in the one error shape or a documented status.
        if (documented)
          expect(Object.keys(operation(method, path).responses), `${method} ${path}`).toContain(
            String(r.status),
          );
      }
    }
    const missing = await api.get('/api/nothing');
    expect(ErrorBody.parse(missing.body)).toEqual({
      error: 'No route GET /api/nothing',
      code: 'not_found',
    });
  });

  it('declares every path parameter, as required', () => {
    for (const [method, path, op] of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters as Loose[]).filter((p) => p.in === 'path');
      expect(
        declared.map((p) => p.name),
        `${method} ${path}`,
      ).toEqual(names);
      for (const p of declared) expect(p.required, `${method} ${path} ${p.name}`).toBe(true);
    }
  });

  it('resolves every $ref to a component schema', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1];
      expect(name, ref).toBeDefined();
      expect(doc.components.schemas[name!], ref).toBeDefined();
    }
    expect(operation('GET', '/api/devices').responses['200'].content['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/DeviceList' },
    });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['DeviceSnapshot', 'ErrorBody', 'MeterSummary', 'StatusBody']),
    );
  });

  it('describes the bodies the server checks: each documented value accepted, others refused', async () => {
    const body = (path: string) =>
      operation('POST', path).requestBody.content['application/json'].schema as Loose;
    const power = body('/api/devices/{id}/power');
    expect(power.properties.state.enum).toEqual(['on', 'off', 'toggle']);
    expect(power).toMatchObject({ required: ['state'], additionalProperties: false });
    expect(power.properties.relay).toMatchObject({ minimum: 1, maximum: 32, default: 1 });
    for (const state of power.properties.state.enum as string[])
      expect((await api.post('/api/devices/oa_plug/power', { state })).status, state).toBe(200);
    expect((await api.post('/api/devices/oa_plug/power', { state: 'dim' })).status).toBe(400);
    const extra = await api.post('/api/devices/oa_plug/power', { state: 'off', x: 1 });
    expect(extra.status).toBe(400);

    const countdown = body('/api/devices/{id}/countdown').properties.seconds;
    expect(countdown).toMatchObject({ minimum: 1, maximum: 86_399 });
    for (const seconds of [countdown.minimum - 1, countdown.maximum + 1])
      expect(
        (await api.post('/api/devices/oa_plug/countdown', { seconds, state: 'on' })).status,
      ).toBe(400);
    const longest = await api.post('/api/devices/oa_plug/countdown', {
      seconds: countdown.maximum,
      state: 'on',
    });
    expect(longest.status).toBe(200);
    await api.post('/api/devices/oa_plug/power', { state: 'off' });

    const time = new RegExp(body('/api/devices/{id}/timers').properties.time.pattern as string);
    for (const t of [
      '07:30',
      '07:30:15',
      '23:59:59',
      '00:00',
      '24:00',
      '7:30',
      '07:60',
      '07:30:',
    ]) {
      const r = await api.post('/api/devices/nobody/timers', { time: t, state: 'on' });
      // A time the pattern takes gets as far as looking for the device.
      expect(r.status, t).toBe(time.test(t) ? 404 : 400);
    }
  });

  it('describes the query parameters the server checks', async () => {
    for (const [method, path, op] of operations()) {
      const query = (op.parameters as Loose[]).filter((p) => p.in === 'query');
      // The live socket's parameters are checked in live.test.ts (it is not plain HTTP).
      if (query.length === 0 || path === '/api/live') continue;
      // Reads go to a real plug; a DELETE to no device (accepted input then answers 404).
      const base = concrete(path, method === 'GET' ? 'oa_plug' : 'nobody');
      const accepted = method === 'GET' ? 200 : 404;
      const refused = await api.send(method, `${base}?undocumented=1`);
      expect(refused.status, `${method} ${path} refuses an unknown parameter`).toBe(400);
      expect(refused.body.error).toMatch(/undocumented/);
      for (const p of query) {
        const r = await api.send(method, `${base}?${p.name}=zz`);
        expect(r.body?.error ?? '', `${path} knows ${p.name}`).not.toMatch(/Unrecognized key/);
        for (const value of (p.schema.enum as string[] | undefined) ?? []) {
          const ok = await api.send(method, `${base}?${p.name}=${value}`);
          expect(ok.status, `${method} ${path}?${p.name}=${value}`).toBe(accepted);
        }
      }
    }
    // Named as the schemas that check them name them.
    const names = (method: string, path: string) =>
      (operation(method, path).parameters as Loose[])
        .filter((p) => p.in === 'query')
        .map((p) => p.name as string);
    expect(names('GET', '/api/devices')).toEqual(Object.keys(DeviceFilter.shape));
    expect(names('GET', '/api/readings')).toEqual(Object.keys(ReadingsQuery.shape));
    expect(names('GET', '/api/devices/{id}/readings')).toEqual(
      Object.keys(DeviceReadingsQuery.shape),
    );
    expect(names('DELETE', '/api/devices/{id}')).toEqual(['history']);
    expect(names('GET', '/api/live')).toEqual(Object.keys(LiveQuery.shape));
  });

  it('renders /api/docs as HTML listing every operation and schema', async () => {
    const r = await api.get('/api/docs');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.text.startsWith('<!doctype html>')).toBe(true);
    for (const [method, path] of operations())
      expect(r.text, `${method} ${path}`).toContain(
        `<span class="m ${method.toLowerCase()}">${method}</span> <code>${path}</code>`,
      );
    for (const name of Object.keys(doc.components.schemas))
      expect(r.text).toContain(`<h3 id="schema-${name}">${name}</h3>`);
    // Without a token the page does not ask for one.
    expect(r.text).not.toContain('This hub needs its API token');
  });
});

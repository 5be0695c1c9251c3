import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthStatus, ErrorBody } from '../../../src/api/http/schemas.js';
import { startHubCli, type RunningCli } from '../../helpers/cli.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import { apiClient, type Answer, type ApiClient } from '../../helpers/http-api.js';
import { eventually, startTestHub } from '../../helpers/hub.js';
import { LiveClient, liveUrl, RefusedUpgrade } from '../../helpers/live-client.js';

const TOKEN = 'correct-horse-battery';

/** Every route the reference lists, with its path parameters filled in. */
async function documentedRoutes(baseUrl: string, id: string): Promise<[string, string][]> {
  const doc = (await (await fetch(`${baseUrl}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m): [string, string] => [
      m.toUpperCase(),
      path.replace('{id}', id).replace('{path}', 'influx_query/sp/power'),
    ]),
  );
}

function expectUnauthorized(r: Answer, what: string, message: RegExp): void {
  expect(r.status, what).toBe(401);
  expect(r.headers.get('www-authenticate'), what).toBe('Bearer realm="wattbridge"');
  const body = ErrorBody.parse(r.body);
  expect(body.code).toBe('unauthorized');
  expect(body.error).toMatch(message);
}

/** The first address of this machine that is not loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('HTTP API with --api-token', () => {
  let hub: ApiHub;
  let anonymous: ApiClient;
  let authorised: ApiClient;

  beforeAll(async () => {
    hub = await startApiHub({ 'api-token': TOKEN });
    anonymous = apiClient(hub.baseUrl);
    authorised = hub.api;
    await hub.peers.tasmota('auth_plug');
  });
  afterAll(() => hub.stop());

  it('answers 401 on every /api route without the token or with a wrong one, and works with it', async () => {
    const routes = await documentedRoutes(hub.baseUrl, 'nobody');
    expect(routes.length).toBeGreaterThanOrEqual(19);
    const wrong = apiClient(hub.baseUrl, 'not-the-token');
    for (const [method, path] of routes) {
      if (path === '/api/auth') continue; // public, below
      const what = `${method} ${path}`;
      expectUnauthorized(await anonymous.send(method, path), what, /needs its API token/);
      expectUnauthorized(await wrong.send(method, path), what, /^The API token is wrong$/);
      const ok = await authorised.send(method, path);
      expect(ok.status, what).not.toBe(401);
    }
    expect(routes).toContainEqual(['POST', '/api/devices/nobody/power']);
    const on = await authorised.post('/api/devices/auth_plug/power', { state: 'on' });
    expect(on.body).toEqual({ id: 'auth_plug', relay: 1, state: 'on' });
    // Not a token: another scheme, a token in the query string (only the live socket takes one).
    expectUnauthorized(
      await anonymous.get('/api/devices', { authorization: `Basic ${TOKEN}` }),
      'Basic',
      /needs its API token/,
    );
    expectUnauthorized(
      await anonymous.get(`/api/devices?token=${TOKEN}`),
      '?token=',
      /needs its API token/,
    );
    expect((await anonymous.get('/api/devices', { authorization: `bearer ${TOKEN}` })).status).toBe(
      200,
    );
    // Unknown /api paths do not tell what exists.
    expect((await anonymous.get('/api/nothing-here')).status).toBe(401);
  });

  it('cannot be got round by percent-encoding the path (fastify routes /%61pi/ as /api/)', async () => {
    for (const path of [
      '/%61pi/devices',
      '/%61pi/status',
      '/%61%70%69/devices/x',
      '/api/%64evices',
    ]) {
      const r = await anonymous.get(path);
      expect(r.status, path).toBe(401);
      expect(r.body.code).toBe('unauthorized');
    }
    const ok = await authorised.get('/%61pi/devices');
    expect(ok.status).toBe(200);
  });

  it('serves the reference and the auth probe without a token', async () => {
    const doc = await anonymous.get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.security).toEqual([{ token: [] }]);
    expect(doc.body.components.securitySchemes).toEqual({
      token: { type: 'http', scheme: 'bearer' },
    });
    const page = await anonymous.get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('This hub needs its API token');

    const probe = async (client: ApiClient) => {
      const r = await client.get('/api/auth');
      expect(r.status).toBe(200);
      return AuthStatus.parse(r.body);
    };
    expect(await probe(anonymous)).toEqual({ tokenRequired: true, ok: false });
    expect(await probe(authorised)).toEqual({ tokenRequired: true, ok: true });
    expect(await probe(apiClient(hub.baseUrl, 'nope-nope-nope'))).toEqual({
      tokenRequired: true,
      ok: false,
    });
  });

  it('leaves the dashboard (outside /api) open', async () => {
    for (const path of ['/', '/assets/app.js']) {
      const r = await anonymous.get(path);
      expect(r.status, path).not.toBe(401);
      expect(r.body.code, path).not.toBe('unauthorized');
    }
  });

  it('opens the live socket only with ?token= (or the header)', async () => {
    const refused = await LiveClient.open(liveUrl(hub.baseUrl)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RefusedUpgrade);
    expect((refused as RefusedUpgrade).status).toBe(401);
    expect(JSON.parse((refused as RefusedUpgrade).body)).toMatchObject({ code: 'unauthorized' });
    const wrong = await LiveClient.open(liveUrl(hub.baseUrl, 'token=wrong-wrong')).catch(
      (e: unknown) => e,
    );
    expect((wrong as RefusedUpgrade).status).toBe(401);

    for (const live of [
      await LiveClient.open(liveUrl(hub.baseUrl, `token=${TOKEN}`)),
      await LiveClient.open(liveUrl(hub.baseUrl), {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    ]) {
      const snapshot = await live.next();
      expect(snapshot.type).toBe('snapshot');
      expect(snapshot.devices.map((d: { id: string }) => d.id)).toContain('auth_plug');
      await live.close();
    }
  });

  it('closes the connection of a refused WebSocket upgrade, so nothing holds the hub open', async () => {
    // A raw client that asks for the live socket without a token and then
    // just waits: the server must answer 401 and hang up by itself.
    const socket = connect(hub.app.http.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      [
        'GET /api/live HTTP/1.1',
        `Host: 127.0.0.1:${hub.app.http.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        '',
        '',
      ].join('\r\n'),
    );
    await eventually(() => answer.includes('"code":"unauthorized"'), 5000, 'the 401 answer');
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    await ended;
    expect(hub.app.http.live.size).toBe(0);
  });

  it('listens on every interface', async () => {
    expect(hub.app.http.app.server.address()).toMatchObject({ address: '0.0.0.0' });
    if (outside) expect(await accepts(outside, hub.app.http.port)).toBe(true);
  });
});

describe('HTTP API without a token', () => {
  it('needs none, says so, and listens on this machine only', async () => {
    const hub = await startTestHub();
    try {
      const api = apiClient(hub.baseUrl);
      expect((await api.get('/api/auth')).body).toEqual({ tokenRequired: false, ok: true });
      expect((await api.get('/api/devices')).status).toBe(200);
      expect((await api.get('/api/openapi.json')).body.security).toBeUndefined();
      expect(hub.app.http.app.server.address()).toMatchObject({ address: '127.0.0.1' });
      if (outside) expect(await accepts(outside, hub.app.http.port)).toBe(false);
    } finally {
      await hub.stop();
    }
  });
});

/** `wattbridge start` as a user runs it (the built CLI: `npm test` builds first). */
describe('wattbridge start and the API token', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((f) => f()));

  const start = (extra: string[]): RunningCli => startHubCli(extra, (f) => cleanup.push(f));

  const listening = (cli: RunningCli) =>
    eventually(
      () => cli.logs().find((l) => l.msg === 'HTTP API and dashboard listening'),
      15_000,
      `the HTTP API to listen; stderr so far:\n${cli.stderr()}`,
    );

  async function stop(cli: RunningCli): Promise<void> {
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  }

  it('with --api-token logs the dashboard URL, never the token, and answers 401 without it', async () => {
    const cli = start(['--api-token', TOKEN]);
    const line = await listening(cli);
    expect(line.token).toBe('required');
    const dashboard = line.dashboard as string;
    expect(dashboard).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const base = dashboard.replace(/\/$/, '');
    const r = await apiClient(base).get('/api/devices');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthorized');
    expect((await apiClient(base, TOKEN).get('/api/devices')).status).toBe(200);
    expect((await apiClient(base).get('/api/auth')).body).toEqual({
      tokenRequired: true,
      ok: false,
    });
    if (outside) expect(await accepts(outside, Number(new URL(base).port))).toBe(true);
    await stop(cli);
    expect(cli.stderr()).not.toContain(TOKEN);
    expect(cli.stdout()).not.toContain(TOKEN);
  });

  it('without a token listens on 127.0.0.1 only', async () => {
    const cli = start([]);
    const line = await listening(cli);
    expect(line.token).toBe('none');
    const base = (line.dashboard as string).replace(/\/$/, '');
    expect(new URL(base).hostname).toBe('127.0.0.1');
    expect((await apiClient(base).get('/api/devices')).status).toBe(200);
    if (outside) expect(await accepts(outside, Number(new URL(base).port))).toBe(false);
    await stop(cli);
  });
});

/**
 * The dashboard's files as a browser gets them: the page never cached, the
 * hashed assets cached for a year and gzipped when the browser takes it, a
 * missing file a JSON 404, and a hub whose dashboard was never built a
 * page saying how to build it.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { builtWebDir, dashboardRoutes } from '../../src/api/http/dashboard-routes.js';
import { tempDir } from '../helpers/tmp.js';

const JS = 'console.log("wattbridge dashboard");';

describe('dashboard files', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function serve(files: Record<string, string | Buffer>): Promise<FastifyInstance> {
    const dir = tempDir('wattbridge-web-');
    cleanup.push(() => dir.remove());
    mkdirSync(join(dir.path, 'assets'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir.path, name), body);
    const app = Fastify();
    cleanup.push(() => app.close());
    dashboardRoutes(app, dir.path);
    await app.ready();
    return app;
  }

  it('serves index.html at / without caching, and hashed assets for a year', async () => {
    const app = await serve({
      'index.html': '<!doctype html><title>wattbridge</title>',
      'assets/app-AB12CD34.js': JS,
      'assets/app-AB12CD34.css': 'body{margin:0}',
    });
    const page = await app.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<title>wattbridge</title>');

    const js = await app.inject({ url: '/assets/app-AB12CD34.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe(JS);
    const css = await app.inject({ url: '/assets/app-AB12CD34.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('sends the gzipped copy to browsers that accept gzip, the plain file to others', async () => {
    const app = await serve({
      'index.html': '<!doctype html>',
      'assets/app-AB12CD34.js': JS,
      'assets/app-AB12CD34.js.gz': gzipSync(JS),
    });
    const gz = await app.inject({
      url: '/assets/app-AB12CD34.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gz.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gz.rawPayload.equals(gzipSync(JS))).toBe(true);
    const plain = await app.inject({ url: '/assets/app-AB12CD34.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(JS);
  });

  it('answers a missing asset with a JSON 404, and never serves a file outside the folder', async () => {
    const app = await serve({ 'index.html': '<!doctype html>', secret: 'SECRET-CONTENT' });
    const missing = await app.inject({ url: '/assets/app-ZZZZZZZZ.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found' });
    for (const url of ['/assets/../secret', '/assets/%2e%2e%2fsecret', '/assets/..%2Fsecret']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('SECRET-CONTENT');
    }
  });

  it('says how to build the dashboard when it was never built', async () => {
    const app = await serve({});
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build');
  });

  it('finds dist/web from the compiled module and from the TypeScript source', () => {
    expect(builtWebDir('file:///srv/wattbridge/dist/api/http/dashboard-routes.js')).toBe(
      '/srv/wattbridge/dist/web/',
    );
    expect(builtWebDir('file:///srv/wattbridge/src/api/http/dashboard-routes.ts')).toBe(
      '/srv/wattbridge/dist/web/',
    );
  });
});

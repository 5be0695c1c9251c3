import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `npm run build` puts the dashboard: dist/web beside the compiled
 * dist/api/http/. Run from the TypeScript source (tests, tsx), this module
 * sits in src/api/http/, and the built dashboard is still in dist/web.
 */
export function builtWebDir(moduleUrl = import.meta.url): string {
  const fromSource = moduleUrl.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? '../../../dist/web/' : '../../web/', moduleUrl));
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The build names assets `<name>-<8 base32 characters>.<ext>`: such a file never changes. */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
/** One file name in assets/: no folders, no dot files, nothing that walks out of the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>wattbridge: dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#15181d}
code{background:#f0f2f5;padding:.1em .35em;border-radius:4px}</style></head>
<body><h1>The dashboard has not been built</h1>
<p>This wattbridge runs from a checkout whose dashboard files are missing
(<code>dist/web/index.html</code>). Build them with <code>npm run build</code> and reload this page.</p>
<p>The API answers meanwhile: <a href="api/health">api/health</a>.</p></body></html>
`;

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot);
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function acceptsGzip(req: FastifyRequest): boolean {
  const accept = req.headers['accept-encoding'];
  return typeof accept === 'string' && /\bgzip\b/.test(accept);
}

/**
 * The dashboard's files from `webDir` (default: the built dist/web): `/`
 * is index.html, never cached (it names the current assets); `/assets/*`
 * are cached for a year when their name carries the build's hash, and sent
 * gzipped when the build left a .gz beside them and the browser takes it.
 * A missing asset is a JSON 404; a dashboard never built is a 503 page
 * saying how to build it. Hand-written: a handful of files needs no plugin.
 */
export function dashboardRoutes(app: FastifyInstance, webDir = builtWebDir()): void {
  const sendIndex = async (_req: FastifyRequest, reply: FastifyReply) => {
    const html = await readOrNull(join(webDir, 'index.html'));
    if (html === null)
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE);
    return reply
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type(TYPES['.html']!)
      .send(html);
  };
  app.get('/', sendIndex);
  app.get('/index.html', sendIndex);

  app.get<{ Params: { '*': string } }>('/assets/*', async (req, reply) => {
    const name = req.params['*'];
    const notFound = () =>
      reply.code(404).send({ error: `No dashboard file "assets/${name}"`, code: 'not_found' });
    if (!ASSET_NAME.test(name)) return notFound();
    const path = join(webDir, 'assets', name);
    const gz = acceptsGzip(req) ? await readOrNull(`${path}.gz`) : null;
    const body = gz ?? (await readOrNull(path));
    if (body === null) return notFound();
    if (gz) reply.header('content-encoding', 'gzip');
    return reply
      .header('vary', 'accept-encoding')
      .header(
        'cache-control',
        HASHED.test(name) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      )
      .header('x-content-type-options', 'nosniff')
      .type(TYPES[extOf(name)] ?? 'application/octet-stream')
      .send(body);
  });
}

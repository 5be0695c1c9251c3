import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Open without a token: the reference and the auth probe (the dashboard's files are outside /api). */
const PUBLIC = new Set(['/api/openapi.json', '/api/docs', '/api/auth']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The path a request is routed to. fastify decodes the URL before routing
 * (`/%61pi/devices` reaches `/api/devices`), so the raw URL cannot decide what
 * is protected: the matched route's pattern does. Unmatched requests (404)
 * fall back to the raw path.
 */
function routedPath(req: FastifyRequest): string {
  return req.routeOptions.url ?? req.url.split('?', 1)[0]!;
}

/** The token a request carries: the Bearer header, or `?token=` on the live socket (browsers cannot set headers there). */
export function tokenOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m ? m[1] : undefined;
  }
  if (routedPath(req) === '/api/live') {
    const q = req.query as Record<string, unknown> | undefined;
    if (typeof q?.token === 'string') return q.token;
  }
  return undefined;
}

export interface TokenCheck {
  readonly required: boolean;
  accepts(req: FastifyRequest): boolean;
}

/** Compares digests in constant time, so the answer's timing says nothing about the token. */
export function tokenCheck(token: string | undefined): TokenCheck {
  const want = token === undefined ? undefined : digest(token);
  return {
    required: want !== undefined,
    accepts(req) {
      if (!want) return true;
      const given = tokenOf(req);
      return given !== undefined && timingSafeEqual(digest(given), want);
    },
  };
}

/** With a token set, every /api request but the public ones must carry it: 401 otherwise. */
export function requireToken(app: FastifyInstance, check: TokenCheck): void {
  if (!check.required) return;
  app.addHook('onRequest', async (req, reply) => {
    const path = routedPath(req);
    if (!path.startsWith('/api/') || PUBLIC.has(path)) return;
    if (check.accepts(req)) return;
    const given = tokenOf(req) !== undefined;
    // A refused WebSocket upgrade: its socket has left the HTTP server's
    // keep-alive handling, and this hook runs before the websocket plugin's
    // own (which would close it), so it is closed here once the answer is
    // out. Left open it would hold the server's close() for ever.
    if (req.headers.upgrade !== undefined) {
      const socket = req.raw.socket;
      reply.raw.once('finish', () => socket.end(() => socket.destroy()));
    }
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="wattbridge"')
      .send({
        error: given
          ? 'The API token is wrong'
          : 'This hub needs its API token: send Authorization: Bearer <token> (or ?token= on /api/live)',
        code: 'unauthorized',
      });
  });
}

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MeterTelegrams } from '../../dsmr/io/meter-telegrams.js';
import type { Hub } from '../../hub/hub.js';
import { listenOrExplain } from '../../mqtt/listen.js';
import type { Store } from '../../store/store.js';
import type { RemoteModules } from '../iotoad/remote.js';
import type { IotoadService } from '../iotoad/service.js';
import { ApiRoutes } from './api-routes.js';
import { requireToken, tokenCheck } from './auth.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { deviceRoutes } from './device-routes.js';
import { docsPage } from './docs-page.js';
import { healthRoutes, type HealthSources } from './health-routes.js';
import { iotoadRoutes } from './iotoad-routes.js';
import { LiveFeed } from './live-feed.js';
import { liveRoutes } from './live-routes.js';
import { meterRoutes } from './meter-routes.js';
import { openApiDocument } from './openapi.js';
import { readingRoutes } from './reading-routes.js';
import { AuthStatus } from './schemas.js';

/** Stable codes for the client errors fastify raises itself (body too large, wrong content type). */
const CLIENT_ERROR_CODES: Record<number, string> = {
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export interface HttpOptions {
  host: string;
  port: number;
  hub: Hub;
  store: Store;
  health: HealthSources;
  log: Logger;
  /** The IoToad REST façade (`/api/in`, `/api/out`) and the query engine behind /api/readings. */
  iotoad: { service: IotoadService; remote: RemoteModules };
  /** What P1 meters said last (empty without a meter). */
  telegrams: MeterTelegrams;
  /** With a token, every API request and the live socket must carry it. */
  token?: string;
  /** A live client with this much unsent is dropped. */
  liveBufferBytes: number;
  version: string;
  now?: () => number;
}

export interface HttpServer {
  app: FastifyInstance;
  port: number;
  live: LiveFeed;
  close(): Promise<void>;
}

/** The HTTP API and live socket. Bad JSON and unknown routes get the same JSON error shape as everything else. */
export async function startHttp(opts: HttpOptions): Promise<HttpServer> {
  const now = opts.now ?? Date.now;
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) opts.log.error({ err }, 'HTTP handler failed');
    const message =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(err.message)
        ? `invalid JSON body: ${err.message}`
        : err.message;
    return reply.code(status).send({
      error: status >= 500 ? 'internal error' : message,
      code: status >= 500 ? 'internal' : (CLIENT_ERROR_CODES[status] ?? 'bad_request'),
    });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `No route ${req.method} ${req.url}`, code: 'not_found' }),
  );
  const auth = tokenCheck(opts.token);
  requireToken(app, auth);
  const api = new ApiRoutes(app);
  const live = new LiveFeed({
    hub: opts.hub,
    bus: opts.health.bus,
    telegrams: opts.telegrams,
    maxBufferedBytes: opts.liveBufferBytes,
    log: opts.log.child({ component: 'live' }),
  });
  api.add({
    method: 'GET',
    url: '/api/auth',
    tag: 'Hub',
    summary: 'Whether this hub needs an API token, and whether the one sent is right',
    responses: { 200: { description: 'The answer', schema: AuthStatus } },
    handler: ({ req }) => ({ tokenRequired: auth.required, ok: auth.accepts(req) }),
  });
  healthRoutes(api, opts.health);
  deviceRoutes(api, opts.hub, now);
  readingRoutes(api, opts.hub, opts.iotoad.service.influxQuery, now);
  meterRoutes(api, opts.hub, opts.store, opts.telegrams, now);
  await liveRoutes(app, api, live);
  iotoadRoutes(app, api, opts.iotoad.service, opts.iotoad.remote);
  // Built once: the routes are fixed from here on.
  const doc = openApiDocument(api.documented, {
    version: opts.version,
    tokenRequired: auth.required,
  });
  const page = docsPage(doc);
  app.get('/api/openapi.json', async () => doc);
  app.get('/api/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
  dashboardRoutes(app);
  await app.ready();
  const port = await listenOrExplain(app.server, 'http', opts.host, opts.port);
  return {
    app,
    port,
    live,
    close: async () => {
      live.stop();
      await app.close();
    },
  };
}

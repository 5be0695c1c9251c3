import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Hub } from '../../hub/hub.js';
import { listenOrExplain } from '../../mqtt/listen.js';
import { deviceRoutes } from './device-routes.js';
import { healthRoutes, type HealthSources } from './health-routes.js';
import { iotoadRoutes } from './iotoad-routes.js';
import type { RemoteModules } from '../iotoad/remote.js';
import type { IotoadService } from '../iotoad/service.js';

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
  health: HealthSources;
  log: Logger;
  /** The IoToad REST façade (`/api/in`, `/api/out`). */
  iotoad?: { service: IotoadService; remote: RemoteModules };
}

export interface HttpServer {
  app: FastifyInstance;
  port: number;
  close(): Promise<void>;
}

/** The REST API. Bad JSON and unknown routes get the same JSON error shape as everything else. */
export async function startHttp(opts: HttpOptions): Promise<HttpServer> {
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
  healthRoutes(app, opts.health);
  deviceRoutes(app, opts.hub);
  if (opts.iotoad) iotoadRoutes(app, opts.iotoad.service, opts.iotoad.remote);
  await app.ready();
  const port = await listenOrExplain(app.server, 'http', opts.host, opts.port);
  return { app, port, close: () => app.close() };
}

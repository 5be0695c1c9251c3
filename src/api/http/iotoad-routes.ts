import type { FastifyInstance } from 'fastify';
import type { ApiRoutes } from './api-routes.js';
import { ModulePathParams } from './schemas.js';
import { dataOf } from '../iotoad/envelope.js';
import type { RemoteModules } from '../iotoad/remote.js';
import { isError, type IotoadService } from '../iotoad/service.js';

/** Modules the hub serves itself; any other is asked over MQTT. */
const SP_COMMAND = 'sp_command';
const INFLUX_QUERY = 'influx_query';

/** IoToad's api accepts `{"payload": …}` with at most `subtopics` beside it. */
function parseInBody(body: unknown): { payload: unknown; subtopics: string[] } | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return 'Invalid request body: expected {"payload": ..., "subtopics": [...]}';
  const o = body as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'payload' && k !== 'subtopics');
  if (!('payload' in o)) return 'Invalid request body: "payload" is required';
  if (extra.length > 0)
    return `Invalid request body: only "payload" and "subtopics" are allowed, got ${extra.join(', ')}`;
  if (
    o.subtopics !== undefined &&
    (!Array.isArray(o.subtopics) || o.subtopics.some((s) => typeof s !== 'string'))
  )
    return 'Invalid request body: "subtopics" must be an array of strings';
  return { payload: o.payload, subtopics: (o.subtopics as string[] | undefined) ?? [''] };
}

const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');

/**
 * IoToad's api module over HTTP: `PUT /api/in/<agent>/<subpath>` (commands,
 * one per subtopic, answered keyed by topic) and `GET /api/out/<component>/
 * <subpath>?…` (queries, answered verbatim). The hub's own modules answer
 * in-process through the same code as over MQTT; others over MQTT. A
 * timeout or an error is HTTP 500, as IoToad's api does.
 */
export function iotoadRoutes(
  app: FastifyInstance,
  api: ApiRoutes,
  iotoad: IotoadService,
  remote: RemoteModules,
): void {
  // Wildcard routes with their own body handling: registered directly, listed in the reference.
  api.document({
    method: 'PUT',
    url: '/api/in/:path',
    tag: 'IoToad',
    summary: 'IoToad api module: `command/<path>` with body `{"payload": …, "subtopics"?: […]}`',
    params: ModulePathParams,
    responses: {
      200: { description: 'The module’s reply' },
      500: { description: 'Invalid body, an error reply, or no module answered' },
    },
  });
  api.document({
    method: 'GET',
    url: '/api/out/:path',
    tag: 'IoToad',
    summary: 'IoToad api module: `query/<path>`, parameters in the query string',
    params: ModulePathParams,
    responses: {
      200: { description: 'The module’s reply (SenML for influx_query)' },
      500: { description: 'An error reply, or no module answered' },
    },
  });
  app.put<{ Params: { '*': string } }>('/api/in/*', async (req, reply) => {
    const body = parseInBody(req.body);
    if (typeof body === 'string') return reply.code(500).send({ error: body });
    const path = trimSlashes(req.params['*']);
    const out: Record<string, unknown> = {};
    let timedOut = false;
    await Promise.all(
      body.subtopics.map(async (sub) => {
        const topic = trimSlashes(`${path}/${sub}`);
        let answer: unknown;
        if (topic === SP_COMMAND || topic.startsWith(`${SP_COMMAND}/`)) {
          const data = dataOf(body.payload);
          answer =
            'error' in data
              ? { error: data.error }
              : await iotoad.command(topic.slice(SP_COMMAND.length + 1), data.value);
        } else answer = await remote.request(`command/${topic}`, body.payload);
        if (answer === undefined) timedOut = true;
        out[topic] = answer ?? null;
      }),
    );
    return reply.code(timedOut ? 500 : 200).send(out);
  });

  app.get<{ Params: { '*': string }; Querystring: Record<string, string> }>(
    '/api/out/*',
    async (req, reply) => {
      const path = trimSlashes(req.params['*']);
      const params = { ...req.query };
      let answer: unknown;
      if (path === INFLUX_QUERY || path.startsWith(`${INFLUX_QUERY}/`))
        answer = iotoad.query(path.slice(INFLUX_QUERY.length + 1), params);
      else answer = await remote.request(`query/${path}`, params);
      if (answer === undefined)
        return reply.code(500).send({ error: 'No hook responded the request' });
      return reply.code(isError(answer) ? 500 : 200).send(answer);
    },
  );
}

import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { ApiRoutes } from './api-routes.js';
import type { LiveFeed } from './live-feed.js';
import { filterFromQuery, LiveQuery } from './live-filter.js';
import { ErrorBody } from './schemas.js';

/** Largest message a client may send (a filter): anything bigger is not a filter. */
const MAX_CLIENT_MESSAGE = 64 * 1024;

/** `GET /api/live`: the WebSocket of live changes (see LiveFeed). */
export async function liveRoutes(
  app: FastifyInstance,
  api: ApiRoutes,
  feed: LiveFeed,
): Promise<void> {
  await app.register(websocket, { options: { maxPayload: MAX_CLIENT_MESSAGE } });
  app.route({
    method: 'GET',
    url: '/api/live',
    // A plain GET (no upgrade) is told what this is.
    handler: (_req, reply) =>
      reply.code(426).send({
        error: '/api/live is a WebSocket: connect with ws:// (or wss://) and an Upgrade request',
        code: 'upgrade_required',
      }),
    wsHandler: (socket, req) => {
      const q = LiveQuery.safeParse(req.query ?? {});
      const f = q.success
        ? filterFromQuery(q.data)
        : {
            ok: false as const,
            error: q.error.issues
              .map((i) => `${['query', ...i.path].join('.')}: ${i.message}`)
              .join('; '),
          };
      if (!f.ok) {
        socket.send(JSON.stringify({ type: 'error', error: f.error }));
        socket.close(1008, 'bad filter');
        return;
      }
      feed.add(socket, f.filter);
    },
  });
  api.document({
    method: 'GET',
    url: '/api/live',
    tag: 'Live',
    summary: 'WebSocket: a snapshot of every device, then every change as it happens',
    description: [
      'Connect with a WebSocket upgrade. The first message is `{"type":"snapshot","devices":[…],"hub":{"mqtt":{…}}}`;',
      'then one JSON message per change: `device`, `state`, `availability`, `countdown`, `reading`',
      '(`{id, metric, value, unit, ts}`), `renamed`, `removed`, `hub` (broker connection) and `meter` (a DSMR telegram).',
      'Narrow it in the URL (`?ids=a,b&protocols=tasmota&kinds=state,reading&metrics=power`) or at any time by sending',
      '`{"type":"filter","ids":[…],"protocols":[…],"kinds":[…],"metrics":[…]}` (answered with `{"type":"filter"}`).',
      'A client that cannot keep up is closed with code 4008 and a reason; `?token=` carries the API token.',
    ].join(' '),
    query: LiveQuery,
    responses: {
      101: { description: 'Switching to the WebSocket protocol' },
      401: { description: 'The API token is missing or wrong', schema: ErrorBody },
      426: { description: 'Not a WebSocket upgrade', schema: ErrorBody },
    },
  });
}

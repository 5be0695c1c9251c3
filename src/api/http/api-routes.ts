import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { badRequest, sendError } from './errors.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a response looks like, for the reference: a description and, when it has a body, its schema. */
export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One route: how it is documented and how its input is checked come from the
 * same zod schemas, so the OpenAPI document cannot drift from what the
 * server accepts.
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** fastify form: `/api/devices/:id`. */
  url: string;
  tag: string;
  summary: string;
  description?: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  responses: Record<number, ResponseDoc>;
  handler(input: RouteInput<P, Q, B>): unknown;
}

/** A route as the reference lists it. */
export type DocumentedRoute = Omit<RouteSpec, 'handler'>;

/**
 * The API's routes: each is registered on fastify with its input checked by
 * its schemas (a bad part answers 400 naming every problem) and its HubErrors
 * mapped to their status, and is kept for the OpenAPI document.
 */
export class ApiRoutes {
  readonly documented: DocumentedRoute[] = [];

  constructor(private readonly app: FastifyInstance) {}

  /** List a route registered by other means (the live socket) in the reference. */
  document(doc: DocumentedRoute): void {
    this.documented.push(doc);
  }

  add<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    const { handler, ...doc } = spec;
    this.documented.push(doc as DocumentedRoute);
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        const problems: string[] = [];
        const part = <T>(schema: z.ZodType<T> | undefined, value: unknown, name: string) => {
          if (!schema) return undefined as T;
          const r = schema.safeParse(value ?? {});
          if (r.success) return r.data;
          for (const i of r.error.issues)
            problems.push(`${[name, ...i.path].join('.')}: ${i.message}`);
          return undefined as T;
        };
        const params = part(spec.params, req.params, 'path');
        const query = part(spec.query, req.query, 'query');
        const body = part(spec.body, req.body, 'body');
        if (problems.length > 0) return badRequest(reply, problems);
        try {
          return await handler({ params, query, body, req, reply });
        } catch (err) {
          return sendError(reply, err);
        }
      },
    });
  }
}

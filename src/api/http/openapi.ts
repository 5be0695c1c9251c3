import { z } from 'zod';
import type { DocumentedRoute } from './api-routes.js';
import * as schemas from './schemas.js';

type Json = Record<string, unknown>;

const REF_BASE = '#/components/schemas/';

/** The JSON Schema of a zod schema, without the document-level keys OpenAPI does not want. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const {
    $schema: _s,
    $id: _i,
    ...rest
  } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

/**
 * Every schema schemas.ts exports, by its export name: nested ones become
 * $refs, so a DeviceSnapshot is described once.
 */
function components(): { byZod: Map<z.ZodType, string>; schemas: Record<string, Json> } {
  const registry = z.registry<{ id: string }>();
  const byZod = new Map<z.ZodType, string>();
  for (const [name, s] of Object.entries(schemas)) {
    if (!(s instanceof z.ZodType)) continue;
    const id = name.replace(/Schema$/, '');
    registry.add(s, { id });
    byZod.set(s, id);
  }
  const out = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `${REF_BASE}${id}`,
  }) as { schemas: Record<string, Json> };
  const clean: Record<string, Json> = {};
  for (const [id, s] of Object.entries(out.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = s;
    clean[id] = rest;
  }
  return { byZod, schemas: clean };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as {
    properties?: Record<string, Json>;
    required?: string[];
  };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(description !== undefined && { description }),
      schema: rest,
    };
  });
}

export interface OpenApiInfo {
  version: string;
  /** The hub asks for a Bearer token. */
  tokenRequired: boolean;
}

/** The OpenAPI 3.1 document of the routes, generated from the zod schemas that check their input. */
export function openApiDocument(routes: readonly DocumentedRoute[], info: OpenApiInfo): Json {
  const { byZod, schemas: componentSchemas } = components();
  const ref = (s: z.ZodType, io: 'input' | 'output'): Json => {
    const id = byZod.get(s);
    return id !== undefined && io === 'output' ? { $ref: `${REF_BASE}${id}` } : jsonSchema(s, io);
  };
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    const op: Json = {
      tags: [r.tag],
      summary: r.summary,
      ...(r.description !== undefined && { description: r.description }),
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/_-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body && {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref(r.body, 'input') } },
        },
      }),
      responses: Object.fromEntries(
        Object.entries(r.responses).map(([code, doc]) => [
          code,
          {
            description: doc.description,
            ...(doc.schema && {
              content: { 'application/json': { schema: ref(doc.schema, 'output') } },
            }),
          },
        ]),
      ),
    };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wattbridge HTTP API',
      version: info.version,
      description:
        'Devices, commands, readings, P1 meters and the hub’s status; `/api/live` streams changes over a WebSocket. Errors are always `{"error", "code"}`.',
    },
    components: {
      schemas: componentSchemas,
      ...(info.tokenRequired && { securitySchemes: { token: { type: 'http', scheme: 'bearer' } } }),
    },
    ...(info.tokenRequired && { security: [{ token: [] }] }),
    paths,
  };
}

import type { FastifyReply } from 'fastify';
import type { ZodError } from 'zod';
import { HubError, type HubErrorCode } from '../../core/errors.js';

const STATUS: Record<HubErrorCode, number> = {
  not_found: 404,
  bad_request: 400,
  conflict: 409,
  unsupported: 422,
  unreachable: 504,
  disconnected: 503,
  shutting_down: 503,
};

/** One JSON error shape for every route: {"error": message, "code": code}. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof HubError)
    return reply.code(STATUS[err.code]).send({ error: err.message, code: err.code });
  throw err;
}

export function zodProblems(err: ZodError): string[] {
  return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`);
}

export function badRequest(reply: FastifyReply, problems: string[]): FastifyReply {
  return reply.code(400).send({ error: problems.join('; '), code: 'bad_request', problems });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Hub } from '../../hub/hub.js';
import { badRequest, sendError, zodProblems } from './errors.js';

export const PowerRequest = z.strictObject({
  relay: z.number().int().min(1).max(32).default(1),
  state: z.enum(['on', 'off', 'toggle']),
});

export const RenameRequest = z.strictObject({ id: z.string() });

export function deviceRoutes(app: FastifyInstance, hub: Hub): void {
  app.get('/api/devices', async () => ({ devices: hub.devices() }));

  app.get<{ Params: { id: string } }>('/api/devices/:id', async (req, reply) => {
    const d = hub.device(req.params.id);
    if (!d)
      return reply
        .code(404)
        .send({ error: `No device with id "${req.params.id}"`, code: 'not_found' });
    return d;
  });

  app.patch<{ Params: { id: string } }>('/api/devices/:id', async (req, reply) => {
    const parsed = RenameRequest.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(reply, zodProblems(parsed.error));
    try {
      return hub.renameDevice(req.params.id, parsed.data.id);
    } catch (err) {
      return sendError(reply, err);
    }
  });

  app.post<{ Params: { id: string } }>('/api/devices/:id/power', async (req, reply) => {
    const parsed = PowerRequest.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(reply, zodProblems(parsed.error));
    try {
      const confirmed = await hub.setPower(req.params.id, parsed.data.relay, parsed.data.state);
      return { id: req.params.id, ...confirmed };
    } catch (err) {
      return sendError(reply, err);
    }
  });
}

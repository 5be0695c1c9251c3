import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../hub/hub.js';
import type { Bus } from '../../mqtt/bus.js';
import type { Store } from '../../store/store.js';
import type { GuardCounters } from '../../mqtt/broker-guard.js';

export interface HealthSources {
  hub: Hub;
  bus: Bus;
  store: Store;
  /** Present with the embedded broker. */
  broker?: () => { clients: number; shed: GuardCounters };
  startedAt: number;
  version: string;
  /** IoToad API requests: commands, queries, errors, unanswerable. */
  iotoad?: () => Record<string, number>;
}

/**
 * GET /api/health: 200 when the hub can reach its broker, 503 when it cannot
 * (so a load balancer or systemd watchdog sees it), with the counters behind it.
 */
export function healthRoutes(app: FastifyInstance, s: HealthSources): void {
  app.get('/api/health', async (_req, reply) => {
    const bus = s.bus.state;
    const devices = s.hub.devices();
    const body = {
      status: bus.connected ? 'ok' : 'degraded',
      version: s.version,
      uptimeS: Math.round((Date.now() - s.startedAt) / 1000),
      mqtt: {
        connected: bus.connected,
        endpoint: bus.endpoint,
        since: new Date(bus.since).toISOString(),
        reconnects: bus.reconnects,
        lastError: bus.lastError ?? null,
        ...(s.broker ? { embedded: s.broker() } : {}),
      },
      devices: {
        total: devices.length,
        online: devices.filter((d) => d.availability === 'online').length,
        offline: devices.filter((d) => d.availability === 'offline').length,
        unknown: devices.filter((d) => d.availability === 'unknown').length,
      },
      counters: { ...s.hub.counters, commandsInFlight: s.hub.commandsInFlight },
      ...(s.iotoad ? { iotoad: s.iotoad() } : {}),
      recentRejections: s.hub.lastDecodeErrors.slice(-5),
      store: s.store.stats(),
    };
    return reply.code(bus.connected ? 200 : 503).send(body);
  });
}

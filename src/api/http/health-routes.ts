import type { Hub } from '../../hub/hub.js';
import type { Bus } from '../../mqtt/bus.js';
import type { Store } from '../../store/store.js';
import type { GuardCounters } from '../../mqtt/broker-guard.js';
import type { ApiRoutes } from './api-routes.js';
import { StatusBody } from './schemas.js';

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
  /** The P1 meter input's counts; undefined while none runs. */
  p1?: () => Record<string, unknown> | undefined;
}

function status(s: HealthSources) {
  const bus = s.bus.state;
  const p1 = s.p1?.();
  const devices = s.hub.devices();
  return {
    status: bus.connected ? ('ok' as const) : ('degraded' as const),
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
    ...(p1 ? { p1 } : {}),
  };
}

/**
 * The hub's status: broker connection, message and error counters, store
 * size. /api/health answers 503 while the broker is unreachable (for a load
 * balancer or systemd watchdog); /api/status always answers 200.
 */
export function healthRoutes(api: ApiRoutes, s: HealthSources): void {
  api.add({
    method: 'GET',
    url: '/api/health',
    tag: 'Hub',
    summary: 'Health: 200 while connected to the MQTT broker, 503 when not',
    responses: {
      200: { description: 'Connected', schema: StatusBody },
      503: { description: 'Not connected to the MQTT broker', schema: StatusBody },
    },
    handler: ({ reply }) => {
      const body = status(s);
      return reply.code(body.mqtt.connected ? 200 : 503).send(body);
    },
  });
  api.add({
    method: 'GET',
    url: '/api/status',
    tag: 'Hub',
    summary: 'Status: broker connection, counters, store size',
    responses: { 200: { description: 'The status', schema: StatusBody } },
    handler: () => status(s),
  });
}

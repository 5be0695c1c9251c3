import type { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import type { ApiRoutes, ResponseDoc } from './api-routes.js';
import {
  CountdownRequest,
  CountdownResult,
  DeviceFilter,
  DeviceList,
  DeviceSnapshotSchema,
  ErrorBody,
  IdParams,
  PowerRequest,
  PowerResult,
  RemoveQuery,
  RemoveResult,
  RenameRequest,
  TimerList,
  TimerRequest,
  TimerResult,
} from './schemas.js';

const iso = (ms: number): string => new Date(ms).toISOString();

const NOT_FOUND: ResponseDoc = { description: 'No such device', schema: ErrorBody };
const BAD: ResponseDoc = { description: 'Bad input, each problem named', schema: ErrorBody };
/** What a command to a device can meet besides bad input. */
const COMMAND_FAILURES: Record<number, ResponseDoc> = {
  400: BAD,
  404: NOT_FOUND,
  422: { description: 'The device cannot do this', schema: ErrorBody },
  503: { description: 'The hub is not connected to its MQTT broker', schema: ErrorBody },
  504: {
    description: 'The device is unreachable (offline, or did not confirm)',
    schema: ErrorBody,
  },
};

function matches(d: z.output<typeof DeviceSnapshotSchema>, f: z.output<typeof DeviceFilter>) {
  return (
    (f.protocol === undefined || d.protocol === f.protocol) &&
    (f.type === undefined || d.grid?.type === f.type) &&
    (f.row === undefined || d.grid?.row === f.row) &&
    (f.column === undefined || d.grid?.column === f.column) &&
    (f.availability === undefined || d.availability === f.availability)
  );
}

/** Devices: list, one, rename, remove; power, countdown and daily timer commands. */
export function deviceRoutes(api: ApiRoutes, hub: Hub, now: () => number): void {
  const known = (id: string) => {
    const d = hub.device(id);
    if (!d) throw new HubError('not_found', `No device with id "${id}"`);
    return d;
  };

  api.add({
    method: 'GET',
    url: '/api/devices',
    tag: 'Devices',
    summary: 'Every device, optionally filtered',
    query: DeviceFilter,
    responses: { 200: { description: 'The devices', schema: DeviceList }, 400: BAD },
    handler: ({ query }) => ({ devices: hub.devices().filter((d) => matches(d, query)) }),
  });

  api.add({
    method: 'GET',
    url: '/api/devices/:id',
    tag: 'Devices',
    summary: 'One device',
    params: IdParams,
    responses: { 200: { description: 'The device', schema: DeviceSnapshotSchema }, 404: NOT_FOUND },
    handler: ({ params }) => known(params.id),
  });

  api.add({
    method: 'PATCH',
    url: '/api/devices/:id',
    tag: 'Devices',
    summary: 'Rename a device; its history moves with it',
    params: IdParams,
    body: RenameRequest,
    responses: {
      200: { description: 'The renamed device', schema: DeviceSnapshotSchema },
      400: BAD,
      404: NOT_FOUND,
      409: { description: 'The id is taken, or the configuration names it', schema: ErrorBody },
    },
    handler: ({ params, body }) => hub.renameDevice(params.id, body.id),
  });

  api.add({
    method: 'DELETE',
    url: '/api/devices/:id',
    tag: 'Devices',
    summary: 'Forget a device',
    description:
      'The device leaves the list and its hub-run timers stop; `history=delete` deletes its readings too. A device that reports again comes back as new.',
    params: IdParams,
    query: RemoveQuery,
    responses: { 200: { description: 'Removed', schema: RemoveResult }, 400: BAD, 404: NOT_FOUND },
    handler: ({ params, query }) => {
      const deleteHistory = query.history === 'delete';
      hub.removeDevice(params.id, deleteHistory);
      return {
        id: params.id,
        removed: true,
        history: deleteHistory ? 'deleted' : 'kept',
      } satisfies z.output<typeof RemoveResult>;
    },
  });

  api.add({
    method: 'POST',
    url: '/api/devices/:id/power',
    tag: 'Commands',
    summary: 'Switch a relay on, off or over; answers once the device confirms',
    params: IdParams,
    body: PowerRequest,
    responses: { 200: { description: 'Confirmed', schema: PowerResult }, ...COMMAND_FAILURES },
    handler: async ({ params, body }) => ({
      id: params.id,
      ...(await hub.setPower(params.id, body.relay, body.state)),
    }),
  });

  api.add({
    method: 'POST',
    url: '/api/devices/:id/countdown',
    tag: 'Commands',
    summary: 'In `seconds`, switch the relay to `state`',
    description:
      "The device's own countdown where it has one (Tasmota PulseTime, Moko delay_time, MQTT2GO set_timer); otherwise the hub runs it (`by: hub`). Switching the relay cancels it.",
    params: IdParams,
    body: CountdownRequest,
    responses: { 200: { description: 'Sent', schema: CountdownResult }, ...COMMAND_FAILURES },
    handler: async ({ params, body }) => {
      const start = now();
      const r = await hub.command(params.id, { kind: 'countdown', ...body });
      return {
        id: params.id,
        ...body,
        by: r.by,
        endsAt: iso(r.at ?? start + body.seconds * 1000),
      } satisfies z.output<typeof CountdownResult>;
    },
  });

  api.add({
    method: 'GET',
    url: '/api/devices/:id/timers',
    tag: 'Commands',
    summary: 'The daily timers the hub runs for a device',
    params: IdParams,
    responses: { 200: { description: 'The timers', schema: TimerList }, 404: NOT_FOUND },
    handler: ({ params }) => {
      const id = known(params.id).id;
      const timers = hub
        .dailyTimers()
        .filter((t) => t.id === id)
        .map(({ relay, slot, time, state }) => ({ relay, slot, time, state, by: 'hub' as const }));
      return { timers };
    },
  });

  api.add({
    method: 'POST',
    url: '/api/devices/:id/timers',
    tag: 'Commands',
    summary: 'Set a daily timer: every day at `time`, switch the relay to `state`',
    description:
      "The device's own timers where it has them (Tasmota Timers, MQTT2GO set_timer); otherwise the hub runs it and keeps it across restarts.",
    params: IdParams,
    body: TimerRequest,
    responses: { 200: { description: 'Set', schema: TimerResult }, ...COMMAND_FAILURES },
    handler: async ({ params, body }) => {
      const time = body.time.length === 5 ? `${body.time}:00` : body.time;
      const r = await hub.command(params.id, { kind: 'timer', ...body, time });
      return {
        id: params.id,
        ...body,
        time,
        by: r.by,
        ...(r.at !== undefined && { next: iso(r.at) }),
      } satisfies z.output<typeof TimerResult>;
    },
  });
}

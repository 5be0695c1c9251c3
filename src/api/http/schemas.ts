/**
 * The HTTP API's shapes, in zod: requests are validated with them and the
 * OpenAPI document (`/api/openapi.json`) is generated from them. Response
 * schemas document what the routes send; the tests check real answers
 * against them.
 */
import { z } from 'zod';
import { GRID_TYPES } from '../../core/device-id.js';
import { OPERATIONS } from '../../store/query/index.js';

const PROTOCOLS = ['tasmota', 'moko', 'mqtt2go', 'dsmr', 'senml'] as const;
const AVAILABILITY = ['online', 'offline', 'unknown'] as const;
const ON_OFF = z.enum(['on', 'off']);
const isoTime = z.string().describe('ISO 8601 time');
const relay = z.number().int().min(1).max(32).default(1).describe('Relay (1-based)');

export const ErrorBody = z
  .object({
    error: z.string().describe('What went wrong, in plain words'),
    code: z.string().describe('not_found, bad_request, conflict, unsupported, unreachable, …'),
    problems: z.array(z.string()).optional().describe('Each bad part of the request'),
  })
  .describe('Every error, from every route');

export const IdParams = z.strictObject({ id: z.string().min(1).describe('Device id') });

/** The IoToad façade's module path (`/api/in/*`, `/api/out/*`), slashes included. */
export const ModulePathParams = z.strictObject({
  path: z
    .string()
    .describe('The module and its subtopics: sp_command/w.r1.c0, influx_query/sp/power'),
});

export const DeviceFilter = z.strictObject({
  protocol: z.enum(PROTOCOLS).optional(),
  type: z.enum(GRID_TYPES).optional().describe('IoToad grid type'),
  row: z.coerce
    .number({ error: 'must be a whole number from 0' })
    .int('must be a whole number from 0')
    .min(0, 'must be a whole number from 0')
    .optional()
    .describe('IoToad grid row'),
  column: z.coerce
    .number({ error: 'must be a whole number from 0' })
    .int('must be a whole number from 0')
    .min(0, 'must be a whole number from 0')
    .optional()
    .describe('IoToad grid column'),
  availability: z.enum(AVAILABILITY).optional(),
});

const Reading = z.object({
  value: z.number(),
  unit: z.string(),
  ts: isoTime,
  priority: z.number().optional(),
});

export const DeviceSnapshotSchema = z
  .object({
    id: z.string(),
    protocol: z.enum(PROTOCOLS),
    nativeId: z.string().describe('The id the device gives itself (Tasmota topic, MAC, dev_id)'),
    info: z
      .object({
        mac: z.string(),
        hostname: z.string(),
        firmware: z.string(),
        module: z.string(),
        ip: z.string(),
        name: z.string(),
        relayCount: z.number().int(),
        manufacturer: z.string(),
        model: z.string(),
        dsmrVersion: z.string(),
        upgrade: z.object({
          result: z.string(),
          ok: z.boolean(),
          meaning: z.string(),
          at: isoTime,
        }),
      })
      .partial(),
    relays: z.array(z.object({ relay: z.number().int(), state: ON_OFF })),
    readings: z.record(z.string(), Reading).describe('Latest value of each metric'),
    countdowns: z.array(z.object({ relay: z.number().int(), state: ON_OFF, endsAt: isoTime })),
    removed: z.object({ reason: z.string(), ts: isoTime }).optional(),
    grid: z
      .object({ type: z.enum(GRID_TYPES), row: z.number().int(), column: z.number().int() })
      .optional()
      .describe('Place in the IoToad grid, when the id is a grid id (sp_w.r1.c2)'),
    availability: z.enum(AVAILABILITY),
    availabilityReason: z.string(),
    availabilitySince: isoTime,
    lastSeen: isoTime,
    firstSeen: isoTime,
  })
  .describe('A device as the hub knows it now');

export const DeviceList = z.object({ devices: z.array(DeviceSnapshotSchema) });

export const RenameRequest = z.strictObject({
  id: z.string().describe('The new id; an IoToad grid id (sp_w.r1.c1) places it in the grid'),
});

export const RemoveQuery = z.strictObject({
  history: z
    .enum(['keep', 'delete'])
    .default('keep')
    .describe('keep: readings stay queryable under the id; delete: they go too'),
});

export const RemoveResult = z.object({
  id: z.string(),
  removed: z.literal(true),
  history: z.enum(['kept', 'deleted']),
});

export const PowerRequest = z.strictObject({
  relay,
  state: z.enum(['on', 'off', 'toggle']),
});

export const PowerResult = z
  .object({ id: z.string(), relay: z.number().int(), state: ON_OFF })
  .describe('The state the device confirmed');

export const CountdownRequest = z.strictObject({
  relay,
  seconds: z
    .number({ error: 'must be a whole number of seconds from 1 to 86399' })
    .int('must be a whole number of seconds from 1 to 86399')
    .min(1, 'must be a whole number of seconds from 1 to 86399')
    .max(86_399, 'must be a whole number of seconds from 1 to 86399 (23:59:59)')
    .describe('1 s to 23:59:59'),
  state: ON_OFF.describe('The state the relay switches to when the countdown ends'),
});

export const CountdownResult = z.object({
  id: z.string(),
  relay: z.number().int(),
  seconds: z.number().int(),
  state: ON_OFF,
  by: z.enum(['device', 'hub']).describe('Who runs it: the device itself, or the hub for it'),
  endsAt: isoTime,
});

export const TimerRequest = z.strictObject({
  relay,
  slot: z.number().int().min(1).max(16).default(1).describe('Timer slot on the device'),
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be HH:MM or HH:MM:SS (24 h)')
    .describe('Local time of day, every day'),
  state: ON_OFF,
  enabled: z.boolean().default(true),
});

const Timer = z.object({
  relay: z.number().int(),
  slot: z.number().int(),
  time: z.string(),
  state: ON_OFF,
  by: z.literal('hub'),
});

export const TimerResult = z.object({
  id: z.string(),
  relay: z.number().int(),
  slot: z.number().int(),
  time: z.string(),
  state: ON_OFF,
  enabled: z.boolean(),
  by: z.enum(['device', 'hub']),
  next: isoTime.optional().describe('When a hub-run timer fires next'),
});

export const TimerList = z
  .object({ timers: z.array(Timer) })
  .describe(
    'The daily timers the hub runs for the device (a device’s own timers are not read back)',
  );

const readingParams = {
  metric: z
    .string()
    .default('power')
    .describe(
      'power, voltage, current, status, energy (Wh), or any stored metric: power_import, voltage_l1, gas_total, …',
    ),
  from: z
    .string()
    .optional()
    .describe('Epoch seconds, RFC 3339, or relative to now: -15m, -24h, -7d'),
  to: z.string().optional().describe('As from; default now'),
  operation: z
    .string()
    .optional()
    .describe(`Aggregate, any case (none: raw points): ${OPERATIONS.join(', ')}`),
  interval: z.string().optional().describe('One result per bucket: 1m, 1h, 1d'),
  n: z.string().optional().describe('TOP, BOTTOM, SAMPLE: how many; PERCENTILE: 0-100'),
  unit: z.string().optional().describe('INTEGRAL time unit: 1s (default), 1h'),
};

export const DeviceReadingsQuery = z.strictObject(readingParams);

export const ReadingsQuery = z.strictObject({
  ...readingParams,
  id: z.string().optional().describe('One device (with or without sp_)'),
  type: z.enum(GRID_TYPES).optional(),
  row: z.string().optional(),
  column: z.string().optional(),
  group: z.literal('id').optional().describe('One series per device'),
});

export const ReadingsResult = z
  .object({
    metric: z.string(),
    unit: z.string(),
    operation: z.string().nullable(),
    interval: z.string().nullable(),
    from: z.number().nullable().describe('Epoch ms'),
    to: z.number().nullable().describe('Epoch ms'),
    series: z.array(
      z.object({
        id: z.string().nullable().describe('The device, or null when pooled over devices'),
        t: z.array(z.number()).describe('Epoch ms'),
        v: z.array(z.number()),
      }),
    ),
  })
  .describe('Columnar series, ready for a chart');

const Energy = z.object({
  importWh: z.number().nullable(),
  exportWh: z.number().nullable(),
  gasM3: z.number().nullable(),
});

const Phase = z
  .object({
    powerImportW: z.number(),
    powerExportW: z.number(),
    voltageV: z.number(),
    currentA: z.number(),
  })
  .partial();

export const MeterSummarySchema = z
  .object({
    device: DeviceSnapshotSchema,
    telegram: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The latest telegram in the smartmeter2mqtt JSON shape'),
    receivedAt: isoTime.nullable(),
    now: z.object({
      importW: z.number().nullable(),
      exportW: z.number().nullable(),
      tariff: z.number().nullable(),
      phases: z.partialRecord(z.enum(['l1', 'l2', 'l3']), Phase),
    }),
    today: Energy,
    month: Energy,
    capacityPeak: z
      .object({ w: z.number(), ts: isoTime })
      .nullable()
      .describe('Belgian capacity tariff: this month’s peak quarter-hour average (1-0:1.6.0)'),
    mbus: z.array(DeviceSnapshotSchema).describe('Its gas, water and heat meters'),
  })
  .describe('A DSMR meter: now, today, this month');

export const MeterList = z.object({ meters: z.array(MeterSummarySchema) });

export const TelegramList = z.object({
  telegrams: z.array(
    z.object({ receivedAt: isoTime, telegram: z.record(z.string(), z.unknown()) }),
  ),
});

export const StatusBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeS: z.number(),
    mqtt: z.object({
      connected: z.boolean(),
      endpoint: z.string(),
      since: isoTime,
      reconnects: z.number(),
      lastError: z.string().nullable(),
      embedded: z
        .object({ clients: z.number(), shed: z.record(z.string(), z.number()) })
        .optional(),
    }),
    devices: z.object({
      total: z.number(),
      online: z.number(),
      offline: z.number(),
      unknown: z.number(),
    }),
    counters: z.record(z.string(), z.number()),
    iotoad: z.record(z.string(), z.number()).optional(),
    recentRejections: z.array(z.object({ ts: isoTime, topic: z.string(), error: z.string() })),
    store: z.object({
      rowsWritten: z.number(),
      batches: z.number(),
      pending: z.number(),
      writeErrors: z.number(),
      sizeBytes: z.number(),
      path: z.string(),
    }),
    p1: z.record(z.string(), z.unknown()).optional().describe('The P1 meter input, when one runs'),
  })
  .describe('The hub: broker connection, counters, store');

export const AuthStatus = z.object({
  tokenRequired: z.boolean(),
  ok: z.boolean().describe('Whether this request’s token (or no token) is accepted'),
});

import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../core/device-id.js';

/**
 * Every setting of `wattbridge start`, in one table. The same entry gives the
 * file key (its dotted path), the flag, the environment variable, the
 * validation, the default and the documentation — nothing else lists them.
 */
export interface OptionSpec {
  /** Dotted path in the config file and in the resolved config object. */
  readonly path: string;
  /** How a string from a flag or the environment becomes a value. */
  /** map: a mapping of names (file, or `a=b,c=d` from a flag or the environment). */
  readonly kind: 'string' | 'int' | 'bool' | 'enum' | 'url' | 'map';
  readonly schema: z.ZodType;
  readonly description: string;
  /** Flag name without dashes; derived from the path when absent. */
  readonly flag?: string;
  /** Allowed values, for enums (shown in errors and docs). */
  readonly values?: readonly string[];
  /** Never printed (passwords). */
  readonly secret?: boolean;
}

const portOrZero = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().min(1);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const MQTT_SCHEMES = ['mqtt', 'mqtts', 'ws', 'wss'] as const;
const MQTT2GO_VERSIONS = ['auto', '2.1', '1.2'] as const;
/** `BRQ` or `BRQ,OVA`: plain MQTT topic levels, separated by commas. */
const topicLevelList = z
  .string()
  .regex(
    /^[^+#/,\s]+(,[^+#/,\s]+)*$/,
    'must be topic levels separated by commas, without + # / or spaces',
  );

const brokerUrl = z.string().refine(
  (s) => {
    try {
      return (MQTT_SCHEMES as readonly string[]).includes(new URL(s).protocol.replace(':', ''));
    } catch {
      return false;
    }
  },
  `must be a URL with scheme ${MQTT_SCHEMES.join(', ')} (e.g. mqtt://127.0.0.1:1883)`,
);

export const OPTIONS: readonly OptionSpec[] = [
  {
    path: 'mqtt.url',
    kind: 'url',
    schema: brokerUrl.optional(),
    description:
      'Use this external broker (mqtt, mqtts, ws, wss) instead of the embedded one. User and password may be in the URL.',
  },
  {
    path: 'mqtt.username',
    kind: 'string',
    schema: z.string().min(1).optional(),
    description: 'User name for the external broker (overrides the URL).',
  },
  {
    path: 'mqtt.password',
    kind: 'string',
    schema: z.string().optional(),
    secret: true,
    description: 'Password for the external broker (overrides the URL).',
  },
  {
    path: 'mqtt.host',
    kind: 'string',
    schema: z.string().min(1).default('127.0.0.1'),
    description: 'Address the embedded broker listens on (0.0.0.0 for every interface).',
  },
  {
    path: 'mqtt.port',
    kind: 'int',
    schema: portOrZero.default(1883),
    description: 'Port of the embedded broker (0 picks a free port).',
  },
  {
    path: 'mqtt.baseTopic',
    kind: 'string',
    schema: z
      .string()
      .regex(/^[^#+/][^#+]*$/, 'must be a topic without wildcards or a leading /')
      .default('wattbridge'),
    description: "Root of the hub's own topics (status, device state).",
  },
  {
    path: 'mqtt.clientId',
    kind: 'string',
    schema: z.string().min(1).max(64).optional(),
    description: 'Client id on an external broker (default: wattbridge-<random>).',
  },
  {
    path: 'broker.maxPublishRate',
    kind: 'int',
    schema: positiveInt.default(5000),
    description:
      'Embedded broker: messages per second one client may publish; the excess is shed and counted.',
  },
  {
    path: 'broker.maxQueuedMessages',
    kind: 'int',
    schema: positiveInt.default(20000),
    description:
      'Embedded broker: messages waiting for delivery before new publishes are shed (bounds memory).',
  },
  {
    path: 'broker.maxClientBufferKb',
    kind: 'int',
    schema: positiveInt.default(1024),
    description:
      'Embedded broker: unsent KiB a subscriber may have before messages to it are shed.',
  },
  {
    path: 'broker.slowClientTimeoutS',
    kind: 'int',
    schema: positiveInt.default(10),
    description:
      'Embedded broker: a subscriber that stays over its buffer this long is disconnected.',
  },
  {
    path: 'http.host',
    kind: 'string',
    schema: z.string().min(1).optional(),
    description:
      'Address the HTTP API and dashboard listen on. Default: 127.0.0.1 (this machine only) without `http.token`, 0.0.0.0 (every interface) with one.',
  },
  {
    path: 'http.token',
    kind: 'string',
    flag: 'api-token',
    schema: z.string().min(8, 'must be at least 8 characters').optional(),
    secret: true,
    description:
      'Every API request and the live socket must carry this token (`Authorization: Bearer <token>`, or `?token=` on `/api/live`); the dashboard asks for it once.',
  },
  {
    path: 'http.liveBufferKb',
    kind: 'int',
    schema: positiveInt.max(1024 * 1024).default(1024),
    description:
      'A `/api/live` client with this much unsent data is too slow to follow the hub and is disconnected.',
  },
  {
    path: 'http.port',
    kind: 'int',
    schema: portOrZero.default(8080),
    description: 'Port of the HTTP API (0 picks a free port).',
  },
  {
    path: 'dataDir',
    kind: 'string',
    schema: z.string().min(1).default('./wattbridge-data'),
    description: 'Folder for the SQLite database.',
  },
  {
    path: 'store.flushIntervalMs',
    kind: 'int',
    schema: z.number().int().min(10).max(60_000).default(250),
    description: 'Readings are written in one transaction at least this often.',
  },
  {
    path: 'store.batchSize',
    kind: 'int',
    schema: z.number().int().min(1).max(100_000).default(2000),
    description: 'Readings written per transaction at most; a full batch is written at once.',
  },
  {
    path: 'commandTimeoutMs',
    kind: 'int',
    flag: 'command-timeout',
    schema: z.number().int().min(100).max(120_000).default(5000),
    description: 'How long a command waits for the device to confirm before it fails.',
  },
  {
    path: 'availability.tasmotaSilenceS',
    kind: 'int',
    flag: 'tasmota-silence',
    schema: z.number().int().min(10).default(900),
    description:
      'A Tasmota device silent this long is unavailable (its LWT usually says so sooner). Raised to 3 report periods when a device reports less often.',
  },
  {
    path: 'devices',
    kind: 'map',
    schema: z
      .record(
        z.string().min(1),
        z.string().regex(DEVICE_ID_PATTERN, 'a device id is letters, digits and . _ - : only'),
      )
      .default({}),
    description:
      'Device ids by native id (Tasmota topic, Moko MAC, MQTT2GO dev_id; `protocol:native` when two conventions share one), e.g. `tasmota_1A2B3C: sp_w.r1.c1`. IoToad grid ids `sp_<w|g|p>.r<row>.c<col>` place a device in the grid.',
  },
  {
    path: 'grid.columnsPerRow',
    kind: 'int',
    schema: z.number().int().min(1).max(1000).default(5),
    description:
      'Grid columns per row: `command/sp_command/row/<n>` addresses columns 0 to this - 1.',
  },
  {
    path: 'grid.rowsPerColumn',
    kind: 'int',
    schema: z.number().int().min(1).max(1000).default(17),
    description:
      'Grid rows per column: `command/sp_command/column/<n>` addresses rows 0 to this - 1.',
  },
  {
    path: 'iotoad.data',
    kind: 'bool',
    schema: z.boolean().default(true),
    description:
      "Publish every plug's power and status on `data/sp_data/influx_data/sp` as IoToad's collector does.",
  },
  {
    path: 'iotoad.responseTimeoutMs',
    kind: 'int',
    schema: z.number().int().min(100).max(120_000).default(12_000),
    description:
      'REST façade (`/api/in`, `/api/out`): how long to wait for a module the hub does not serve itself to answer over MQTT.',
  },
  {
    path: 'availability.mqtt2goSilencePeriods',
    kind: 'int',
    flag: 'mqtt2go-silence-periods',
    schema: z.number().int().min(2).max(100).default(3),
    description:
      'An MQTT2GO socket (no heartbeat in the convention) silent for this many of its own observed report periods is unavailable.',
  },
  {
    path: 'mqtt2go.homes',
    kind: 'string',
    schema: topicLevelList.optional(),
    description: 'MQTT2GO home_id values to serve, separated by commas (default: every home).',
  },
  {
    path: 'mqtt2go.gateways',
    kind: 'string',
    schema: topicLevelList.optional(),
    description:
      'MQTT2GO gateway_id values to serve, separated by commas (default: every gateway).',
  },
  {
    path: 'mqtt2go.version',
    kind: 'enum',
    values: MQTT2GO_VERSIONS,
    schema: z.enum(MQTT2GO_VERSIONS).default('auto'),
    description:
      'MQTT2GO topic layouts to listen to: auto (1.x and 2.x; each socket is answered in the one it uses), 2.1 or 1.2 only.',
  },
  {
    path: 'availability.mokoSilenceS',
    kind: 'int',
    flag: 'moko-silence',
    schema: z.number().int().min(31).default(62),
    description:
      'A Moko plug whose switch_state heartbeat (every 30 s) is silent this long is unavailable, as in the Moko apps.',
  },
  {
    path: 'p1.serial',
    kind: 'string',
    schema: z.string().min(1).optional(),
    description:
      'DSMR P1 meter on this serial port (e.g. /dev/ttyUSB0): 115200 baud 8N1, DSMR 4 and 5.',
  },
  {
    path: 'p1.legacy',
    kind: 'bool',
    schema: z.boolean().default(false),
    description: 'With p1.serial: 9600 baud 7E1, for DSMR 2.2 and 3 meters.',
  },
  {
    path: 'p1.tcp',
    kind: 'string',
    schema: z
      .string()
      .regex(/^.+:\d{1,5}$/, 'must be host:port (e.g. 192.168.1.20:23)')
      .optional(),
    description:
      'DSMR P1 meter behind a network reader at host:port; reconnects with backoff, forever.',
  },
  {
    path: 'p1.file',
    kind: 'string',
    schema: z.string().min(1).optional(),
    description: 'Replay a recorded P1 stream from this file (- for stdin), e.g. for a demo.',
  },
  {
    path: 'p1.replayRate',
    kind: 'int',
    schema: z.number().int().min(0).max(100_000).default(1),
    description: 'With p1.file: telegrams per second; 0 plays as fast as possible.',
  },
  {
    path: 'p1.key',
    kind: 'string',
    secret: true,
    schema: z
      .string()
      .regex(/^[0-9A-Fa-f]{32}$/, 'must be 32 hex digits')
      .optional(),
    description: 'AES-128 key of an encrypted P1 meter (Luxembourg Smarty, Austria).',
  },
  {
    path: 'p1.aad',
    kind: 'string',
    schema: z
      .string()
      .regex(/^([0-9A-Fa-f]{32}|[0-9A-Fa-f]{34})$/, 'must be 32 or 34 hex digits')
      .optional(),
    description:
      'Authentication key (32 hex digits) or full AAD (34) of an encrypted P1 meter; default the Smarty key.',
  },
  {
    path: 'p1.jsonPort',
    kind: 'int',
    schema: portOrZero.optional(),
    description:
      "P1: smartmeter2mqtt's JSON socket on this port, one JSON line (CRLF) per telegram.",
  },
  {
    path: 'p1.rawPort',
    kind: 'int',
    schema: portOrZero.optional(),
    description: "P1: raw socket on this port, each valid telegram's bytes (decrypted).",
  },
  {
    path: 'p1.host',
    kind: 'string',
    schema: z.string().min(1).default('127.0.0.1'),
    description: 'Address the P1 sockets listen on.',
  },
  {
    path: 'p1.maxClients',
    kind: 'int',
    schema: z.number().int().min(1).max(100_000).default(32),
    description: 'Clients per P1 socket; a client that does not read is cut off, never waited for.',
  },
  {
    path: 'p1.mqttPrefix',
    kind: 'string',
    schema: z
      .string()
      .regex(/^[^#+/]+(\/[^#+/]+)*$/, 'must be topic levels without wildcards or outer /')
      .optional(),
    description:
      "P1: smartmeter2mqtt's MQTT topics under this prefix (e.g. smartmeter) on the hub's broker.",
  },
  {
    path: 'p1.mqttDistinct',
    kind: 'bool',
    schema: z.boolean().default(false),
    description: 'With p1.mqttPrefix: also <prefix>/status/<field> per field, zeros included.',
  },
  {
    path: 'logLevel',
    kind: 'enum',
    values: LOG_LEVELS,
    schema: z.enum(LOG_LEVELS).default('info'),
    description: 'Log level.',
  },
  {
    path: 'demo',
    kind: 'bool',
    schema: z.boolean().default(false),
    description: 'Also run a simulated fleet inside the hub (three Tasmota plugs).',
  },
];

/** `mqtt.baseTopic` -> `mqtt-base-topic`. */
export function flagOf(o: OptionSpec): string {
  return o.flag ?? o.path.replace(/\./g, '-').replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** `mqtt.baseTopic` -> `WATTBRIDGE_MQTT_BASE_TOPIC`. */
export function envOf(o: OptionSpec): string {
  return 'WATTBRIDGE_' + flagOf(o).replace(/-/g, '_').toUpperCase();
}

/** The resolved configuration of `wattbridge start` (see options.ts). */
export interface HubConfig {
  mqtt: {
    url?: string;
    username?: string;
    password?: string;
    host: string;
    port: number;
    baseTopic: string;
    clientId?: string;
  };
  broker: {
    maxPublishRate: number;
    maxQueuedMessages: number;
    maxClientBufferKb: number;
    slowClientTimeoutS: number;
  };
  /** host absent: resolved by startApp (loopback without a token). */
  http: { host?: string; port: number; token?: string; liveBufferKb: number };
  dataDir: string;
  store: { flushIntervalMs: number; batchSize: number };
  commandTimeoutMs: number;
  availability: { tasmotaSilenceS: number; mqtt2goSilencePeriods: number; mokoSilenceS: number };
  /** native id (or protocol:native id) -> device id. */
  devices: Record<string, string>;
  grid: { columnsPerRow: number; rowsPerColumn: number };
  iotoad: { data: boolean; responseTimeoutMs: number };
  /** MQTT2GO homes and gateways as comma lists (absent: all), versions listened to. */
  mqtt2go: { homes?: string; gateways?: string; version: 'auto' | '2.1' | '1.2' };
  /** A DSMR P1 meter: at most one of serial, tcp and file is the input. */
  p1: {
    serial?: string;
    legacy: boolean;
    tcp?: string;
    file?: string;
    replayRate: number;
    key?: string;
    aad?: string;
    jsonPort?: number;
    rawPort?: number;
    host: string;
    maxClients: number;
    mqttPrefix?: string;
    mqttDistinct: boolean;
  };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demo: boolean;
}

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
  http: { host: string; port: number };
  dataDir: string;
  store: { flushIntervalMs: number; batchSize: number };
  commandTimeoutMs: number;
  availability: { tasmotaSilenceS: number };
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

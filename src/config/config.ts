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
  availability: { tasmotaSilenceS: number; mokoSilenceS: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  demo: boolean;
}

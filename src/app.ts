import type { Logger } from 'pino';
import { startHttp, type HttpServer } from './api/http/server.js';
import { publishSpData } from './api/iotoad/data-publisher.js';
import { RemoteModules } from './api/iotoad/remote.js';
import { IotoadService } from './api/iotoad/service.js';
import type { HubConfig } from './config/config.js';
import { createDrivers } from './drivers/index.js';
import { DSMR_SILENCE_MS, p1Configured, startHubMeter } from './dsmr/io/hub-meter.js';
import { MeterTelegrams } from './dsmr/io/meter-telegrams.js';
import { Hub } from './hub/hub.js';
import type { Bus } from './mqtt/bus.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { ExternalBus, redactUrl } from './mqtt/external-bus.js';
import { StartupError } from './mqtt/startup-error.js';
import { startTasmotaFleet } from './sim/tasmota/fleet.js';
import { SqliteStore } from './store/sqlite-store.js';
import { VERSION } from './version.js';

export interface App {
  hub: Hub;
  iotoad: IotoadService;
  bus: Bus;
  store: SqliteStore;
  http: HttpServer;
  /** Set with the embedded broker. */
  broker?: EmbeddedBroker;
  /** URL devices use to reach the broker the hub reads. */
  mqttUrl: string;
  /** Where a browser on this machine finds the dashboard. */
  httpUrl: string;
  stop(): Promise<void>;
}

/** The three demo plugs: a fridge, a desk and a heater. */
export const DEMO_FLEET = {
  count: 3,
  topicPrefix: 'demo',
  loads: [120, 75, 1500],
  telePeriodS: 10,
  powerOn: true,
};

/**
 * The composition root: build every part from the configuration and start
 * them in order (store, broker, hub, HTTP, demo fleet). stop() undoes it in
 * reverse, flushing writes and publishing the hub's offline status.
 */
export async function startApp(cfg: HubConfig, log: Logger): Promise<App> {
  const startedAt = Date.now();
  const store = new SqliteStore({
    dataDir: cfg.dataDir,
    flushIntervalMs: cfg.store.flushIntervalMs,
    batchSize: cfg.store.batchSize,
    onError: (err, what) => log.error({ err: err.message }, what),
  });
  const cleanup: (() => Promise<void> | void)[] = [() => store.close()];
  let startedHub: Hub | undefined;
  const undo = async () => {
    for (const f of cleanup.reverse()) await f();
  };
  try {
    let bus: Bus;
    let broker: EmbeddedBroker | undefined;
    let mqttUrl: string;
    if (cfg.mqtt.url) {
      const external = new ExternalBus({
        url: cfg.mqtt.url,
        username: cfg.mqtt.username,
        password: cfg.mqtt.password,
        clientId: cfg.mqtt.clientId,
        will: { topic: `${cfg.mqtt.baseTopic}/status`, payload: 'offline' },
        log: log.child({ component: 'mqtt' }),
      });
      await external.start();
      log.info({ broker: external.state.endpoint }, 'connecting to external MQTT broker');
      // Give the first connection a moment so the hub starts "connected" when it can;
      // otherwise it starts anyway and keeps retrying.
      if (!(await external.waitConnected(3000)))
        log.warn(
          { broker: external.state.endpoint },
          'MQTT broker not reachable yet; retrying in the background',
        );
      bus = external;
      mqttUrl = cfg.mqtt.url;
    } else {
      broker = new EmbeddedBroker({
        host: cfg.mqtt.host,
        port: cfg.mqtt.port,
        limits: {
          maxPublishRate: cfg.broker.maxPublishRate,
          maxQueued: cfg.broker.maxQueuedMessages,
          maxClientBufferBytes: cfg.broker.maxClientBufferKb * 1024,
          slowClientTimeoutMs: cfg.broker.slowClientTimeoutS * 1000,
        },
        log: log.child({ component: 'broker' }),
      });
      await broker.start();
      bus = broker;
      const host = cfg.mqtt.host === '0.0.0.0' ? '127.0.0.1' : cfg.mqtt.host;
      mqttUrl = `mqtt://${host}:${broker.port}`;
      log.info({ url: mqttUrl }, 'embedded MQTT broker listening');
    }
    cleanup.push(() => bus.stop());
    const hub = new Hub({
      bus,
      store,
      drivers: createDrivers(cfg),
      log: log.child({ component: 'hub' }),
      commandTimeoutMs: cfg.commandTimeoutMs,
      silenceMs: {
        tasmota: cfg.availability.tasmotaSilenceS * 1000,
        moko: cfg.availability.mokoSilenceS * 1000,
        dsmr: DSMR_SILENCE_MS,
      },
      silencePeriods: { mqtt2go: cfg.availability.mqtt2goSilencePeriods },
      heartbeat: ['moko'],
      baseTopic: cfg.mqtt.baseTopic,
      names: cfg.devices,
    });
    await hub.start();
    startedHub = hub;
    const iotoadLog = log.child({ component: 'iotoad' });
    const iotoad = new IotoadService(bus, hub, store, cfg.grid, iotoadLog);
    await iotoad.start();
    const remote = new RemoteModules(bus, cfg.iotoad.responseTimeoutMs);
    await remote.start();
    if (cfg.iotoad.data) cleanup.push(publishSpData(hub, bus, iotoadLog));
    const telegrams = new MeterTelegrams();
    // Filled in once a P1 meter runs: /api/status shows its counts only then.
    const p1Stats: { get?: () => Record<string, unknown> } = {};
    const httpHost = httpHostOf(cfg.http, log);
    const http = await startHttp({
      iotoad: { service: iotoad, remote },
      host: httpHost,
      port: cfg.http.port,
      hub,
      store,
      telegrams,
      token: cfg.http.token,
      liveBufferBytes: cfg.http.liveBufferKb * 1024,
      version: VERSION,
      log,
      health: {
        p1: () => p1Stats.get?.(),
        hub,
        bus,
        store,
        startedAt,
        version: VERSION,
        iotoad: () => ({ ...iotoad.counters }),
        ...(broker
          ? { broker: () => ({ clients: broker.clientCount, shed: { ...broker.guard.counters } }) }
          : {}),
      },
    });
    cleanup.push(() => http.close());
    // Runs before http.close: it fails the commands still waiting, so their
    // requests answer now instead of holding the server open.
    cleanup.push(() => hub.stop());
    const shownHost = httpHost === '0.0.0.0' ? '127.0.0.1' : httpHost;
    const httpUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${http.port}`;
    log.info(
      {
        dashboard: `${httpUrl}/`,
        api: `${httpUrl}/api/docs`,
        token: cfg.http.token ? 'required' : 'none',
      },
      'HTTP API and dashboard listening',
    );
    if (cfg.demo) {
      const fleet = await startTasmotaFleet({ mqttUrl, ...DEMO_FLEET }).catch((err: Error) => {
        throw new StartupError(
          `--demo: the simulated plugs could not connect to ${redactUrl(mqttUrl)}: ${err.message}`,
        );
      });
      cleanup.push(async () => {
        await fleet.stop();
        // On a shared broker the demo leaves nothing behind to be rediscovered.
        if (!broker) await clearRetained(bus, fleet.plugs).catch(() => {});
      });
      log.info(
        { plugs: fleet.plugs.map((p) => p.topic) },
        'demo fleet running (simulated Tasmota plugs)',
      );
    }
    if (p1Configured(cfg.p1)) {
      // Last started, first stopped: no telegram reaches a hub that is stopping.
      const meter = await startHubMeter({
        p1: cfg.p1,
        hub,
        bus,
        log: log.child({ component: 'p1' }),
        stdin: process.stdin,
        telegrams,
      });
      p1Stats.get = () => ({ input: meter.service.source.description, ...meter.service.stats });
      cleanup.push(() => meter.stop());
    }
    return { hub, iotoad, bus, store, http, broker, mqttUrl, httpUrl, stop: undo };
  } catch (err) {
    await startedHub?.stop();
    await undo();
    throw err;
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Where the HTTP API listens: as configured, else this machine only without
 * a token and every interface with one. Open to the network without a token
 * is allowed when asked for, with a warning.
 */
function httpHostOf(http: HubConfig['http'], log: Logger): string {
  const host = http.host ?? (http.token ? '0.0.0.0' : '127.0.0.1');
  if (!http.token && !LOOPBACK.has(host))
    log.warn(
      { host },
      'the HTTP API listens beyond this machine without a token: anyone who reaches it can switch plugs; set --api-token',
    );
  return host;
}

/** Empty retained payloads over what simulated plugs retained (LWT, discovery). */
async function clearRetained(bus: Bus, plugs: { retainedTopics(): string[] }[]): Promise<void> {
  for (const t of plugs.flatMap((p) => p.retainedTopics()))
    await bus.publish(t, '', { retain: true });
}

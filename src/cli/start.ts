import { startApp } from '../app.js';
import type { HubConfig } from '../config/config.js';
import { readConfigFile, resolveConfig } from '../config/load.js';
import { redactUrl } from '../mqtt/external-bus.js';
import { StartupError } from '../mqtt/startup-error.js';
import { parseConfigFlags } from './flags.js';
import type { CliIo } from './io.js';
import { createLogger } from './logger.js';

export const START_USAGE = `Usage: wattbridge start [--config wattbridge.yaml] [flags]

Runs the hub: an embedded MQTT broker (or --mqtt-url for an external one),
the SQLite store in --data-dir and the HTTP API on --http-port.
--demo also runs three simulated Tasmota plugs.
Every setting: wattbridge config --reference`;

/** Resolve file < environment < flags; print every problem and return undefined when invalid. */
export function loadConfig(argv: string[], io: CliIo, usage = START_USAGE): HubConfig | undefined {
  const flags = parseConfigFlags(argv);
  if (!flags.ok) {
    io.stderr.write(`${flags.problem}\n\n${usage}\n`);
    return undefined;
  }
  const fileName = (flags.values.config as string | undefined) ?? io.env.WATTBRIDGE_CONFIG;
  let file: unknown;
  if (fileName) {
    const read = readConfigFile(fileName);
    if (!read.ok) {
      io.stderr.write(`Invalid configuration:\n  - ${read.problem}\n`);
      return undefined;
    }
    file = read.value;
  }
  const res = resolveConfig({ file, fileName, env: io.env, flags: flags.values });
  if (!res.ok) {
    io.stderr.write(`Invalid configuration:\n${res.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return undefined;
  }
  return res.config;
}

/** `wattbridge start`: runs until SIGINT/SIGTERM, then shuts down within 5 s. */
export async function startCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${START_USAGE}\n`);
    return 0;
  }
  const cfg = loadConfig(argv, io);
  if (!cfg) return 1;
  const log = createLogger(cfg.logLevel);
  let app;
  try {
    app = await startApp(cfg, log);
  } catch (err) {
    if (err instanceof StartupError) {
      // Under `npm start` the advice must be typed as `npm start -- <flags>`.
      const viaNpm = io.env.npm_lifecycle_event === 'start';
      const advice = viaNpm
        ? err.message.replaceAll('wattbridge start ', 'npm start -- ')
        : err.message;
      io.stderr.write(`${advice}\n`);
      return 1;
    }
    throw err;
  }
  log.info(
    { http: app.httpUrl, dashboard: `${app.httpUrl}/`, mqtt: redactUrl(app.mqttUrl) },
    'wattbridge is running; Ctrl-C stops it',
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    log.error('shutdown took longer than 5 s; exiting anyway');
    process.exit(1);
  }, 5000);
  force.unref();
  await app.stop();
  clearTimeout(force);
  log.info('stopped');
  return 0;
}

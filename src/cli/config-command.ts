import { stringify } from 'yaml';
import { redactUrl } from '../mqtt/external-bus.js';
import { configReference } from './config-reference.js';
import type { CliIo } from './io.js';
import { loadConfig } from './start.js';

export const CONFIG_USAGE = `Usage: wattbridge config [--config wattbridge.yaml] [flags]
       wattbridge config --reference

Prints the configuration \`wattbridge start\` would run with, from the file,
WATTBRIDGE_* variables and flags (secrets hidden); --reference prints every
setting with its flag, variable and default.`;

/** `wattbridge config`: the resolved configuration (secrets hidden), or --reference. */
export function configCommand(argv: string[], io: CliIo): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${CONFIG_USAGE}\n`);
    return 0;
  }
  if (argv.includes('--reference')) {
    io.stdout.write(`${configReference()}\n`);
    return 0;
  }
  const cfg = loadConfig(argv, io, CONFIG_USAGE);
  if (!cfg) return 1;
  const shown = {
    ...cfg,
    mqtt: {
      ...cfg.mqtt,
      ...(cfg.mqtt.url ? { url: redactUrl(cfg.mqtt.url) } : {}),
      ...(cfg.mqtt.password ? { password: '(hidden)' } : {}),
    },
  };
  io.stdout.write(stringify(shown));
  return 0;
}

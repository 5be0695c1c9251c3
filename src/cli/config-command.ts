import { stringify } from 'yaml';
import { configReference } from './config-reference.js';
import type { CliIo } from './io.js';
import { loadConfig } from './start.js';

/** `wattbridge config`: the resolved configuration (secrets hidden), or --reference. */
export function configCommand(argv: string[], io: CliIo): number {
  if (argv.includes('--reference')) {
    io.stdout.write(`${configReference()}\n`);
    return 0;
  }
  const cfg = loadConfig(argv, io);
  if (!cfg) return 1;
  const shown = {
    ...cfg,
    mqtt: { ...cfg.mqtt, ...(cfg.mqtt.password ? { password: '(hidden)' } : {}) },
  };
  io.stdout.write(stringify(shown));
  return 0;
}

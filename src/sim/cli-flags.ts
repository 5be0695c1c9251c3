import { UsageError } from '../cli/usage-error.js';

/** `--mqtt-url` of a simulator: a URL, the local broker by default. */
export function mqttUrlFlag(text: string | undefined): string {
  const url = text ?? 'mqtt://127.0.0.1:1883';
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--mqtt-url is not a URL: "${url}"`);
  }
  return url;
}

/** `--load 60,1500`: watts per simulated device, cycled over the fleet. */
export function loadsFlag(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const loads = text.split(',').map((w) => Number(w.trim()));
  if (loads.some((w) => !Number.isFinite(w) || w < 0))
    throw new UsageError(`--load must be watts separated by commas, got "${text}"`);
  return loads;
}

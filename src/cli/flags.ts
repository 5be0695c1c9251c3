import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OPTIONS, flagOf } from '../config/options.js';

export type FlagValues = Record<string, string | boolean | undefined>;

/** parseArgs options for every config setting, plus --config and --help. */
export function configFlagSpec(): NonNullable<ParseArgsConfig['options']> {
  const spec: NonNullable<ParseArgsConfig['options']> = {
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const o of OPTIONS) {
    spec[flagOf(o)] = { type: o.kind === 'bool' ? 'boolean' : 'string' };
    // --no-demo turns off a switch the environment or file turned on.
    if (o.kind === 'bool') spec[`no-${flagOf(o)}`] = { type: 'boolean' };
  }
  return spec;
}

/** Parse argv against the config flags; unknown flags are an error with the list of known ones. */
export function parseConfigFlags(
  argv: string[],
  extra: NonNullable<ParseArgsConfig['options']> = {},
): { ok: true; values: FlagValues } | { ok: false; problem: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { ...configFlagSpec(), ...extra },
      strict: true,
      allowPositionals: false,
    });
    const flags = values as FlagValues;
    for (const o of OPTIONS) {
      if (o.kind === 'bool' && flags[`no-${flagOf(o)}`] === true) flags[flagOf(o)] = false;
    }
    return { ok: true, values: flags };
  } catch (e) {
    return {
      ok: false,
      problem: `${(e as Error).message}\nEvery setting and its flag: wattbridge config --reference`,
    };
  }
}

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { HubConfig } from './config.js';
import { OPTIONS, envOf, flagOf, type OptionSpec } from './options.js';

export interface ConfigSources {
  /** Parsed config file contents (already read), or undefined. */
  file?: unknown;
  fileName?: string;
  env: NodeJS.ProcessEnv;
  /** Flag values as strings (or booleans for switches), keyed by flag name. */
  flags: Record<string, string | boolean | undefined>;
}

export type ConfigResult = { ok: true; config: HubConfig } | { ok: false; problems: string[] };

/** Raw string from a flag or variable -> typed value; leaves junk for the schema to name. */
function coerce(o: OptionSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  switch (o.kind) {
    case 'int':
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case 'map': {
      const text = raw.trim();
      if (text.startsWith('{')) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return raw;
        }
      }
      const pairs = text === '' ? [] : text.split(',').map((p) => p.split('='));
      if (pairs.some((p) => p.length !== 2)) return raw;
      return Object.fromEntries(pairs.map(([k, v]) => [k!.trim(), v!.trim()]));
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
      return raw;
    }
    default:
      return raw;
  }
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    cur[k] ??= {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

/** Every leaf path present in a parsed file, to report keys nobody knows. A map option is one leaf. */
function leafPaths(obj: unknown, maps: ReadonlySet<string>, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || maps.has(prefix))
    return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => leafPaths(v, maps, prefix ? `${prefix}.${k}` : k));
}

function describeAllowed(o: OptionSpec): string {
  if (o.values) return `one of ${o.values.join(', ')}`;
  switch (o.kind) {
    case 'int': {
      // The bounds live in the schema (inside its optional/default wrapper).
      const inner = (
        o.schema as unknown as {
          unwrap?: () => { minValue?: number | null; maxValue?: number | null };
        }
      ).unwrap?.();
      const min = inner?.minValue;
      const max = inner?.maxValue;
      if (typeof min === 'number' && typeof max === 'number')
        return `an integer from ${min} to ${max}`;
      if (typeof min === 'number') return `an integer of at least ${min}`;
      return 'an integer';
    }
    case 'bool':
      return 'true or false';
    case 'url':
      return 'a broker URL such as mqtt://user:pass@host:1883';
    case 'map':
      return 'a mapping (in the file), or name=value,name=value';
    default:
      return 'a string';
  }
}

/**
 * Merge file < environment < flags, validate each setting against its schema,
 * and report every problem at once with where it came from.
 */
export function resolveConfig(src: ConfigSources): ConfigResult {
  const problems: string[] = [];
  const known = new Set(OPTIONS.map((o) => o.path));
  if (src.file !== undefined && src.file !== null) {
    if (typeof src.file !== 'object' || Array.isArray(src.file)) {
      problems.push(`${src.fileName ?? 'config file'}: must be a mapping of settings`);
    } else {
      const maps = new Set(OPTIONS.filter((o) => o.kind === 'map').map((o) => o.path));
      for (const p of leafPaths(src.file, maps)) {
        const inSection = OPTIONS.filter((o) => o.path.startsWith(p + '.')).map((o) => o.path);
        if (inSection.length > 0) {
          problems.push(
            `${p}: must be a mapping of settings (${inSection.join(', ')}) in ${src.fileName ?? 'config file'}`,
          );
        } else if (!known.has(p)) {
          problems.push(
            `${p}: unknown setting in ${src.fileName ?? 'config file'}; known settings: ${[...known].join(', ')}`,
          );
        }
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const flag = src.flags[flagOf(o)];
    const env = src.env[envOf(o)];
    let raw: unknown;
    let origin: string;
    if (flag !== undefined) {
      raw = coerce(o, flag);
      origin = `--${flagOf(o)}`;
    } else if (env !== undefined) {
      raw = coerce(o, env);
      origin = envOf(o);
    } else {
      raw = getPath(src.file, o.path);
      origin = src.fileName ?? 'config file';
    }
    const result = o.schema.safeParse(raw);
    if (result.success) {
      if (result.data !== undefined) setPath(out, o.path, result.data);
    } else {
      const why = result.error.issues.map((i) => i.message).join('; ');
      const shown = o.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(
        `${o.path}: ${why} (got ${shown} from ${origin}); allowed: ${describeAllowed(o)}`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: out as unknown as HubConfig };
}

/** Read and parse a YAML (or JSON) config file; a syntax error is a problem, not a crash. */
export function readConfigFile(
  path: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, problem: `${path}: cannot read config file: ${(e as Error).message}` };
  }
  try {
    return { ok: true, value: parseYaml(text) ?? {} };
  } catch (e) {
    return { ok: false, problem: `${path}: not valid YAML: ${(e as Error).message}` };
  }
}

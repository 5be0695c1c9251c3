import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A command line a command cannot run with. Commands print its message with
 * their usage text and exit 2; nothing was started.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A hex flag (key, AAD) of one of the allowed digit counts, as bytes. */
export function hexFlag(
  flag: string,
  text: string | undefined,
  lengths: number[],
): Buffer | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9A-Fa-f]*$/.test(text) || !lengths.includes(text.length))
    throw new UsageError(`--${flag} must be ${lengths.join(' or ')} hex digits`);
  return Buffer.from(text, 'hex');
}

/** node:util parseArgs, with its complaints (unknown flag, missing value) as UsageError. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

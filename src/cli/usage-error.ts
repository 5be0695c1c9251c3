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

/** Where a command writes. */
export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/**
 * Parse a command's arguments, or answer for it: a usage error prints the
 * message and the usage text (exit 2), `--help` prints the usage (exit 0).
 * `isUsage` may widen what counts as a usage error.
 */
export function argsOrExit<T extends { help: boolean }>(
  command: string,
  usage: string,
  io: CommandIo,
  parse: () => T,
  isUsage: (err: unknown) => err is Error = (err): err is Error => err instanceof UsageError,
): T | { exit: number } {
  let args: T;
  try {
    args = parse();
  } catch (err) {
    if (!isUsage(err)) throw err;
    io.stderr.write(`wattbridge ${command}: ${err.message}\n\n${usage}`);
    return { exit: 2 };
  }
  if (args.help) {
    io.stdout.write(usage);
    return { exit: 0 };
  }
  return args;
}

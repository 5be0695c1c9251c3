import { UsageError } from '../cli/usage-error.js';

/** How late a `reply-late` device answers. */
export const REPLY_LATE_MS = 3000;
/** Seconds before a strike (`die`, `counter-reset`) when no `:S` is given. */
const STRIKE_DEFAULT_S = 60;
/** A week; also well inside setTimeout's 2^31-1 ms. */
const STRIKE_MAX_S = 604_800;

/** The steady faults every plug simulator knows, as fault settings. */
export const COMMON_STEADY_FAULTS = {
  duplicate: { duplicate: true },
  'reply-late': { replyDelayMs: REPLY_LATE_MS },
  'never-reply': { neverReply: true },
} as const;

/**
 * `--fault NAME` and `--fault NAME[:SECONDS]` of a simulator: steady faults
 * (on from the start, no value) become settings; strikes (once, SECONDS
 * after the devices are up) become delays. Each is checked and named.
 */
export function parseFaults<F extends object, S extends string>(
  texts: readonly string[],
  steady: Readonly<Record<string, Partial<F>>>,
  strikeNames: readonly S[],
): { faults: F; strikes: Partial<Record<S, number>> } {
  const faults = {} as F;
  const strikes: Partial<Record<S, number>> = {};
  for (const text of texts) {
    const colon = text.indexOf(':');
    const name = colon < 0 ? text : text.slice(0, colon);
    const value = colon < 0 ? undefined : text.slice(colon + 1);
    if (Object.hasOwn(steady, name)) {
      if (value !== undefined)
        throw new UsageError(`--fault ${name} takes no value, got "${text}"`);
      Object.assign(faults, steady[name]);
    } else if ((strikeNames as readonly string[]).includes(name)) {
      const strike = name as S;
      if (strikes[strike] !== undefined) throw new UsageError(`--fault ${name} given twice`);
      strikes[strike] = strikeSeconds(name, value, text);
    } else {
      const known = [...Object.keys(steady), ...strikeNames.map((n) => `${n}[:SECONDS]`)];
      throw new UsageError(`unknown --fault "${text}" (one of ${known.join(', ')})`);
    }
  }
  return { faults, strikes };
}

/** `SECONDS` of `die:SECONDS`; absent means the default. */
function strikeSeconds(name: string, value: string | undefined, text: string): number {
  if (value === undefined) return STRIKE_DEFAULT_S;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > STRIKE_MAX_S)
    throw new UsageError(
      `--fault ${name}:SECONDS must be a whole number of seconds 1..${STRIKE_MAX_S}, got "${text}"`,
    );
  return n;
}

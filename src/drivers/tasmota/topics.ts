/**
 * Tasmota topic layouts (FullTopic). The default layout is
 * `%prefix%/%topic%/<SUBTOPIC>`; a device may be configured with any other
 * FullTopic, which it announces in its discovery config (`ft`, `tp`).
 */

/** The three Tasmota prefixes: commands, status replies, telemetry. */
export interface Prefixes {
  readonly cmnd: string;
  readonly stat: string;
  readonly tele: string;
}

export const DEFAULT_PREFIXES: Prefixes = Object.freeze({
  cmnd: 'cmnd',
  stat: 'stat',
  tele: 'tele',
});

export const DEFAULT_FULLTOPIC = '%prefix%/%topic%/';

/** Where Tasmota's native discovery (SetOption19 0) publishes, retained. */
export const DISCOVERY_PREFIX = 'tasmota/discovery/';

/** Values substituted into a FullTopic. */
export interface TopicTokens {
  /** Tasmota `Topic`: our nativeId. */
  readonly topic: string;
  readonly hostname?: string;
  /** The MAC as `%id%` expands on the device: 12 upper-case hex digits. */
  readonly id?: string;
}

/**
 * The topic "base" (everything before the subtopic, ending in `/`) for one
 * prefix, built the way the firmware builds it (`GetTopic_P`): for commands a
 * FullTopic without `%prefix%` gets `/%prefix%` appended; tokens are
 * substituted; `#` is removed; `//` becomes `/`; a trailing `/` is forced.
 *
 * Returns undefined when the FullTopic needs a token we do not know
 * (`%hostname%` or `%id%` without a value).
 */
export function topicBase(
  fullTopic: string,
  prefix: string,
  isCommand: boolean,
  tokens: TopicTokens,
): string | undefined {
  let ft = fullTopic;
  if (isCommand && !ft.includes('%prefix%')) ft += '/%prefix%';
  if (ft.includes('%hostname%')) {
    if (tokens.hostname === undefined) return undefined;
    ft = ft.replaceAll('%hostname%', tokens.hostname);
  }
  if (ft.includes('%id%')) {
    if (tokens.id === undefined) return undefined;
    ft = ft.replaceAll('%id%', tokens.id);
  }
  ft = ft.replaceAll('%prefix%', prefix).replaceAll('%topic%', tokens.topic);
  ft = ft.replaceAll('#', '').replaceAll('//', '/');
  if (!ft.endsWith('/')) ft += '/';
  return ft;
}

/** True if `s` can be used inside a topic we publish or subscribe to. */
export function isPlainTopicText(s: string): boolean {
  return s.length > 0 && !s.includes('+') && !s.includes('#') && !s.includes('\u0000');
}

/** `word` sits at `start` of `s` and runs to its end: the subtopic is exactly `word`. */
export function isSub(s: string, start: number, word: string): boolean {
  return s.length - start === word.length && s.startsWith(word, start);
}

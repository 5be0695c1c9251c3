import { z } from 'zod';

export const LIVE_KINDS = [
  'device',
  'state',
  'availability',
  'countdown',
  'reading',
  'renamed',
  'removed',
  'hub',
  'meter',
] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

const list = <T extends z.ZodType>(item: T) => z.array(item).max(10_000).optional();

/** What a client wants; an absent field means everything. Sent as `{"type":"filter", ...}`. */
export const LiveFilterMessage = z.strictObject({
  type: z.literal('filter'),
  ids: list(z.string()).describe('Only these devices'),
  protocols: list(z.string()).describe('Only devices of these protocols'),
  kinds: list(z.enum(LIVE_KINDS)).describe('Only these message types'),
  metrics: list(z.string()).describe('Only readings of these metrics'),
});

/** The same filter from the socket URL: comma lists (`?ids=a,b&kinds=state,reading`). */
export const LiveQuery = z.strictObject({
  token: z.string().optional().describe('The API token, when the hub has one'),
  ids: z.string().optional(),
  protocols: z.string().optional(),
  kinds: z.string().optional(),
  metrics: z.string().optional(),
});

export interface LiveFilter {
  ids?: ReadonlySet<string>;
  protocols?: ReadonlySet<string>;
  kinds?: ReadonlySet<LiveKind>;
  metrics?: ReadonlySet<string>;
}

const setOf = <T>(v: readonly T[] | undefined) => (v === undefined ? undefined : new Set(v));

export function filterFrom(m: {
  ids?: string[];
  protocols?: string[];
  kinds?: LiveKind[];
  metrics?: string[];
}): LiveFilter {
  return {
    ids: setOf(m.ids),
    protocols: setOf(m.protocols),
    kinds: setOf(m.kinds),
    metrics: setOf(m.metrics),
  };
}

/** The URL form; an unknown kind is a problem to report, not silently nothing. */
export function filterFromQuery(
  q: z.output<typeof LiveQuery>,
): { ok: true; filter: LiveFilter } | { ok: false; error: string } {
  const split = (s: string | undefined) =>
    s === undefined
      ? undefined
      : s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
  const kinds = split(q.kinds);
  const unknown = kinds?.filter((k) => !(LIVE_KINDS as readonly string[]).includes(k)) ?? [];
  if (unknown.length > 0)
    return {
      ok: false,
      error: `Unknown kinds ${unknown.join(', ')}; known: ${LIVE_KINDS.join(', ')}`,
    };
  return {
    ok: true,
    filter: filterFrom({
      ids: split(q.ids),
      protocols: split(q.protocols),
      kinds: kinds as LiveKind[] | undefined,
      metrics: split(q.metrics),
    }),
  };
}

/** Whether a message about a device (id, protocol) of this kind passes. */
export function passes(
  f: LiveFilter,
  kind: LiveKind,
  device?: { id: string; protocol?: string },
  metric?: string,
): boolean {
  if (f.kinds && !f.kinds.has(kind)) return false;
  if (device) {
    if (f.ids && !f.ids.has(device.id)) return false;
    if (f.protocols && (device.protocol === undefined || !f.protocols.has(device.protocol)))
      return false;
  }
  if (metric !== undefined && f.metrics && !f.metrics.has(metric)) return false;
  return true;
}

export function describeFilter(f: LiveFilter): Record<string, string[] | null> {
  const show = (s: ReadonlySet<string> | undefined) => (s ? [...s] : null);
  return {
    ids: show(f.ids),
    protocols: show(f.protocols),
    kinds: show(f.kinds),
    metrics: show(f.metrics),
  };
}

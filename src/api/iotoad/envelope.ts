/**
 * The IoToad payload envelope: `{"data": …, "response-id"|"response_topic":
 * "<reply topic>", "subtopics": [...]}`. The real modules use `response-id`
 * (its value is the whole reply topic); the documentation says
 * `response_topic`. Both are read, `response-id` first.
 */
export interface Envelope {
  data: unknown;
  replyTopic?: string;
  subtopics?: string[];
}

type EnvelopeResult =
  { ok: true; envelope: Envelope } | { ok: false; error: string; replyTopic?: string };

/** What a reply topic may not contain: publishing to a wildcard is an error on every broker. */
const BAD_TOPIC = /[#+]/;

export function parseEnvelope(payload: Buffer | string): EnvelopeResult {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `The payload is not JSON: ${(err as Error).message}` };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, error: 'The payload must be a JSON object with "data"' };
  const o = body as Record<string, unknown>;
  const rawReply = o['response-id'] ?? o['response_topic'];
  let replyTopic: string | undefined;
  if (rawReply !== undefined && rawReply !== null && rawReply !== '') {
    if (typeof rawReply !== 'string' || BAD_TOPIC.test(rawReply))
      return {
        ok: false,
        error: `response-id must be a topic without wildcards, got ${JSON.stringify(rawReply)}`,
      };
    replyTopic = rawReply;
  }
  const fail = (error: string): EnvelopeResult => ({ ok: false, error, replyTopic });
  let subtopics: string[] | undefined;
  if (o.subtopics !== undefined) {
    if (!Array.isArray(o.subtopics) || o.subtopics.some((s) => typeof s !== 'string'))
      return fail('subtopics must be an array of strings');
    subtopics = o.subtopics as string[];
  }
  const data = dataOf(o.data);
  if ('error' in data) return fail(data.error);
  return { ok: true, envelope: { data: data.value, replyTopic, subtopics } };
}

/**
 * A request's `data` as a value: IoToad's own clients send it as a JSON
 * string ("{\"status\": 1}"), its documentation as an object. Both transports
 * read it here.
 */
export function dataOf(raw: unknown): { value: unknown } | { error: string } {
  if (typeof raw !== 'string') return { value: raw };
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch (err) {
    return { error: `data is a string but not JSON: ${(err as Error).message}` };
  }
}

/**
 * The targets a command names: the topic remainder, or it with each of the
 * payload's subtopics appended (IoToad concatenates them; a `/` is put
 * between when neither side has one).
 */
export function commandTargets(remainder: string, subtopics: string[] | undefined): string[] {
  if (!subtopics) return [remainder];
  return subtopics.map((s) =>
    remainder === '' || remainder.endsWith('/') || s.startsWith('/') || s === ''
      ? remainder + s
      : `${remainder}/${s}`,
  );
}

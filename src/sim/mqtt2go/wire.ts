/**
 * The simulated socket's side of the wire, per version (research §2.2–2.3):
 * 2.1 speaks on `<home>/<gw>/<dev>/<entity>/in|out` with `type` and the
 * entity in the topic; 1.2 on `<home>/<gw>/<group>/socket/<dev>` with
 * `type:"command"|"report"`, `command_type`, `report_type` and `report_name`.
 * Pure: topics and payloads in, topics and payloads out.
 */

export type SimVersion = '2.1' | '1.2';

export interface SocketAddress {
  readonly home: string;
  readonly gateway: string;
  /** 1.x only. */
  readonly group: string;
  readonly devId: string;
}

/** What a controller asked. */
export type Request =
  | { kind: 'set'; value: unknown }
  | { kind: 'timer'; value: unknown }
  | { kind: 'query'; what: string }
  | { kind: 'about' }
  | { kind: 'remove'; value: unknown }
  | { kind: 'invalid'; entity: string; reason: string };

/** A report the socket publishes: about what, of which report type, with what. */
export interface Report {
  readonly subject: string;
  readonly reportType: 'periodic_report' | 'command_response' | 'status' | 'error';
  /** Unix seconds as the socket's clock says. */
  readonly timestamp: number;
  readonly body: unknown;
}

/** Entities a 2.1 socket takes commands on (`+/in` would also do, but says less). */
const IN_ENTITIES = [
  'switch',
  'timer',
  'about',
  'remove',
  'state',
  'consumption',
  'current',
  'voltage',
  'power',
];

export class Wire {
  constructor(
    readonly version: SimVersion,
    readonly address: SocketAddress,
  ) {}

  private get v2Base(): string {
    const a = this.address;
    return `${a.home}/${a.gateway}/${a.devId}`;
  }

  /** The 1.x topic, commands and reports alike. */
  private get v1Topic(): string {
    const a = this.address;
    return `${a.home}/${a.gateway}/${a.group}/socket/${a.devId}`;
  }

  subscriptions(): string[] {
    return this.version === '2.1'
      ? IN_ENTITIES.map((e) => `${this.v2Base}/${e}/in`)
      : [this.v1Topic];
  }

  /** Entities the socket reports, for the about answer. */
  topics(): string[] {
    return this.version === '2.1'
      ? ['switch', 'state', 'consumption', 'current', 'voltage', 'power', 'timer'].map(
          (e) => `${this.v2Base}/${e}`,
        )
      : [this.v1Topic];
  }

  /** A message on a subscribed topic; undefined for what is not a command (1.x: our own reports). */
  parse(topic: string, payload: Buffer): Request | undefined {
    const entity = this.version === '2.1' ? (topic.split('/')[3] ?? '') : 'command';
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return { kind: 'invalid', entity, reason: 'payload is not JSON' };
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json))
      return { kind: 'invalid', entity, reason: 'payload is not a JSON object' };
    const o = json as Record<string, unknown>;
    return this.version === '2.1' ? requestV2(entity, o) : requestV1(o);
  }

  /** Where a report goes and what it says. */
  encode(r: Report): { topic: string; payload: string } {
    if (this.version === '2.1') {
      const body: Record<string, unknown> = {
        priority_level: 2,
        type: r.reportType,
        timestamp: r.timestamp,
      };
      // Measurements as the socket example and firmware (`report`); answers
      // as the firmware's command echo and the about example (`value`).
      if (r.reportType === 'periodic_report' || r.subject === 'state') body.report = r.body;
      else body.value = r.body;
      return { topic: `${this.v2Base}/${r.subject}/out`, payload: JSON.stringify(body) };
    }
    return {
      topic: this.v1Topic,
      payload: JSON.stringify({
        type: 'report',
        priority_level: 2,
        report_type: r.reportType,
        timestamp: r.timestamp,
        report_name: r.subject,
        report: r.body,
      }),
    };
  }
}

function requestV2(entity: string, o: Record<string, unknown>): Request {
  if (entity === 'switch') return { kind: 'set', value: o.value };
  if (entity === 'timer') return { kind: 'timer', value: o.value };
  if (entity === 'about') return { kind: 'about' };
  if (entity === 'remove') return { kind: 'remove', value: o.value };
  return { kind: 'query', what: entity };
}

function requestV1(o: Record<string, unknown>): Request | undefined {
  const ct = o.command_type;
  if (o.type !== 'command' || typeof ct !== 'string') return undefined;
  switch (ct) {
    case 'set':
      return { kind: 'set', value: o.value };
    case 'set_timer':
      return { kind: 'timer', value: o.value };
    case 'query':
      return { kind: 'query', what: typeof o.value === 'string' ? o.value : 'all' };
    // 1.x has no about/remove; the simulator takes them by analogy with 2.x.
    case 'about':
      return { kind: 'about' };
    case 'remove':
      return { kind: 'remove', value: o.value ?? true };
    default:
      return {
        kind: 'invalid',
        entity: 'command',
        reason: `unknown command_type ${JSON.stringify(ct)}`,
      };
  }
}

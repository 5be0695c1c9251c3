import type { Logger } from 'pino';
import type { Hub } from '../../hub/hub.js';
import type { Bus } from '../../mqtt/bus.js';
import type { Store } from '../../store/store.js';
import { commandTargets, parseEnvelope } from './envelope.js';
import { InfluxQuery } from './influx-query.js';
import { SpCommand, type Grid, type IotoadReply } from './sp-command.js';

const COMMAND = 'command/sp_command';
const QUERY = 'query/influx_query';

export interface IotoadCounters {
  commands: number;
  queries: number;
  /** Requests answered with an error (bad input, unknown target, failed device). */
  errors: number;
  /** Requests that could not be answered: no reply topic, or not even JSON. */
  unanswerable: number;
}

/**
 * The IoToad MQTT API: `command/sp_command/<target>` and
 * `query/influx_query/<db>/<measurement>`, each answered on the request's
 * reply topic (`response-id`, or `response_topic`). The REST façade calls the
 * same two methods, so both transports give the same answers.
 */
export class IotoadService {
  readonly counters: IotoadCounters = { commands: 0, queries: 0, errors: 0, unanswerable: 0 };
  readonly spCommand: SpCommand;
  readonly influxQuery: InfluxQuery;

  constructor(
    private readonly bus: Bus,
    hub: Hub,
    store: Store,
    grid: Grid,
    private readonly log: Logger,
  ) {
    this.spCommand = new SpCommand(hub, grid);
    this.influxQuery = new InfluxQuery(hub, store);
  }

  async start(): Promise<void> {
    this.bus.onMessage((topic, payload, retained) => {
      if (!topic.startsWith('command/') && !topic.startsWith('query/')) return;
      if (retained) {
        // A retained command would switch plugs again at every reconnect.
        this.log.warn({ topic }, 'ignored a retained IoToad request');
        return;
      }
      void this.handle(topic, payload);
    });
    await this.bus.subscribe([COMMAND, `${COMMAND}/#`, QUERY, `${QUERY}/#`]);
  }

  /** `command/sp_command/<target>` without the `command/sp_command` prefix. */
  async command(remainder: string, data: unknown, subtopics?: string[]): Promise<IotoadReply> {
    this.counters.commands++;
    return this.spCommand.run(commandTargets(remainder, subtopics), data);
  }

  /** `query/influx_query/<db>/<measurement>` without the `query/influx_query` prefix. */
  query(remainder: string, data: unknown): unknown {
    this.counters.queries++;
    const levels = remainder.split('/').filter((l) => l !== '');
    if (levels.length < 2)
      return {
        error: `Error parsing query: the topic must be ${QUERY}/<db>/<measurement>, got ${QUERY}/${remainder}.`,
      };
    return this.influxQuery.run(levels[levels.length - 1]!, data);
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    const isCommand = topic === COMMAND || topic.startsWith(`${COMMAND}/`);
    const isQuery = topic === QUERY || topic.startsWith(`${QUERY}/`);
    if (!isCommand && !isQuery) return;
    const env = parseEnvelope(payload);
    let reply: unknown;
    let replyTopic: string | undefined;
    if (!env.ok) {
      replyTopic = env.replyTopic;
      reply = { error: env.error };
    } else {
      replyTopic = env.envelope.replyTopic;
      const remainder = topic.slice((isCommand ? COMMAND : QUERY).length + 1);
      try {
        reply = isCommand
          ? await this.command(remainder, env.envelope.data, env.envelope.subtopics)
          : this.query(remainder, env.envelope.data);
      } catch (err) {
        reply = { error: `Request failed: ${(err as Error).message}` };
      }
    }
    if (isError(reply)) this.counters.errors++;
    if (replyTopic === undefined) {
      // No reply topic, no reply: the command still ran; a failure is only logged.
      this.counters.unanswerable++;
      if (isError(reply))
        this.log.info(
          { topic, error: (reply as { error: unknown }).error },
          'IoToad request failed (no reply topic)',
        );
      return;
    }
    try {
      await this.bus.publish(replyTopic, JSON.stringify(reply));
    } catch (err) {
      this.log.warn(
        { topic: replyTopic, err: (err as Error).message },
        'could not publish an IoToad reply',
      );
    }
  }
}

/** A reply that reports a failure: a truthy `error` that is not an empty group error map. */
export function isError(r: unknown): boolean {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return false;
  const e = (r as { error?: unknown }).error;
  if (!e) return false;
  return typeof e !== 'object' || Object.keys(e).length > 0;
}

import { randomUUID } from 'node:crypto';
import type { Bus } from '../../mqtt/bus.js';

/**
 * Requests to IoToad modules the hub does not serve itself (a ranking hook, a
 * custom agent): published over MQTT with a reply topic under
 * `responses/api/<server id>/`, as IoToad's api module does, and answered
 * when the module replies or with undefined after the timeout.
 */
export class RemoteModules {
  private readonly prefix = `responses/api/${randomUUID().replace(/-/g, '')}/`;
  private readonly waiting = new Map<string, (payload: Buffer) => void>();

  constructor(
    private readonly bus: Bus,
    private readonly timeoutMs: number,
  ) {}

  async start(): Promise<void> {
    this.bus.onMessage((topic, payload) => {
      if (!topic.startsWith(this.prefix)) return;
      this.waiting.get(topic.slice(this.prefix.length).replace(/\//g, ''))?.(payload);
    });
    await this.bus.subscribe([`${this.prefix}#`]);
  }

  /** Publish `{"data": data, "response-id": …}` on `topic`; the parsed reply, or undefined on timeout. */
  async request(topic: string, data: unknown): Promise<unknown> {
    const id = randomUUID().replace(/-/g, '');
    const replyTopic = this.prefix + id;
    const answer = new Promise<unknown>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, this.timeoutMs);
      this.waiting.set(id, (payload) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        try {
          resolve(JSON.parse(payload.toString('utf8')) as unknown);
        } catch {
          resolve({ error: `The module answered with something that is not JSON` });
        }
      });
    });
    await this.bus.publish(topic, JSON.stringify({ data, 'response-id': replyTopic }));
    return answer;
  }
}

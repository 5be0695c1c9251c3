import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

/** A real mqtt.js client that records everything it sees. */
export class Observer {
  readonly messages: Seen[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
      for (const wake of this.waiters) wake();
    });
  }

  static async connect(url: string, filters: string[] = ['#']): Promise<Observer> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const observer = new Observer(client);
    await client.subscribeAsync(filters, { qos: 1 });
    return observer;
  }

  /** Index to pass as `from` so only later messages count. */
  mark(): number {
    return this.messages.length;
  }

  /** Messages on `topic` (from `from` on). */
  on(topic: string, from = 0): Seen[] {
    return this.messages.slice(from).filter((m) => m.topic === topic);
  }

  /** Resolves with the first message (from `from` on) matching `pred`. */
  async waitFor(pred: (m: Seen) => boolean, from = 0, timeoutMs = 3000): Promise<Seen> {
    const [first] = await this.waitForCount(pred, 1, from, timeoutMs);
    return first as Seen;
  }

  /** Resolves once `count` messages (from `from` on) match `pred`. */
  waitForCount(
    pred: (m: Seen) => boolean,
    count: number,
    from = 0,
    timeoutMs = 3000,
  ): Promise<Seen[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hits = this.messages.slice(from).filter(pred);
        if (hits.length < count) return false;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(hits.slice(0, count));
        return true;
      };
      const wake = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.messages.slice(from).map((m) => `${m.topic} ${m.payload}`);
        reject(new Error(`timed out waiting for ${count} message(s); saw:\n${seen.join('\n')}`));
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

/** Wait for a message on `topic` and parse its JSON. */
export async function jsonOn(
  obs: Observer,
  topic: string,
  from: number,
): Promise<Record<string, unknown>> {
  const m = await obs.waitFor((x) => x.topic === topic, from);
  return JSON.parse(m.payload) as Record<string, unknown>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

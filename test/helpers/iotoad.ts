import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';

/**
 * One IoToad request as a client sends it: `{"response-id", "data"}` on
 * `topic`, answered on its own reply topic. Resolves with the parsed reply.
 */
export async function iotoadRequest(
  mqttUrl: string,
  topic: string,
  data: unknown,
): Promise<unknown> {
  const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0 });
  try {
    const replyTopic = `responses/test/${randomUUID()}`;
    const reply = new Promise<string>((resolve) =>
      client.on('message', (t, p) => t === replyTopic && resolve(p.toString())),
    );
    await client.subscribeAsync(replyTopic);
    await client.publishAsync(topic, JSON.stringify({ 'response-id': replyTopic, data }));
    return JSON.parse(await reply) as unknown;
  } finally {
    await client.endAsync();
  }
}

import type { MqttClient } from 'mqtt';

/**
 * A simulated device's first connection: resolves once the broker accepted
 * it and `onConnect` (subscribe, first reports) succeeded; after `timeoutMs`
 * the client is ended and the error names the broker and the last problem.
 * The error listener stays: mqtt.js keeps reconnecting and reporting.
 */
export function firstConnect(
  client: MqttClient,
  url: string,
  timeoutMs: number,
  onConnect: () => Promise<void>,
): Promise<void> {
  let lastError: Error | undefined;
  client.on('error', (err) => (lastError = err));
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeAllListeners('connect');
      client.end(true);
      const why = lastError ? `: ${lastError.message}` : '';
      reject(new Error(`could not connect to MQTT broker ${url} within ${timeoutMs} ms${why}`));
    }, timeoutMs);
    client.on('connect', () => {
      onConnect().then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => (lastError = err instanceof Error ? err : new Error(String(err))),
      );
    });
  });
}

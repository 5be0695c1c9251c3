/**
 * A problem that stops the hub from starting, with the words a person needs
 * to fix it. The CLI prints `message` and exits 1; no stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export function portInUseMessage(what: 'mqtt' | 'http', host: string, port: number): string {
  if (what === 'mqtt') {
    return [
      `Cannot start the embedded MQTT broker: port ${port} on ${host} is already in use`,
      `(another MQTT broker, such as Mosquitto, is probably listening there).`,
      `Either use the broker that is already there:`,
      `    wattbridge start --mqtt-url mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      `or run the embedded broker on another port:`,
      `    wattbridge start --mqtt-port ${port + 1}`,
      `(the same settings exist as WATTBRIDGE_MQTT_URL / WATTBRIDGE_MQTT_PORT and in the config file).`,
    ].join('\n');
  }
  return [
    `Cannot start the HTTP API: port ${port} on ${host} is already in use.`,
    `Choose another port:`,
    `    wattbridge start --http-port ${port + 1}`,
  ].join('\n');
}

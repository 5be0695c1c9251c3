import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_MOKO_USAGE, simMokoCommand } from '../../../src/sim/moko/cli.js';
import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import { eventually } from '../../helpers/hub.js';
import { Observer } from '../tasmota/observer.js';
import { capture } from '../../helpers/capture-io.js';

describe('wattbridge sim moko', () => {
  let broker: TestBroker;
  let obs: Observer;
  beforeEach(async () => {
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url, ['+/+/+/+/device/+']);
  });
  afterEach(async () => {
    await obs.close();
    await broker.close();
  });

  it('runs N provisioned plugs with their broker credentials until stopped', async () => {
    const users: string[] = [];
    broker.broker.authenticate = (client, username, _password, done) => {
      users.push(`${client.id} ${username ?? ''}`);
      done(null, true);
    };
    const io = capture();
    const stop = new AbortController();
    const url = broker.url.replace('mqtt://', 'mqtt://hub:secret@');
    const run = simMokoCommand(['--count', '2', '--mqtt-url', url, '--qos', '0'], io, {
      signal: stop.signal,
    });
    await eventually(() => io.stdout.text.split('\n').length === 3, 5000, 'two plugs listed');
    const lines = io.stdout.text.trim().split('\n');
    const ids = lines.map((l) => l.split(' ')[0]);
    expect(new Set(ids).size).toBe(2);
    expect(lines[0]).toMatch(
      /^[0-9a-f]{12} iot_plug\/plug_one\/us\/([0-9a-f]{2}:){5}[0-9a-f]{2}\/$/,
    );
    expect(users.sort()).toEqual(ids.map((id) => `${id} hub`).sort());
    await obs.waitForCount((m) => m.topic.endsWith('/device/electricity_information'), 2);
    stop.abort();
    expect(await run).toBe(0);
  });

  it('refuses what a Moko plug cannot do, with the usage', async () => {
    for (const [args, why] of [
      [['--mqtt-url', 'ws://127.0.0.1:1'], /mqtt:\/\/ or mqtts:\/\//],
      [['--keepalive', '30'], /--keepalive must be a whole number from 60 to 120/],
      [['--qos', '3'], /--qos must be/],
      [['--fault', 'melt'], /unknown --fault "melt"/],
      [['--ap-port', '8266', '--ap-fault', 'close:5000'], /--ap-fault close:HEADER must be/],
    ] as const) {
      const io = capture();
      expect(await simMokoCommand([...args], io)).toBe(2);
      expect(io.stderr.text).toMatch(why);
      expect(io.stderr.text).toContain(SIM_MOKO_USAGE);
    }
  });

  it('says so when the broker cannot be reached', async () => {
    const io = capture();
    const code = await simMokoCommand(['--mqtt-url', 'mqtt://127.0.0.1:1'], io, {
      connectTimeoutMs: 300,
    });
    expect(code).toBe(1);
    expect(io.stderr.text).toMatch(/cannot reach MQTT broker mqtt:\/\/127.0.0.1:1/);
  });
});

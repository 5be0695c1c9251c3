import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { provisionMokoCommand } from '../../src/provision/moko/cli.js';
import { MokoApPlug, type ApFaults } from '../../src/sim/moko/ap.js';
import { fleetIdentity } from '../../src/sim/moko/identity.js';
import type { MokoPlug } from '../../src/sim/moko/plug.js';
import { eventually, startTestHub } from '../helpers/hub.js';
import { capture } from '../helpers/capture-io.js';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function apPlug(faults: ApFaults = {}): Promise<{ ap: MokoApPlug; port: number }> {
  const ap = new MokoApPlug({
    identity: fleetIdentity('e2e', 0),
    port: 0,
    faults,
    joinDelayMs: 20,
  });
  cleanup.push(() => ap.stop());
  return { ap, port: await ap.start() };
}

function provision(plugPort: number, mqttUrl: string, ...extra: string[]) {
  const io = capture();
  const args = [
    '--plug',
    `127.0.0.1:${plugPort}`,
    '--mqtt-url',
    mqttUrl,
    '--keepalive',
    '90',
    '--qos',
    '1',
    '--clean-session',
    '--wifi-ssid',
    'Home Net',
    '--wifi-password',
    'secret123',
    '--wifi-security',
    '3',
    '--timeout',
    '1',
    ...extra,
  ];
  return { io, done: provisionMokoCommand(args, io) };
}

describe('provision moko end to end', () => {
  it('provisions a plug in AP mode, which then joins the hub with what it was given', async () => {
    const hub = await startTestHub();
    cleanup.push(() => hub.stop());
    const { ap, port } = await apPlug();
    const provisioned = once(ap, 'provisioned') as Promise<[MokoPlug]>;
    const brokerUrl = hub.app.mqttUrl.replace('mqtt://', 'mqtt://plug-user:plug%20pass@');
    const { io, done } = provision(port, brokerUrl, '--json');
    expect(await done).toBe(0);
    const report = JSON.parse(io.stdout.text) as Record<string, unknown>;
    const mac = fleetIdentity('e2e', 0).device_mac;
    const id = mac.replace(/:/g, '');
    expect(report).toEqual({
      ok: true,
      plug: fleetIdentity('e2e', 0),
      deviceId: id,
      topic: `iot_plug/plug_one/us/${mac}/`,
      broker: { host: '127.0.0.1', port: hub.app.broker?.port, tls: false, username: 'plug-user' },
      steps: [
        { header: 4001, code: 0, message: 'success' },
        { header: 4002, code: 0, message: 'success' },
        { header: 4003, code: 0, message: 'success' },
      ],
    });
    // The plug connects where and how it was told...
    const [plug] = await provisioned;
    cleanup.push(() => plug.stop());
    expect(ap.broker).toMatchObject({
      host: '127.0.0.1',
      username: 'plug-user',
      password: 'plug pass',
      keepalive: 90,
      qos: 1,
      cleanSession: true,
    });
    // ...and the hub knows it.
    const dev = await eventually(() => {
      const d = hub.app.hub.device(id);
      return d?.availability === 'online' && d.relays.length > 0 ? d : undefined;
    });
    expect(dev).toMatchObject({
      protocol: 'moko',
      nativeId: id,
      info: { mac, module: 'plug_one' },
    });
    // The hub asked for firmware information when the plug came online.
    await eventually(() => hub.app.hub.device(id)?.info.firmware === '000001', 3000, 'firmware');
    await eventually(
      () => hub.app.hub.device(id)?.readings.voltage?.value === 230,
      3000,
      'voltage',
    );
  });

  it('prints what the plug is and each step in words', async () => {
    const { port } = await apPlug({ trailingNul: true, splitAnswers: true });
    const { io, done } = provision(port, 'mqtts://u:p@broker.example.com');
    expect(await done).toBe(0);
    const mac = fleetIdentity('e2e', 0).device_mac;
    expect(io.stdout.text).toBe(
      `Plug at 127.0.0.1:${port}: iot_plug plug_one (us), MAC ${mac}, with power metering\n` +
        '4002 MQTT settings: accepted (mqtts://u@broker.example.com:8883, keepalive 90 s, QoS 1, clean session)\n' +
        '4003 Wi-Fi settings: accepted ("Home Net", WPA2_PSK)\n' +
        'The plug now leaves AP mode, joins "Home Net" and connects to broker.example.com:8883.\n' +
        `It publishes under iot_plug/plug_one/us/${mac}/device/; wattbridge lists it as device ${mac.replace(/:/g, '')}.\n`,
    );
  });

  it.each([
    [
      { closeOn: 4002 },
      'closed',
      /closed the connection after the MQTT settings \(4002\) without answering/,
    ],
    [
      { garbageOn: 4003 },
      'not-json',
      /answered the Wi-Fi settings \(4003\) with something that is not JSON: "ERROR: busy"/,
    ],
    [
      { silentOn: 4001 },
      'timeout',
      /no answer from the plug to the device information request \(4001\) within 1 s/,
    ],
  ] as const)('a plug that misbehaves (%o) gets its own message', async (faults, kind, why) => {
    const { port } = await apPlug(faults);
    const { io, done } = provision(port, 'mqtt://u:p@h', '--json');
    expect(await done).toBe(1);
    expect(io.stderr.text).toMatch(why);
    const report = JSON.parse(io.stdout.text) as { ok: boolean; error: { kind: string } };
    expect(report.ok).toBe(false);
    expect(report.error.kind).toBe(kind);
  });

  it('an unreachable plug says where it looked and what to check', async () => {
    const gone = createServer();
    gone.listen(0, '127.0.0.1');
    await once(gone, 'listening');
    const port = (gone.address() as AddressInfo).port;
    await new Promise((r) => gone.close(r));
    const { io, done } = provision(port, 'mqtt://u:p@h');
    expect(await done).toBe(1);
    expect(io.stderr.text).toMatch(
      new RegExp(
        `cannot reach the plug at 127.0.0.1:${port} \\(ECONNREFUSED\\): is this computer on the plug's own Wi-Fi`,
      ),
    );
  });

  it('a bad value is named and nothing is sent', async () => {
    let connections = 0;
    const { ap, port } = await apPlug();
    ap.on('request', () => connections++);
    const { io, done } = provision(port, 'mqtt://u:p@h', '--keepalive', '300');
    expect(await done).toBe(2);
    expect(io.stderr.text).toMatch(
      /--keepalive \(seconds\) must be a whole number from 60 to 120, got 300; nothing was sent/,
    );
    expect(connections).toBe(0);
  });
});

/** A plug that refuses the MQTT settings with a given code: every code's meaning is shown. */
describe('provision moko: the plug refuses', () => {
  let server: Server;
  afterEach(() => new Promise((r) => server.close(r)));

  it.each([
    [1, 'the length does not meet the requirements'],
    [2, 'the data type does not meet the requirements'],
    [3, 'MQTT and Wi-Fi settings were sent in the wrong order (MQTT must come first)'],
    [4, 'the data received is not JSON'],
    [5, 'the JSON received is not defined by the protocol'],
    [6, 'the data type is right, but the value is out of range'],
    [9, 'an error code the protocol does not define'],
  ])('code %i', async (code, meaning) => {
    server = createServer((socket) => {
      socket.on('data', (d: Buffer) => {
        const header = (JSON.parse(d.toString()) as { header: number }).header;
        const identity = header === 4001 ? fleetIdentity('refuse', 0) : {};
        socket.write(
          JSON.stringify({
            code: header === 4002 ? code : 0,
            message: header === 4002 ? 'error' : 'success',
            result: { header, ...identity },
          }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { io, done } = provision(
      (server.address() as AddressInfo).port,
      'mqtt://u:p@h',
      '--json',
    );
    expect(await done).toBe(1);
    expect(io.stderr.text).toContain(
      `the plug refused the MQTT settings (4002): code ${code} (${meaning})`,
    );
    const report = JSON.parse(io.stdout.text) as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: false,
      plug: fleetIdentity('refuse', 0),
      steps: [{ header: 4001, code: 0 }],
      error: { kind: 'refused', step: 4002, code },
    });
  });
});

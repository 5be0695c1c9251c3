import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type RunningCli } from '../helpers/cli.js';
import { eventually } from '../helpers/hub.js';
import { tempDir } from '../helpers/tmp.js';

/** `wattbridge start` as a user runs it: a real process, real ports, real signals. */
describe('wattbridge start', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => cleanup.splice(0).forEach((f) => f()));

  function dataDir(): string {
    const d = tempDir('wattbridge-cli-');
    cleanup.push(() => d.remove());
    return d.path;
  }

  function start(args: string[]): RunningCli {
    const cli = runCli(['start', '--data-dir', dataDir(), ...args]);
    cleanup.push(() => cli.child.kill('SIGKILL'));
    return cli;
  }

  async function running(cli: RunningCli): Promise<{ http: string; mqtt: string }> {
    const line = await eventually(
      () => cli.logs().find((l) => l.msg === 'wattbridge is running; Ctrl-C stops it'),
      10_000,
      `the hub to start; stderr so far:\n${cli.stderr()}`,
    );
    return { http: line.http as string, mqtt: line.mqtt as string };
  }

  async function takenPort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanup.push(() => srv.close());
    return (srv.address() as { port: number }).port;
  }

  it('exits 1 naming the taken MQTT port and both ways out', async () => {
    const port = await takenPort();
    const cli = start(['--mqtt-port', String(port), '--http-port', '0']);
    expect((await cli.exited).code).toBe(1);
    const err = cli.stderr();
    expect(err).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(err).toContain(`--mqtt-url mqtt://127.0.0.1:${port}`);
    expect(err).toContain(`--mqtt-port ${port + 1}`);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('gives the advice in npm form when run by npm start', async () => {
    const port = await takenPort();
    const cli = runCli(
      ['start', '--data-dir', dataDir(), '--mqtt-port', String(port), '--http-port', '0'],
      {
        env: { npm_lifecycle_event: 'start' },
      },
    );
    cleanup.push(() => cli.child.kill('SIGKILL'));
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toContain(`npm start -- --mqtt-url mqtt://127.0.0.1:${port}`);
    expect(cli.stderr()).toContain(`npm start -- --mqtt-port ${port + 1}`);
  });

  it('exits 1 naming a taken HTTP port', async () => {
    const port = await takenPort();
    const cli = start(['--mqtt-port', '0', '--http-port', String(port)]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toContain(`--http-port ${port + 1}`);
  });

  it('exits 1 listing every configuration problem', async () => {
    const cli = start(['--mqtt-port', 'abc', '--log-level', 'loud']);
    expect((await cli.exited).code).toBe(1);
    const err = cli.stderr();
    expect(err).toMatch(/Invalid configuration:/);
    expect(err).toMatch(/mqtt\.port: .*"abc".*--mqtt-port.*allowed: an integer/);
    expect(err).toMatch(
      /logLevel: .*"loud".*allowed: one of fatal, error, warn, info, debug, trace, silent/,
    );
  });

  it('rejects an unknown flag with the usage', async () => {
    const cli = start(['--colour', 'blue']);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toMatch(/Unknown option '--colour'[\s\S]*Usage: wattbridge start/);
  });

  it('on SIGTERM flushes readings, publishes offline and exits 0 within 5 s', async () => {
    const dir = dataDir();
    const cli = runCli([
      'start',
      '--data-dir',
      dir,
      '--mqtt-port',
      '0',
      '--http-port',
      '0',
      '--store-flush-interval-ms',
      '60000',
    ]);
    cleanup.push(() => cli.child.kill('SIGKILL'));
    const { http, mqtt: url } = await running(cli);
    const client = await mqtt.connectAsync(url);
    const statuses: string[] = [];
    client.on('message', (_t, p) => statuses.push(p.toString()));
    await client.subscribeAsync('wattbridge/status');
    await eventually(() => statuses.includes('online'), 3000, 'retained online status');
    await client.publishAsync('tele/cli_plug/LWT', 'Online', { retain: true });
    await client.publishAsync(
      'tele/cli_plug/SENSOR',
      JSON.stringify({ Time: '2026-11-22T10:00:00', ENERGY: { Total: 12.345, Power: 42 } }),
    );
    // The hub has taken the message once the device shows it; the flush
    // interval is a minute, so only shutdown writes it to the file.
    await eventually(
      async () => {
        const res = await fetch(`${http}/api/devices/cli_plug`);
        if (res.status !== 200) return false;
        const body = (await res.json()) as { readings?: { energy_total?: unknown } };
        return body.readings?.energy_total !== undefined;
      },
      3000,
      'the reading taken by the hub',
    );
    const t0 = Date.now();
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(exit.code).toBe(0);
    await eventually(() => statuses.includes('offline'), 2000, 'offline status');
    await client.endAsync();
    const db = new Database(join(dir, 'wattbridge.sqlite'), { readonly: true });
    const row = db
      .prepare(
        `SELECT r.value FROM readings r JOIN series s ON s.id = r.series WHERE s.device_id = 'cli_plug' AND s.metric = 'energy_total'`,
      )
      .get() as { value: number } | undefined;
    db.close();
    expect(row?.value).toBeCloseTo(12345, 3);
  });

  it('answers a command still waiting at SIGTERM and exits 0 within 5 s', async () => {
    const cli = start(['--mqtt-port', '0', '--http-port', '0', '--command-timeout', '20000']);
    const { http, mqtt: url } = await running(cli);
    const device = await mqtt.connectAsync(url);
    cleanup.push(() => void device.endAsync(true));
    const commands: string[] = [];
    device.on('message', (topic) => commands.push(topic));
    await device.subscribeAsync('cmnd/mute/#');
    await device.publishAsync('tele/mute/LWT', 'Online');
    await eventually(
      async () => {
        const res = await fetch(`${http}/api/devices/mute`);
        return res.status === 200;
      },
      5000,
      'the device known',
    );
    // The device never answers: the command waits up to 20 s.
    const pending = fetch(`${http}/api/devices/mute/power`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'on' }),
    });
    // The command is out (the hub waits for the device) once the device sees
    // it; the hub's own status polls on discovery do not count.
    await eventually(
      () => commands.some((t) => /\/power\d*$/i.test(t)),
      3000,
      'the power command sent to the device',
    );
    const t0 = Date.now();
    cli.child.kill('SIGTERM');
    const res = await pending;
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'The hub is shutting down', code: 'shutting_down' });
    expect((await cli.exited).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('--demo runs three plugs that report power and can be switched', async () => {
    const cli = start(['--demo', '--mqtt-port', '0', '--http-port', '0']);
    const { http } = await running(cli);
    type Devices = {
      devices: { id: string; availability: string; readings: { power?: { value: number } } }[];
    };
    const devices = await eventually(
      async () => {
        const body = (await (await fetch(`${http}/api/devices`)).json()) as Devices;
        const ok = body.devices.filter(
          (d) => d.availability === 'online' && (d.readings.power?.value ?? 0) > 0,
        );
        return ok.length === 3 ? body.devices : undefined;
      },
      10_000,
      'three demo plugs drawing power',
    );
    expect(devices.map((d) => d.id)).toEqual(['demo_1', 'demo_2', 'demo_3']);
    const res = await fetch(`${http}/api/devices/demo_3/power`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'off' }),
    });
    expect(await res.json()).toEqual({ id: 'demo_3', relay: 1, state: 'off' });
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });
});

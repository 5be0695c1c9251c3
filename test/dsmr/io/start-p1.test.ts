/**
 * `wattbridge start --p1-tcp` as a user runs it: a real hub process on an
 * ephemeral-port embedded broker reading the DSMR simulator's TCP port. The
 * meter and its gas meter appear as devices with readings, the readings
 * land in SQLite, and smartmeter2mqtt's topics go out on the hub's broker.
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import { startTcpSink } from '../../../src/sim/dsmr/tcp.js';
import { startHubCli } from '../../helpers/cli.js';
import { eventually } from '../../helpers/hub.js';
import { deferCleanup } from './helpers.js';

interface Snapshot {
  id: string;
  protocol: string;
  nativeId: string;
  availability: string;
  info: Record<string, unknown>;
  readings: Record<string, { value: number; unit: string; ts: string }>;
}

describe('wattbridge start with a P1 meter', () => {
  const defer = deferCleanup();

  it('lists the meter and its gas meter with readings, stores them, and publishes smartmeter2mqtt topics', async () => {
    const sink = await startTcpSink('127.0.0.1', 0);
    defer(() => sink.close());
    // A DSMR 5 meter whose clock runs an hour behind ours, one telegram per 200 ms of real time.
    const startMs = Date.now() - 3_600_000;
    const meter = new MeterModel({ version: '5', seed: 5, startMs });
    let n = 0;
    const pump = setInterval(() => sink.send(meter.telegramAt(startMs + 1000 * n++)), 200);
    defer(() => clearInterval(pump));

    const cli = startHubCli(
      [
        '--p1-tcp',
        `127.0.0.1:${sink.port}`,
        '--p1-mqtt-prefix',
        'smartmeter',
        '--store-flush-interval-ms',
        '50',
      ],
      defer,
    );
    const running = await eventually(
      () => cli.logs().find((l) => l.msg === 'wattbridge is running; Ctrl-C stops it'),
      15_000,
      `the hub to start; stderr so far:\n${cli.stderr()}`,
    );
    const http = running.http as string;

    const devices = async () =>
      ((await (await fetch(`${http}/api/devices`)).json()) as { devices: Snapshot[] }).devices;
    const found = await eventually(
      async () => {
        const ds = (await devices()).filter((d) => d.protocol === 'dsmr');
        const main = ds.find((d) => d.readings.voltage_l1 !== undefined);
        const gas = ds.find((d) => d.readings.gas_total !== undefined);
        return main && gas && { main, gas };
      },
      15_000,
      'the meter and its gas meter in /api/devices',
    );
    const { main, gas } = found;
    expect(main.availability).toBe('online');
    expect(main.info).toMatchObject({ dsmrVersion: '5.0' });
    expect(main.readings.energy_import_t1?.unit).toBe('Wh');
    expect(main.readings.power_import?.unit).toBe('W');
    expect(main.readings.voltage_l1?.unit).toBe('V');
    expect(main.readings.current_l1?.unit).toBe('A');
    expect(main.readings.energy_import_t1!.value).toBeGreaterThan(0);
    expect(gas.readings.gas_total?.unit).toBe('m3');
    expect(gas.info).toMatchObject({ model: 'gas meter' });
    expect(gas.nativeId).not.toBe(main.nativeId);

    // smartmeter2mqtt's retained energy topic, through the hub's own broker.
    const client = await mqtt.connectAsync(running.mqtt as string, { reconnectPeriod: 0 });
    defer(() => client.endAsync());
    const energy = new Promise<Record<string, unknown>>((resolve) =>
      client.on('message', (topic, payload) => {
        if (topic === 'smartmeter/status/energy') resolve(JSON.parse(payload.toString()));
      }),
    );
    await client.subscribeAsync('smartmeter/status/energy');
    expect(await energy).toMatchObject({ crc: true, p1Version: '50' });

    // Queryable like a plug, through the IoToad API (its REST façade here).
    const out = async (q: string) =>
      (await (await fetch(`${http}/api/out/influx_query/sp/${q}`)).json()) as {
        bn?: string;
        v?: number;
        u?: string;
      }[];
    const power = await out(`power?id=${main.id}&operation=count`);
    expect(power[0]).toEqual({ bn: 'power' });
    expect(power[1]!.v).toBeGreaterThan(0);
    const gasRaw = await out(`gas_total?id=${gas.id}`);
    expect(gasRaw[1]).toMatchObject({ n: `/${gas.id}`, u: 'm3' });
    const used = await out(`energy?id=${main.id}`);
    expect(used[1]).toMatchObject({ u: 'Wh' });
    expect(used[1]!.v).toBeGreaterThanOrEqual(0);

    clearInterval(pump);
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    const db = new Database(join(cli.dataDir, 'wattbridge.sqlite'), { readonly: true });
    defer(() => db.close());
    const count = (deviceId: string, metric: string) =>
      (
        db
          .prepare(
            'SELECT COUNT(*) AS n FROM readings r JOIN series s ON s.id = r.series WHERE s.device_id = ? AND s.metric = ?',
          )
          .get(deviceId, metric) as { n: number }
      ).n;
    expect(count(main.id, 'energy_import_t1')).toBeGreaterThan(0);
    expect(count(main.id, 'voltage_l1')).toBeGreaterThan(0);
    expect(count(gas.id, 'gas_total')).toBeGreaterThan(0);
  }, 60_000);
});

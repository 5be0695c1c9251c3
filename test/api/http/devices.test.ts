import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeviceList,
  DeviceSnapshotSchema,
  ErrorBody,
  ReadingsResult,
  RemoveResult,
} from '../../../src/api/http/schemas.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import { expectProblem, type ApiClient } from '../../helpers/http-api.js';
import { eventually } from '../../helpers/hub.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

/**
 * /api/devices through the real server: simulated Tasmota and Moko plugs on
 * the hub's embedded broker, one that went away and one the hub has only
 * heard about; listed, filtered, fetched, renamed and removed.
 */
describe('HTTP API: devices', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let client: MqttClient;
  let mokoId: string;

  beforeAll(async () => {
    hub = await startApiHub();
    ({ api, peers } = hub);
    client = await mqtt.connectAsync(hub.app.mqttUrl);
    await peers.tasmota('dev_kitchen', { loadWatts: 100, powerOn: true });
    await peers.tasmota('sp_w.r1.c2');
    await peers.tasmota('sp_g.r1.c0');
    mokoId = (await peers.moko('devmoko')).id;
    await peers.gone(await peers.tasmota('dev_gone'));
    // Only its INFO1 heard: the hub knows of it but not whether it is there.
    await client.publishAsync(
      'tele/dev_ghost/INFO1',
      JSON.stringify({ Info1: { Module: 'Sonoff Basic', Version: '14.3.0' } }),
    );
    await eventually(() => hub.app.hub.device('dev_ghost'), 5000, 'dev_ghost known');
  });
  afterAll(async () => {
    await client.endAsync();
    await hub.stop();
  });

  const ids = async (query: string): Promise<string[]> => {
    const r = await api.get(`/api/devices${query}`);
    expect(r.status).toBe(200);
    return DeviceList.parse(r.body).devices.map((d) => d.id);
  };

  /** Make a plug report without the hub asking (as another MQTT tool would). */
  const reportAgain = (topic: string) => client.publishAsync(`cmnd/${topic}/STATUS`, '10');

  it('lists every device in the documented shape, and each one alone the same', async () => {
    const r = await api.get('/api/devices');
    expect(r.status).toBe(200);
    const { devices } = DeviceList.parse(r.body);
    expect(devices.map((d) => d.id)).toEqual(
      ['dev_ghost', 'dev_gone', 'dev_kitchen', mokoId, 'sp_g.r1.c0', 'sp_w.r1.c2'].sort((a, b) =>
        a.localeCompare(b),
      ),
    );
    const kitchen = devices.find((d) => d.id === 'dev_kitchen')!;
    expect(kitchen).toMatchObject({
      protocol: 'tasmota',
      nativeId: 'dev_kitchen',
      relays: [{ relay: 1, state: 'on' }],
      availability: 'online',
      readings: { power: { value: 100, unit: 'W' }, voltage: { value: 230, unit: 'V' } },
    });
    expect(kitchen.grid).toBeUndefined();
    expect(devices.find((d) => d.id === 'sp_w.r1.c2')!.grid).toEqual({
      type: 'w',
      row: 1,
      column: 2,
    });
    for (const d of devices) {
      const one = await api.get(`/api/devices/${encodeURIComponent(d.id)}`);
      expect(one.status).toBe(200);
      expect(DeviceSnapshotSchema.parse(one.body)).toMatchObject({
        id: d.id,
        protocol: d.protocol,
        nativeId: d.nativeId,
        availability: d.availability,
      });
    }
  });

  it('filters by protocol, grid type, row, column and availability', async () => {
    const online = ['dev_kitchen', mokoId, 'sp_g.r1.c0', 'sp_w.r1.c2'].sort((a, b) =>
      a.localeCompare(b),
    );
    const cases: [string, string[]][] = [
      ['?protocol=tasmota', ['dev_ghost', 'dev_gone', 'dev_kitchen', 'sp_g.r1.c0', 'sp_w.r1.c2']],
      ['?protocol=moko', [mokoId]],
      ['?protocol=mqtt2go', []],
      ['?type=w', ['sp_w.r1.c2']],
      ['?type=g', ['sp_g.r1.c0']],
      ['?type=p', []],
      ['?row=1', ['sp_g.r1.c0', 'sp_w.r1.c2']],
      ['?row=0', []],
      ['?column=2', ['sp_w.r1.c2']],
      ['?row=1&column=0', ['sp_g.r1.c0']],
      ['?type=w&row=1&column=2', ['sp_w.r1.c2']],
      ['?availability=online', online],
      ['?availability=offline', ['dev_gone']],
      ['?availability=unknown', ['dev_ghost']],
      ['?protocol=tasmota&availability=offline', ['dev_gone']],
    ];
    for (const [query, want] of cases) expect(await ids(query), query).toEqual(want);
  });

  it('answers a bad filter with 400 naming the parameter', async () => {
    expectProblem(await api.get('/api/devices?row=x'), 'query.row');
    expect((await api.get('/api/devices?row=x')).body.problems).toEqual([
      'query.row: must be a whole number from 0',
    ]);
    expectProblem(await api.get('/api/devices?row=-1'), 'query.row');
    expectProblem(await api.get('/api/devices?column=1.5'), 'query.column');
    expectProblem(await api.get('/api/devices?protocol=zigbee'), 'query.protocol');
    expectProblem(await api.get('/api/devices?type=x'), 'query.type');
    expectProblem(await api.get('/api/devices?availability=gone'), 'query.availability');
    const both = await api.get('/api/devices?row=x&column=y');
    expectProblem(both, 'query.row');
    expectProblem(both, 'query.column');
    const unknown = await api.get('/api/devices?colour=red');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/colour/);
  });

  it('answers 404 for a device it does not know', async () => {
    const r = await api.get('/api/devices/nope');
    expect(r.status).toBe(404);
    expect(ErrorBody.parse(r.body)).toEqual({
      error: 'No device with id "nope"',
      code: 'not_found',
    });
  });

  it('renames a device: a grid id places it in the grid, history and commands follow', async () => {
    const plug = await peers.tasmota('ren_a', { loadWatts: 60, powerOn: true });
    const r = await api.patch('/api/devices/ren_a', { id: 'sp_p.r4.c3' });
    expect(r.status).toBe(200);
    expect(DeviceSnapshotSchema.parse(r.body)).toMatchObject({
      id: 'sp_p.r4.c3',
      nativeId: 'ren_a',
      grid: { type: 'p', row: 4, column: 3 },
    });
    expect((await api.get('/api/devices/ren_a')).status).toBe(404);
    expect(await ids('?type=p&row=4')).toEqual(['sp_p.r4.c3']);
    const readings = ReadingsResult.parse(
      (await api.get('/api/devices/sp_p.r4.c3/readings?metric=power')).body,
    );
    expect(readings.series).toHaveLength(1);
    expect(readings.series[0]!.v).toContain(60);
    const off = await api.post('/api/devices/sp_p.r4.c3/power', { state: 'off' });
    expect(off.body).toEqual({ id: 'sp_p.r4.c3', relay: 1, state: 'off' });
    expect(plug.relayState(1)).toBe(false);
    // The same id again is no change.
    expect((await api.patch('/api/devices/sp_p.r4.c3', { id: 'sp_p.r4.c3' })).status).toBe(200);
    // Another spelling of that place (no sp_, a leading zero) is the same place: taken.
    for (const spelling of ['p.r4.c3', 'sp_p.r04.c3']) {
      const twin = await api.patch('/api/devices/dev_gone', { id: spelling });
      expect(twin.status, spelling).toBe(409);
      expect(ErrorBody.parse(twin.body).error).toBe(
        'The grid place p row 4 column 3 is taken by "sp_p.r4.c3"',
      );
    }
  });

  it('refuses a rename to a taken id (409), a bad id or body (400), an unknown device (404)', async () => {
    const taken = await api.patch('/api/devices/dev_gone', { id: 'dev_kitchen' });
    expect(taken.status).toBe(409);
    expect(ErrorBody.parse(taken.body)).toEqual({
      error: 'The id "dev_kitchen" is taken by another device',
      code: 'conflict',
    });
    for (const bad of ['has space', 'a/b', 'x#', '', 'x'.repeat(65)]) {
      const r = await api.patch('/api/devices/dev_gone', { id: bad });
      expect(r.status, bad).toBe(400);
      expect(ErrorBody.parse(r.body).code).toBe('bad_request');
    }
    expectProblem(await api.patch('/api/devices/dev_gone', { id: 5 }), 'body.id');
    expectProblem(await api.patch('/api/devices/dev_gone', {}), 'body.id');
    const extra = await api.patch('/api/devices/dev_gone', { id: 'x1', name: 'Kettle' });
    expect(extra.status).toBe(400);
    expect(extra.body.error).toMatch(/name/);
    expect((await api.patch('/api/devices/nope', { id: 'x2' })).status).toBe(404);
    expect(await ids('?availability=offline')).toEqual(['dev_gone']);
  });

  /** Times of a device's stored power readings, once it has some. */
  const powerTimes = (id: string) =>
    eventually(async () => {
      const s = ReadingsResult.parse(
        (await api.get(`/api/devices/${id}/readings?metric=power`)).body,
      ).series;
      return s.length > 0 ? s[0]!.t : undefined;
    });

  it('removes a device keeping its history; reporting again brings it back with it', async () => {
    await peers.tasmota('del_keep', { loadWatts: 25, powerOn: true });
    const old = await powerTimes('del_keep');
    const removedAt = Date.now();
    const r = await api.del('/api/devices/del_keep?history=keep');
    expect(r.status).toBe(200);
    expect(RemoveResult.parse(r.body)).toEqual({ id: 'del_keep', removed: true, history: 'kept' });
    expect((await api.get('/api/devices/del_keep')).status).toBe(404);
    expect(await ids('')).not.toContain('del_keep');
    expect((await api.del('/api/devices/del_keep')).status).toBe(404);

    await reportAgain('del_keep');
    const back = await eventually(async () => {
      const g = await api.get('/api/devices/del_keep');
      return g.status === 200 ? DeviceSnapshotSchema.parse(g.body) : undefined;
    });
    expect(Date.parse(back.firstSeen)).toBeGreaterThanOrEqual(removedAt);
    const series = ReadingsResult.parse(
      (await api.get('/api/devices/del_keep/readings?metric=power')).body,
    ).series;
    // The readings from before the removal are still there.
    expect(series[0]!.t).toEqual(expect.arrayContaining(old));
    expect(new Set(series[0]!.v)).toEqual(new Set([25]));
  });

  it('removes a device with its history: back as new, without the old readings', async () => {
    await peers.tasmota('del_drop', { loadWatts: 30, powerOn: true });
    const old = await powerTimes('del_drop');
    const r = await api.del('/api/devices/del_drop?history=delete');
    expect(RemoveResult.parse(r.body)).toEqual({
      id: 'del_drop',
      removed: true,
      history: 'deleted',
    });
    const gone = ReadingsResult.parse((await api.get('/api/readings?id=del_drop')).body);
    expect(gone.series).toEqual([]);
    await reportAgain('del_drop');
    await eventually(async () => (await api.get('/api/devices/del_drop')).status === 200);
    // Only readings from after its return: none of those it had before.
    expect((await powerTimes('del_drop')).filter((t) => old.includes(t))).toEqual([]);
  });

  it('keeps the readings of a removed device queryable via /api/readings?id=', async () => {
    await peers.tasmota('del_kept_q', { loadWatts: 35, powerOn: true });
    expect((await api.del('/api/devices/del_kept_q?history=keep')).status).toBe(200);
    const r = ReadingsResult.parse((await api.get('/api/readings?id=del_kept_q')).body);
    expect(r.series.map((s) => s.id)).toEqual(['del_kept_q']);
    expect(r.series[0]!.v).toContain(35);
  });

  it('answers a bad history value with 400 and an unknown device with 404', async () => {
    expectProblem(await api.del('/api/devices/dev_gone?history=maybe'), 'query.history');
    expect((await api.del('/api/devices/dev_gone?purge=1')).status).toBe(400);
    const r = await api.del('/api/devices/nope?history=delete');
    expect(r.status).toBe(404);
    expect(ErrorBody.parse(r.body).code).toBe('not_found');
    // Nothing was removed by the bad requests.
    expect(await ids('?availability=offline')).toEqual(['dev_gone']);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import { Observer, jsonOn } from './observer.js';
import { startRig } from './rig.js';
import type { Rig } from './rig.js';

describe('Tasmota plug connection lifecycle', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('connects as DVES_<mac6> with an Offline will and announces itself like the firmware', async () => {
    const clientIds: string[] = [];
    rig.broker.broker.on('client', (c) => clientIds.push(c.id));
    const plug = await rig.plug({ topic: 'tasmota_3D5E26', mac: 'A4CF123D5E26' });
    const { obs } = rig;

    expect(clientIds).toContain('DVES_3D5E26');
    expect(plug.mac).toBe('A4CF123D5E26');
    await obs.waitFor((m) => m.topic === 'tele/tasmota_3D5E26/LWT' && m.payload === 'Online');
    // The empty self-POWER, answered with the current state.
    await obs.waitFor((m) => m.topic === 'cmnd/tasmota_3D5E26/POWER' && m.payload === '');
    await obs.waitFor(
      (m) => m.topic === 'stat/tasmota_3D5E26/RESULT' && m.payload === '{"POWER":"OFF"}',
    );
    await obs.waitFor((m) => m.topic === 'stat/tasmota_3D5E26/POWER' && m.payload === 'OFF');

    const info1 = await jsonOn(obs, 'tele/tasmota_3D5E26/INFO1', 0);
    expect(info1).toMatchObject({
      Info1: { FallbackTopic: 'cmnd/DVES_3D5E26_fb/', GroupTopic: 'cmnd/tasmotas/' },
    });
    const info2 = await jsonOn(obs, 'tele/tasmota_3D5E26/INFO2', 0);
    expect(info2).toMatchObject({ Info2: { WebServerMode: 'Admin' } });
    const info3 = await jsonOn(obs, 'tele/tasmota_3D5E26/INFO3', 0);
    expect(info3).toMatchObject({ Info3: { RestartReason: 'Power On' } });

    // A late subscriber gets Online and discovery from the broker's retained store.
    const late = await Observer.connect(rig.broker.url, ['tele/+/LWT', 'tasmota/discovery/#']);
    try {
      const lwt = await late.waitFor((m) => m.topic === 'tele/tasmota_3D5E26/LWT');
      expect(lwt).toMatchObject({ payload: 'Online', retain: true });
      const sensors = await late.waitFor(
        (m) => m.topic === 'tasmota/discovery/A4CF123D5E26/sensors',
      );
      expect(sensors.retain).toBe(true);
      expect(JSON.parse(sensors.payload)).toMatchObject({ sn: { ENERGY: { Power: 0 } }, ver: 1 });
    } finally {
      await late.close();
    }
  });

  it('publishes a retained discovery config a Home Assistant Tasmota integration can use', async () => {
    await rig.plug({ topic: 'sp_w.r1.c1', mac: 'DC4F22ABCDEF', relays: 2 });
    const m = await rig.obs.waitFor((x) => x.topic === 'tasmota/discovery/DC4F22ABCDEF/config');
    const cfg = JSON.parse(m.payload) as Record<string, unknown>;
    expect(Object.keys(cfg)).toEqual(
      expect.arrayContaining([
        'ip',
        'dn',
        'fn',
        'hn',
        'mac',
        'md',
        'ofln',
        'onln',
        'state',
        'sw',
        't',
        'ft',
        'tp',
        'rl',
        'swc',
        'swn',
        'btn',
        'so',
        'lk',
        'lt_st',
        'bat',
        'dslp',
        'sho',
        'sht',
        'ver',
      ]),
    );
    expect(cfg).toMatchObject({
      mac: 'DC4F22ABCDEF',
      t: 'sp_w.r1.c1',
      ft: '%prefix%/%topic%/',
      tp: ['cmnd', 'stat', 'tele'],
      ofln: 'Offline',
      onln: 'Online',
      state: ['OFF', 'ON', 'TOGGLE', 'HOLD'],
      rl: [1, 1, 0, 0, 0, 0, 0, 0],
      fn: ['Tasmota', 'Tasmota2', null, null, null, null, null, null],
      ver: 1,
    });
    expect(cfg.hn).toMatch(/^sp-w-r1-c1-\d{4}$/);
    expect(cfg.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('lets the broker publish the retained Offline will when killed', async () => {
    const plug = await rig.plug({ topic: 'plug_k' });
    await rig.obs.waitFor((m) => m.topic === 'tele/plug_k/LWT' && m.payload === 'Online');
    const from = rig.obs.mark();
    plug.kill();
    await rig.obs.waitFor((m) => m.topic === 'tele/plug_k/LWT' && m.payload === 'Offline', from);
    const late = await Observer.connect(rig.broker.url, ['tele/plug_k/LWT']);
    try {
      const lwt = await late.waitFor((m) => m.topic === 'tele/plug_k/LWT');
      expect(lwt).toMatchObject({ payload: 'Offline', retain: true });
    } finally {
      await late.close();
    }
  });

  it('comes back after losing the broker connection, without repeating INFO', async () => {
    const serverSide: Array<{ id: string; close(): void }> = [];
    rig.broker.broker.on('client', (c) => serverSide.push(c));
    await rig.plug({ topic: 'plug_re', reconnectMs: 50 });
    const from = rig.obs.mark();
    serverSide.find((c) => c.id.startsWith('DVES_'))?.close();
    await rig.obs.waitFor((m) => m.topic === 'tele/plug_re/LWT' && m.payload === 'Offline', from);
    await rig.obs.waitFor((m) => m.topic === 'tele/plug_re/LWT' && m.payload === 'Online', from);
    await rig.obs.waitFor((m) => m.topic === 'cmnd/plug_re/POWER' && m.payload === '', from);
    await rig.obs.waitFor((m) => m.topic === 'stat/plug_re/POWER', from);
    const mark = rig.obs.mark();
    await rig.obs.publish('cmnd/plug_re/State', '');
    expect(await jsonOn(rig.obs, 'stat/plug_re/RESULT', mark)).toMatchObject({ MqttCount: 2 });
    expect(rig.obs.on('tele/plug_re/INFO1', from)).toEqual([]);
  });

  it('publishes Offline on stop() and then falls silent', async () => {
    const plug = await rig.plug({ topic: 'plug_s' });
    const from = rig.obs.mark();
    await plug.stop();
    await rig.obs.waitFor((m) => m.topic === 'tele/plug_s/LWT' && m.payload === 'Offline', from);
    const after = rig.obs.mark();
    await rig.obs.publish('cmnd/plug_s/POWER', 'ON');
    rig.clock.now += 600_000;
    plug.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(rig.obs.messages.slice(after).filter((m) => !m.topic.startsWith('cmnd/'))).toEqual([]);
  });

  it('never leaves a retained message on a cmnd topic', async () => {
    await rig.plug({ topic: 'plug_r' });
    await rig.obs.waitFor((m) => m.topic === 'stat/plug_r/POWER');
    const late = await Observer.connect(rig.broker.url, ['cmnd/#', 'tele/plug_r/LWT']);
    try {
      await late.waitFor((m) => m.topic === 'tele/plug_r/LWT');
      expect(late.messages.filter((m) => m.topic.startsWith('cmnd/'))).toEqual([]);
    } finally {
      await late.close();
    }
  });

  it('gives up on an unreachable broker with an error naming the URL', async () => {
    const url = `mqtt://127.0.0.1:${rig.broker.port}`;
    await rig.broker.close();
    const plug = new TasmotaPlug({ mqttUrl: url, topic: 'nobody', connectTimeoutMs: 300 });
    const started = Date.now();
    await expect(plug.start()).rejects.toThrow(url);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

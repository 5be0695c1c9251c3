import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOn } from './observer.js';
import { T0, startRig } from './rig.js';
import type { Rig } from './rig.js';

type Json = Record<string, unknown>;
const energyOf = (sensor: Json): Json => sensor.ENERGY as Json;

describe('Tasmota plug telemetry and energy', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('sends STATE and SENSOR on TelePeriod with ENERGY integrating power over time', async () => {
    const plug = await rig.plug({
      topic: 'e1',
      loadWatts: 1000,
      initialEnergyTotalKWh: 5,
      telePeriodS: 3600,
    });
    // Let the first teleperiod (5 s after connecting) pass, then switch on.
    rig.clock.now = T0 + 5000;
    plug.tick();
    let from = await rig.send('cmnd/e1/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/e1/POWER', from);

    rig.clock.now = T0 + 5000 + 30 * 60_000;
    from = await rig.send('cmnd/e1/TelePeriod', '');
    expect(await jsonOn(rig.obs, 'stat/e1/RESULT', from)).toEqual({ TelePeriod: 3600 });
    const state = await jsonOn(rig.obs, 'tele/e1/STATE', from);
    expect(state).toMatchObject({ Time: '2024-01-15T07:58:05', UptimeSec: 1805, POWER: 'ON' });
    expect(state.Uptime).toBe('0T00:30:05');
    const sensor = await jsonOn(rig.obs, 'tele/e1/SENSOR', from);
    expect(sensor.Time).toBe('2024-01-15T07:58:05');
    expect(energyOf(sensor)).toMatchObject({
      TotalStartTime: '2024-01-15T07:28:00',
      Total: 5.5,
      Yesterday: 0,
      Today: 0.5,
      Period: 500,
      Power: 1000,
      Voltage: 230,
      Factor: 0.96,
    });
    expect(energyOf(sensor).Current as number).toBeCloseTo(1000 / 0.96 / 230, 3);
    // The raw text keeps Tasmota's fixed decimals.
    const raw = rig.obs.on('tele/e1/SENSOR', from)[0]?.payload ?? '';
    expect(raw).toContain('"Total":5.500,"Yesterday":0.000,"Today":0.500,"Period":500');
    expect(plug.energy().totalKWh).toBeCloseTo(5.5, 6);

    // Not yet due a second before the next teleperiod...
    rig.clock.now += 3599_000;
    from = rig.obs.mark();
    plug.tick();
    const barrier = await rig.send('cmnd/e1/POWER', '');
    await rig.obs.waitFor((m) => m.topic === 'stat/e1/POWER', barrier);
    expect(rig.obs.on('tele/e1/SENSOR', from)).toEqual([]);
    // ...then the plug reports on its own; Period is the hour since the last report.
    rig.clock.now += 1000;
    plug.tick();
    const next = await jsonOn(rig.obs, 'tele/e1/SENSOR', from);
    expect(energyOf(next)).toMatchObject({ Total: 6.5, Today: 1.5, Period: 1000 });
  });

  it('keeps Period out of Status 10 / Status 8 and reports state under StatusSTS', async () => {
    await rig.plug({ topic: 'e2', loadWatts: 200 });
    await rig.send('cmnd/e2/POWER', 'ON');
    let from = await rig.send('cmnd/e2/Status', '10');
    const sns = await jsonOn(rig.obs, 'stat/e2/STATUS10', from);
    expect(sns).toHaveProperty('StatusSNS.ENERGY.Power', 200);
    expect(sns).not.toHaveProperty('StatusSNS.ENERGY.Period');
    from = await rig.send('cmnd/e2/STATUS', '8');
    expect(await jsonOn(rig.obs, 'stat/e2/STATUS8', from)).toHaveProperty(
      'StatusSNS.ENERGY.Total',
      0,
    );
    from = await rig.send('cmnd/e2/status', '11');
    expect(await jsonOn(rig.obs, 'stat/e2/STATUS11', from)).toHaveProperty('StatusSTS.POWER', 'ON');
  });

  it('answers Status 0 with one message per status, Status 5 with network and Status 2 with firmware', async () => {
    const plug = await rig.plug({ topic: 'e3', mac: 'DC4F22112233' });
    let from = await rig.send('cmnd/e3/STATUS', '0');
    const topics = (
      await rig.obs.waitForCount((m) => m.topic.startsWith('stat/e3/STATUS'), 11, from)
    ).map((m) => m.topic.slice('stat/e3/'.length));
    expect(topics).toEqual([
      'STATUS',
      'STATUS1',
      'STATUS2',
      'STATUS3',
      'STATUS4',
      'STATUS5',
      'STATUS6',
      'STATUS7',
      'STATUS9',
      'STATUS10',
      'STATUS11',
    ]);
    from = await rig.send('cmnd/e3/STATUS', '5');
    const net = await jsonOn(rig.obs, 'stat/e3/STATUS5', from);
    expect(net).toMatchObject({ StatusNET: { Mac: 'DC:4F:22:11:22:33' } });
    expect(net).toHaveProperty('StatusNET.IPAddress');
    expect(net).toHaveProperty('StatusNET.Hostname');
    from = await rig.send('cmnd/e3/STATUS', '2');
    expect(await jsonOn(rig.obs, 'stat/e3/STATUS2', from)).toHaveProperty(
      'StatusFWR.Version',
      expect.stringMatching(/^\d+\.\d+\.\d+\(/),
    );
    from = await rig.send('cmnd/e3/STATUS', '6');
    expect(await jsonOn(rig.obs, 'stat/e3/STATUS6', from)).toHaveProperty(
      'StatusMQT.MqttClient',
      'DVES_112233',
    );
    from = await rig.send('cmnd/e3/STATUS', '99');
    expect(await jsonOn(rig.obs, 'stat/e3/RESULT', from)).toEqual({ Command: 'Error' });
    expect(plug.mac).toBe('DC4F22112233');
  });

  it('reports every TelePeriod and clamps the period like the firmware', async () => {
    const plug = await rig.plug({ topic: 'e4', telePeriodS: 10 });
    let from = rig.obs.mark();
    for (let s = 1; s <= 25; s++) {
      rig.clock.now = T0 + s * 1000;
      plug.tick();
    }
    // First report 5 s after connecting, then every 10 s: at 5, 15 and 25 s.
    const sensors = await rig.obs.waitForCount((m) => m.topic === 'tele/e4/SENSOR', 3, from);
    expect(sensors.map((m) => (JSON.parse(m.payload) as Json).Time)).toEqual([
      '2024-01-15T07:28:05',
      '2024-01-15T07:28:15',
      '2024-01-15T07:28:25',
    ]);

    from = await rig.send('cmnd/e4/TelePeriod', '5');
    expect(await jsonOn(rig.obs, 'stat/e4/RESULT', from)).toEqual({ TelePeriod: 10 });
    from = await rig.send('cmnd/e4/TelePeriod', '1');
    expect(await jsonOn(rig.obs, 'stat/e4/RESULT', from)).toEqual({ TelePeriod: 300 });
    from = await rig.send('cmnd/e4/TelePeriod', '0');
    expect(await jsonOn(rig.obs, 'stat/e4/RESULT', from)).toEqual({ TelePeriod: 0 });
    rig.clock.now += 7200_000;
    plug.tick();
    const marker = await rig.send('cmnd/e4/POWER', '');
    await rig.obs.waitFor((m) => m.topic === 'stat/e4/POWER', marker);
    expect(rig.obs.on('tele/e4/SENSOR', from)).toEqual([]);
  });

  it('moves Today into Yesterday at midnight, splitting energy at 00:00', async () => {
    rig.clock.now = Date.UTC(2024, 0, 15, 23, 50, 0);
    const plug = await rig.plug({ topic: 'e5', loadWatts: 600 });
    await rig.send('cmnd/e5/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/e5/POWER' && m.payload === 'ON');
    rig.clock.now = Date.UTC(2024, 0, 16, 0, 10, 0);
    plug.tick();
    expect(plug.energy().yesterdayKWh).toBeCloseTo(0.1, 6);
    expect(plug.energy().todayKWh).toBeCloseTo(0.1, 6);
    const from = await rig.send('cmnd/e5/STATUS', '10');
    const sns = await jsonOn(rig.obs, 'stat/e5/STATUS10', from);
    expect(sns).toMatchObject({
      StatusSNS: {
        Time: '2024-01-16T00:10:00',
        ENERGY: { Total: 0.2, Yesterday: 0.1, Today: 0.2 - 0.1 },
      },
    });
  });

  it('without NTP reports 1970 time and never resets Today', async () => {
    rig.clock.now = Date.UTC(2024, 0, 15, 23, 50, 0);
    const plug = await rig.plug({ topic: 'e6', loadWatts: 600, faults: { noNtp: true } });
    await rig.send('cmnd/e6/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/e6/POWER' && m.payload === 'ON');
    rig.clock.now = Date.UTC(2024, 0, 16, 0, 10, 0);
    plug.tick();
    const from = await rig.send('cmnd/e6/STATUS', '10');
    const sns = await jsonOn(rig.obs, 'stat/e6/STATUS10', from);
    expect(sns).toMatchObject({
      StatusSNS: { Time: '1970-01-01T00:20:00', ENERGY: { Total: 0.2, Yesterday: 0, Today: 0.2 } },
    });
  });

  it('integrates a load that varies with time and relay', async () => {
    const plug = await rig.plug({
      topic: 'e7',
      relays: 2,
      loadWatts: (relay, t) => (relay === 1 ? 100 : t < T0 + 3600_000 ? 50 : 500),
    });
    await rig.send('cmnd/e7/POWER0', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/e7/POWER2' && m.payload === 'ON');
    for (let h = 1; h <= 2; h++) {
      rig.clock.now = T0 + h * 3600_000;
      plug.tick();
    }
    // Hour 1: 100 + 50 W, hour 2: 100 + 500 W.
    expect(plug.energy().todayKWh).toBeCloseTo(0.75, 6);
  });
});

import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOn, sleep } from './observer.js';
import { T0, startRig } from './rig.js';
import type { Rig } from './rig.js';

describe('Tasmota plug fault injection', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('duplicate: every message arrives twice', async () => {
    await rig.plug({ topic: 'fd', faults: { duplicate: true } });
    const from = rig.obs.mark();
    await rig.obs.publish('cmnd/fd/POWER', 'ON');
    const seen = await rig.obs.waitForCount((m) => m.topic.startsWith('stat/fd/'), 4, from);
    expect(seen.map((m) => `${m.topic} ${m.payload}`)).toEqual([
      'stat/fd/RESULT {"POWER":"ON"}',
      'stat/fd/RESULT {"POWER":"ON"}',
      'stat/fd/POWER ON',
      'stat/fd/POWER ON',
    ]);
    expect(rig.obs.on('tele/fd/LWT').filter((m) => m.payload === 'Online')).toHaveLength(2);
  });

  it('never-reply: takes the command, changes nothing, says nothing; recovers when cleared', async () => {
    const plug = await rig.plug({ topic: 'fn', faults: { neverReply: true } });
    const from = rig.obs.mark();
    const handled = once(plug, 'command');
    await rig.obs.publish('cmnd/fn/POWER', 'ON');
    await handled;
    await sleep(150);
    expect(plug.relayState()).toBe(false);
    expect(rig.obs.messages.slice(from).filter((m) => m.topic.startsWith('stat/'))).toEqual([]);

    plug.setFaults({});
    await rig.obs.publish('cmnd/fn/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/fn/POWER' && m.payload === 'ON', from);
    expect(plug.relayState()).toBe(true);
  });

  it('replyDelayMs: switches at once but answers late', async () => {
    const plug = await rig.plug({ topic: 'fl', faults: { replyDelayMs: 300 } });
    const from = rig.obs.mark();
    const sent = Date.now();
    await rig.obs.publish('cmnd/fl/POWER', 'ON');
    await once(plug, 'command');
    expect(plug.relayState()).toBe(true);
    await rig.obs.waitFor((m) => m.topic === 'stat/fl/POWER' && m.payload === 'ON', from);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(290);
  });

  it('resetCounters: Total drops to zero while TotalStartTime stays', async () => {
    const plug = await rig.plug({ topic: 'fr', loadWatts: 2000, initialEnergyTotalKWh: 120 });
    await rig.obs.publish('cmnd/fr/POWER', 'ON');
    await once(plug, 'command');
    rig.clock.now = T0 + 3600_000;
    plug.tick();
    expect(plug.energy().totalKWh).toBeCloseTo(122, 6);
    plug.resetCounters();
    expect(plug.energy()).toEqual({ totalKWh: 0, todayKWh: 0, yesterdayKWh: 0 });
    const from = rig.obs.mark();
    await rig.obs.publish('cmnd/fr/STATUS', '10');
    expect(await jsonOn(rig.obs, 'stat/fr/STATUS10', from)).toMatchObject({
      StatusSNS: { ENERGY: { TotalStartTime: '2024-01-15T07:28:00', Total: 0, Today: 0 } },
    });
  });

  it('noNtp switched on at run time moves the clock to 1970 + uptime', async () => {
    const plug = await rig.plug({ topic: 'ft' });
    rig.clock.now = T0 + 90_000;
    plug.setFaults({ noNtp: true });
    const from = rig.obs.mark();
    await rig.obs.publish('cmnd/ft/State', '');
    expect(await jsonOn(rig.obs, 'stat/ft/RESULT', from)).toMatchObject({
      Time: '1970-01-01T00:01:30',
      UptimeSec: 90,
    });
  });
});

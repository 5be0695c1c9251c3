import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Seen } from './observer.js';
import { startRig } from './rig.js';
import type { Rig } from './rig.js';

const pair = (m: Seen[]): string[] => m.map((x) => `${x.topic} ${x.payload}`);

describe('Tasmota plug POWER and command replies', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  /** Send a command and collect the stat/ replies until `count` have arrived. */
  async function command(
    topic: string,
    payload: string,
    count: number,
    prefix = 'stat/',
  ): Promise<string[]> {
    const from = rig.obs.mark();
    await rig.obs.publish(topic, payload);
    return pair(await rig.obs.waitForCount((m) => m.topic.startsWith(prefix), count, from));
  }

  it('switches on, off and toggles, answering with RESULT JSON and the plain POWER topic', async () => {
    const plug = await rig.plug({ topic: 'p1' });
    await rig.obs.waitFor((m) => m.topic === 'stat/p1/POWER');

    expect(await command('cmnd/p1/POWER', 'ON', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"ON"}',
      'stat/p1/POWER ON',
    ]);
    expect(plug.relayState()).toBe(true);
    expect(await command('cmnd/p1/power', 'off', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"OFF"}',
      'stat/p1/POWER OFF',
    ]);
    expect(plug.relayState()).toBe(false);
    expect(await command('cmnd/p1/Power', 'toggle', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"ON"}',
      'stat/p1/POWER ON',
    ]);
    expect(await command('cmnd/p1/POWER', '2', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"OFF"}',
      'stat/p1/POWER OFF',
    ]);
    expect(await command('cmnd/p1/POWER', 'true', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"ON"}',
      'stat/p1/POWER ON',
    ]);
    expect(await command('cmnd/p1/POWER1', '0', 2)).toEqual([
      'stat/p1/RESULT {"POWER":"OFF"}',
      'stat/p1/POWER OFF',
    ]);
  });

  it('answers a query (empty, "?" or an unknown word) with the state and changes nothing', async () => {
    const plug = await rig.plug({ topic: 'p2' });
    await command('cmnd/p2/POWER', '1', 2);
    expect(await command('cmnd/p2/POWER', '', 2)).toEqual([
      'stat/p2/RESULT {"POWER":"ON"}',
      'stat/p2/POWER ON',
    ]);
    expect(await command('cmnd/p2/POWER', '?', 2)).toEqual([
      'stat/p2/RESULT {"POWER":"ON"}',
      'stat/p2/POWER ON',
    ]);
    expect(await command('cmnd/p2/POWER', '5', 2)).toEqual([
      'stat/p2/RESULT {"POWER":"ON"}',
      'stat/p2/POWER ON',
    ]);
    expect(plug.relayState()).toBe(true);
  });

  it('names relays POWER1..n on a multi-relay plug and rejects an index beyond them', async () => {
    const plug = await rig.plug({ topic: 'p3', relays: 2 });
    expect(await command('cmnd/p3/POWER2', 'ON', 2)).toEqual([
      'stat/p3/RESULT {"POWER2":"ON"}',
      'stat/p3/POWER2 ON',
    ]);
    expect(plug.relayState(2)).toBe(true);
    expect(plug.relayState(1)).toBe(false);
    expect(await command('cmnd/p3/POWER', 'ON', 2)).toEqual([
      'stat/p3/RESULT {"POWER1":"ON"}',
      'stat/p3/POWER1 ON',
    ]);
    expect(await command('cmnd/p3/POWER3', 'ON', 1)).toEqual([
      'stat/p3/RESULT {"Command":"Error"}',
    ]);
    expect(await command('cmnd/p3/POWER0', 'OFF', 4)).toEqual([
      'stat/p3/RESULT {"POWER1":"OFF"}',
      'stat/p3/POWER1 OFF',
      'stat/p3/RESULT {"POWER2":"OFF"}',
      'stat/p3/POWER2 OFF',
    ]);
    expect(plug.relayState(1) || plug.relayState(2)).toBe(false);
  });

  it('rejects POWER2 on a single-relay plug', async () => {
    const plug = await rig.plug({ topic: 'p4' });
    expect(await command('cmnd/p4/POWER2', 'ON', 1)).toEqual([
      'stat/p4/RESULT {"Command":"Error"}',
    ]);
    expect(plug.relayState()).toBe(false);
  });

  it('answers an unknown command with {"Command":"Unknown"}', async () => {
    await rig.plug({ topic: 'p5' });
    expect(await command('cmnd/p5/FROBNICATE', '1', 1)).toEqual([
      'stat/p5/RESULT {"Command":"Unknown"}',
    ]);
    expect(await command('cmnd/p5/EnergyReset3', '0', 1)).toEqual([
      'stat/p5/RESULT {"Command":"Unknown"}',
    ]);
  });

  it('obeys the group topic and replies on its own topic', async () => {
    const a = await rig.plug({ topic: 'ga', mac: '111111000001' });
    const b = await rig.plug({ topic: 'gb', mac: '111111000002' });
    const from = rig.obs.mark();
    await rig.obs.publish('cmnd/tasmotas/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/ga/POWER' && m.payload === 'ON', from);
    await rig.obs.waitFor((m) => m.topic === 'stat/gb/POWER' && m.payload === 'ON', from);
    expect(a.relayState() && b.relayState()).toBe(true);
  });

  it('obeys its fallback topic and replies on the fallback topic', async () => {
    const plug = await rig.plug({ topic: 'pf', mac: 'AABBCC123456' });
    expect(await command('cmnd/DVES_123456_fb/POWER', 'ON', 2)).toEqual([
      'stat/DVES_123456_fb/RESULT {"POWER":"ON"}',
      'stat/DVES_123456_fb/POWER ON',
    ]);
    expect(plug.relayState()).toBe(true);
  });

  it('runs a Backlog in order with one reply per command', async () => {
    const plug = await rig.plug({ topic: 'pb' });
    const replies = await command('cmnd/pb/Backlog', 'Power on; PulseTime1 20; Power off', 5);
    expect(replies).toEqual([
      'stat/pb/RESULT {"POWER":"ON"}',
      'stat/pb/POWER ON',
      'stat/pb/RESULT {"PulseTime1":{"Set":20,"Remaining":20}}',
      'stat/pb/RESULT {"POWER":"OFF"}',
      'stat/pb/POWER OFF',
    ]);
    expect(plug.relayState()).toBe(false);
  });

  it('replies with the command as subtopic under SetOption4', async () => {
    await rig.plug({ topic: 'p6' });
    // The reply already goes out under the new setting.
    expect(await command('cmnd/p6/SetOption4', '1', 1)).toEqual([
      'stat/p6/SETOPTION4 {"SetOption4":"ON"}',
    ]);
    expect(await command('cmnd/p6/TelePeriod', '60', 1)).toEqual([
      'stat/p6/TELEPERIOD {"TelePeriod":60}',
    ]);
    expect(await command('cmnd/p6/POWER', 'ON', 2)).toEqual([
      'stat/p6/POWER {"POWER":"ON"}',
      'stat/p6/POWER ON',
    ]);
  });
});

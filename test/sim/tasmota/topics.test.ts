import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TopicLayout } from '../../../src/sim/tasmota/topics.js';
import { jsonOn, sleep } from './observer.js';
import { startRig } from './rig.js';
import type { Rig } from './rig.js';

const layout = (fullTopic: string): TopicLayout =>
  new TopicLayout({
    fullTopic,
    topic: 'plug',
    groupTopic: 'tasmotas',
    hostname: 'plug-1234',
    mac: 'DC4F22000001',
    clientId: 'DVES_000001',
  });

describe('TopicLayout (GetTopic_P rules)', () => {
  it('builds the default layout and its subscriptions', () => {
    const l = layout('%prefix%/%topic%/');
    expect(l.build('stat', 'RESULT')).toBe('stat/plug/RESULT');
    expect(l.build('stat', 'RESULT', true)).toBe('stat/DVES_000001_fb/RESULT');
    expect(l.subscriptions()).toEqual(['cmnd/plug/#', 'cmnd/tasmotas/#', 'cmnd/DVES_000001_fb/#']);
    expect(l.classify('cmnd/tasmotas/Power2')).toEqual({ origin: 'group', command: 'Power2' });
    expect(l.classify('cmnd/DVES_000001_fb/POWER')).toEqual({
      origin: 'fallback',
      command: 'POWER',
    });
    expect(l.classify('cmnd/other/POWER')).toBeUndefined();
  });

  it('appends /%prefix% for commands when FullTopic has none, and tidies slashes and #', () => {
    const l = layout('%topic%');
    expect(l.build('cmnd', 'POWER')).toBe('plug/cmnd/POWER');
    expect(l.build('tele', 'STATE')).toBe('plug/STATE');
    expect(layout('a//%prefix%/#/%topic%').build('stat', 'POWER')).toBe('a/stat/plug/POWER');
  });

  it('resolves %hostname% and %id%, and listens only on its own topic without %topic%', () => {
    const l = layout('site/%hostname%/%id%/%prefix%/');
    expect(l.build('tele', 'LWT')).toBe('site/plug-1234/DC4F22000001/tele/LWT');
    expect(l.subscriptions()).toEqual(['site/plug-1234/DC4F22000001/cmnd/#']);
    expect(l.classify('cmnd/DVES_000001_fb/POWER')).toBeUndefined();
  });
});

describe('Tasmota plug with a custom FullTopic', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('uses %topic%/%prefix%/ for LWT, commands, replies, group topic and discovery', async () => {
    const plug = await rig.plug({
      topic: 'ft1',
      fullTopic: '%topic%/%prefix%/',
      mac: 'DC4F22000AAA',
    });
    expect(rig.obs.on('ft1/tele/LWT').map((m) => m.payload)).toContain('Online');
    expect(rig.obs.on('ft1/tele/INFO1')).toHaveLength(1);
    expect(rig.obs.on('tele/ft1/LWT')).toEqual([]);

    let from = rig.obs.mark();
    await rig.obs.publish('ft1/cmnd/POWER', 'ON');
    await rig.obs.waitFor(
      (m) => m.topic === 'ft1/stat/RESULT' && m.payload === '{"POWER":"ON"}',
      from,
    );
    await rig.obs.waitFor((m) => m.topic === 'ft1/stat/POWER' && m.payload === 'ON', from);

    from = rig.obs.mark();
    await rig.obs.publish('tasmotas/cmnd/POWER', 'OFF');
    await rig.obs.waitFor((m) => m.topic === 'ft1/stat/POWER' && m.payload === 'OFF', from);
    expect(plug.relayState()).toBe(false);

    const cfg = await jsonOn(rig.obs, 'tasmota/discovery/DC4F22000AAA/config', 0);
    expect(cfg).toMatchObject({ ft: '%topic%/%prefix%/', t: 'ft1' });
  });

  it('uses home/%prefix%/%topic%/ and ignores the default layout', async () => {
    const plug = await rig.plug({ topic: 'ft2', fullTopic: 'home/%prefix%/%topic%/' });
    expect(rig.obs.on('home/tele/ft2/LWT').map((m) => m.payload)).toContain('Online');
    // The self-POWER goes to the custom command topic too.
    expect(rig.obs.on('home/cmnd/ft2/POWER').map((m) => m.payload)).toEqual(['']);

    await rig.obs.publish('cmnd/ft2/POWER', 'ON');
    await sleep(100);
    expect(plug.relayState()).toBe(false);

    let from = rig.obs.mark();
    await rig.obs.publish('home/cmnd/ft2/power', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'home/stat/ft2/POWER' && m.payload === 'ON', from);
    from = rig.obs.mark();
    await rig.obs.publish('home/cmnd/ft2/TelePeriod', '');
    await rig.obs.waitFor((m) => m.topic === 'home/tele/ft2/SENSOR', from);
    expect(
      rig.obs.messages
        .slice(from)
        .some((m) => m.topic.startsWith('stat/') || m.topic.startsWith('tele/')),
    ).toBe(false);
  });
});

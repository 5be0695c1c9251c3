import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonOn } from './observer.js';
import { T0, startRig } from './rig.js';
import type { Rig } from './rig.js';

describe('Tasmota plug PulseTime and Timers', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  /** Round trip through the plug, so everything it published before is in. */
  async function settle(topic: string): Promise<void> {
    const from = await rig.send(`cmnd/${topic}/POWER`, '');
    await rig.obs.waitFor((m) => m.topic === `stat/${topic}/POWER`, from);
  }

  it('turns the relay off when PulseTime runs out, restarting on every POWER ON', async () => {
    const plug = await rig.plug({ topic: 'pt' });
    let from = await rig.send('cmnd/pt/PulseTime1', '113'); // 13 s
    expect(await jsonOn(rig.obs, 'stat/pt/RESULT', from)).toEqual({
      PulseTime1: { Set: 113, Remaining: 113 },
    });
    from = await rig.send('cmnd/pt/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/pt/POWER' && m.payload === 'ON', from);

    rig.clock.now = T0 + 12_000;
    plug.tick();
    from = await rig.send('cmnd/pt/PulseTime1', '');
    // 1 s left, reported in tenths below 11.1 s.
    expect(await jsonOn(rig.obs, 'stat/pt/RESULT', from)).toEqual({
      PulseTime1: { Set: 113, Remaining: 10 },
    });
    expect(plug.relayState()).toBe(true);

    // POWER ON restarts the countdown.
    from = await rig.send('cmnd/pt/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/pt/POWER', from);
    rig.clock.now = T0 + 24_000;
    plug.tick();
    expect(plug.relayState()).toBe(true);

    from = rig.obs.mark();
    rig.clock.now = T0 + 25_000;
    plug.tick();
    expect(plug.relayState()).toBe(false);
    const off = await rig.obs.waitForCount((m) => m.topic.startsWith('stat/pt/'), 2, from);
    expect(off.map((m) => `${m.topic} ${m.payload}`)).toEqual([
      'stat/pt/RESULT {"POWER":"OFF"}',
      'stat/pt/POWER OFF',
    ]);

    from = await rig.send('cmnd/pt/PulseTime', '');
    expect(await jsonOn(rig.obs, 'stat/pt/RESULT', from)).toEqual({
      PulseTime: { Set: [113, 0, 0, 0, 0, 0, 0, 0], Remaining: [0, 0, 0, 0, 0, 0, 0, 0] },
    });
  });

  it('handles sub-second PulseTime on the real clock', async () => {
    const plug = await rig.plug({ topic: 'pr', clock: Date.now });
    await rig.send('cmnd/pr/PulseTime1', '3'); // 0.3 s
    const from = await rig.send('cmnd/pr/POWER', 'ON');
    await rig.obs.waitFor((m) => m.topic === 'stat/pr/POWER' && m.payload === 'ON', from);
    await rig.obs.waitFor((m) => m.topic === 'stat/pr/POWER' && m.payload === 'OFF', from, 900);
    expect(plug.relayState()).toBe(false);
  });

  it('replies to Timer with the firmware shape and fires it at its minute', async () => {
    // T0 is Monday 07:28.
    const plug = await rig.plug({ topic: 'tm' });
    let from = await rig.send('cmnd/tm/Timers', '1');
    const timers = await jsonOn(rig.obs, 'stat/tm/RESULT', from);
    expect(timers.Timers).toBe('ON');
    expect(Object.keys(timers)).toHaveLength(17);

    from = await rig.send(
      'cmnd/tm/Timer1',
      '{"Enable":1,"Mode":0,"Time":"07:30","Window":0,"Days":"-M-----","Repeat":0,"Output":1,"Action":1}',
    );
    const raw = await rig.obs.waitFor((m) => m.topic === 'stat/tm/RESULT', from);
    expect(raw.payload).toBe(
      '{"Timer1":{"Enable":1,"Mode":0,"Time":"07:30","Window":0,"Days":"0100000","Repeat":0,"Output":1,"Action":1}}',
    );

    from = rig.obs.mark();
    rig.clock.now = Date.UTC(2024, 0, 15, 7, 29, 59);
    plug.tick();
    await settle('tm');
    expect(plug.relayState()).toBe(false);

    rig.clock.now = Date.UTC(2024, 0, 15, 7, 30, 0);
    plug.tick();
    expect(plug.relayState()).toBe(true);
    await rig.obs.waitFor((m) => m.topic === 'stat/tm/POWER' && m.payload === 'ON', from);

    // One-shot: disarmed after firing.
    from = await rig.send('cmnd/tm/Timer1', '');
    expect(await jsonOn(rig.obs, 'stat/tm/RESULT', from)).toHaveProperty('Timer1.Enable', 0);
  });

  it('repeats a timer on matching days only, and not at all while Timers are off', async () => {
    const plug = await rig.plug({ topic: 'tr' });
    await rig.send(
      'cmnd/tr/Timer2',
      '{"Enable":1,"Time":"08:00","Days":"0011111","Repeat":1,"Action":2}',
    );
    // Timers are off by default, as on a fresh Tasmota.
    rig.clock.now = Date.UTC(2024, 0, 15, 8, 0, 0);
    plug.tick();
    await settle('tr');
    expect(plug.relayState()).toBe(false);

    await rig.send('cmnd/tr/Timers', 'ON');
    // Monday is not in the mask (Tuesday..Saturday).
    rig.clock.now = Date.UTC(2024, 0, 15, 8, 1, 0);
    plug.tick();
    rig.clock.now = Date.UTC(2024, 0, 16, 7, 59, 0);
    plug.tick();
    await settle('tr');
    expect(plug.relayState()).toBe(false);
    // Tuesday 08:00: toggles on; Wednesday 08:00 (one jump of a day): toggles off.
    rig.clock.now = Date.UTC(2024, 0, 16, 8, 0, 30);
    plug.tick();
    expect(plug.relayState()).toBe(true);
    rig.clock.now = Date.UTC(2024, 0, 17, 9, 0, 0);
    plug.tick();
    expect(plug.relayState()).toBe(false);
  });

  it('copies, clears and rejects invalid timer payloads', async () => {
    await rig.plug({ topic: 'tc' });
    let from = await rig.send(
      'cmnd/tc/Timer1',
      '{"Enable":1,"Time":"21:15","Days":"1111111","Repeat":1,"Action":0}',
    );
    await jsonOn(rig.obs, 'stat/tc/RESULT', from);
    from = await rig.send('cmnd/tc/Timer3', '1');
    expect(await jsonOn(rig.obs, 'stat/tc/RESULT', from)).toMatchObject({
      Timer3: { Enable: 1, Time: '21:15', Days: '1111111', Action: 0 },
    });
    from = await rig.send('cmnd/tc/Timer3', '0');
    expect(await jsonOn(rig.obs, 'stat/tc/RESULT', from)).toMatchObject({
      Timer3: { Enable: 0, Time: '00:00' },
    });
    from = await rig.send('cmnd/tc/Timer2', '{not json');
    expect(await jsonOn(rig.obs, 'stat/tc/RESULT', from)).toEqual({ Timer2: 'Invalid JSON' });
    from = await rig.send('cmnd/tc/Timer17', '');
    expect(await jsonOn(rig.obs, 'stat/tc/RESULT', from)).toEqual({ Command: 'Error' });
  });
});

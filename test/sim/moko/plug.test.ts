import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MokoPlug } from '../../../src/sim/moko/plug.js';
import { sleep } from '../tasmota/observer.js';
import { startMokoRig, type MokoRig } from './rig.js';

describe('simulated Moko plug on its broker (spec §3)', () => {
  let rig: MokoRig;
  beforeEach(async () => {
    rig = await startMokoRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  /** Wait until `n` messages on device/<field> have arrived since `from`. */
  async function wait(plug: MokoPlug, field: string, n: number, from: number) {
    await rig.obs.waitForCount((m) => m.topic === `${plug.base}device/${field}`, n, from);
    return rig.reports(plug, field, from);
  }

  async function command(plug: MokoPlug, field: string, body: unknown): Promise<number> {
    const handled = once(plug, 'command');
    const from = await rig.send(plug, field, body);
    await handled;
    return from;
  }

  it('publishes switch_state on connect, on every switch and every 30 s', async () => {
    const from = rig.obs.mark();
    const plug = await rig.plug();
    expect(rig.reports(plug, 'switch_state', from)).toEqual([{ switch_state: 'off' }]);
    expect(plug.base).toMatch(/^iot_plug\/plug_one\/us\/([0-9a-f]{2}:){5}[0-9a-f]{2}\/$/);

    const c = await command(plug, 'switch_state', { switch_state: 'on' });
    expect(await wait(plug, 'switch_state', 1, c)).toEqual([{ switch_state: 'on' }]);
    expect(plug.isOn()).toBe(true);

    const h = rig.obs.mark();
    rig.advance(29_000);
    await sleep(100);
    expect(rig.reports(plug, 'switch_state', h)).toEqual([]);
    rig.advance(1000);
    expect(await wait(plug, 'switch_state', 1, h)).toEqual([{ switch_state: 'on' }]);
  });

  it('reports electricity every second in 0.1 V, mA and W; a plug without metering does not', async () => {
    const plug = await rig.plug({ loadWatts: 2300 });
    const quiet = await rig.plug({
      identity: { ...plug.identity, device_mac: '11:22:33:44:55:66', device_type: '0' },
    });
    await command(plug, 'switch_state', { switch_state: 'on' });
    const from = rig.obs.mark();
    rig.advance(3000);
    expect(await wait(plug, 'electricity_information', 3, from)).toEqual([
      { voltage: 2300, current: 10_000, power: 2300 },
      { voltage: 2300, current: 10_000, power: 2300 },
      { voltage: 2300, current: 10_000, power: 2300 },
    ]);
    expect(rig.reports(quiet, 'electricity_information', from)).toEqual([]);
  });

  it('answers read_firmware_infor with what it is', async () => {
    const plug = await rig.plug({ firmwareVersion: '000007' });
    const from = await command(plug, 'read_firmware_infor', '');
    expect(await wait(plug, 'firmware_infor', 1, from)).toEqual([
      {
        company_name: 'moko',
        production_date: '201801',
        product_model: 'plug_one',
        firmware_version: '000007',
        device_mac: plug.identity.device_mac,
      },
    ]);
  });

  describe('countdown (§3.2.3)', () => {
    /** Start a countdown and wait for its first report. */
    async function countdown(plug: MokoPlug, h: number, m: number): Promise<void> {
      const from = await command(plug, 'delay_time', { delay_hour: h, delay_minute: m });
      await wait(plug, 'delay_time', 1, from);
    }

    it('reports the time left every second, then switches to the opposite state', async () => {
      const plug = await rig.plug({ powerOn: true });
      const from = await command(plug, 'delay_time', { delay_hour: 0, delay_minute: 1 });
      expect(await wait(plug, 'delay_time', 1, from)).toEqual([
        { delay_hour: 0, delay_minute: 1, delay_second: 0, switch_state: 'off' },
      ]);
      rig.advance(3000);
      const r = await wait(plug, 'delay_time', 4, from);
      expect(r.map((x) => x.delay_second)).toEqual([0, 59, 58, 57]);
      const s = rig.obs.mark();
      rig.advance(57_000);
      const tail = await wait(plug, 'delay_time', 57, s);
      expect(tail.at(-1)).toEqual({
        delay_hour: 0,
        delay_minute: 0,
        delay_second: 0,
        switch_state: 'off',
      });
      // The 30 s heartbeat said "on" on the way; the expiry says "off".
      expect((await wait(plug, 'switch_state', 2, s)).at(-1)).toEqual({ switch_state: 'off' });
      expect(plug.isOn()).toBe(false);
      expect(plug.countdownRunning()).toBe(false);
    });

    it('hours and minutes as sent: 23:59 is 86340 s', async () => {
      const plug = await rig.plug();
      const from = await command(plug, 'delay_time', { delay_hour: 23, delay_minute: 59 });
      expect(await wait(plug, 'delay_time', 1, from)).toEqual([
        { delay_hour: 23, delay_minute: 59, delay_second: 0, switch_state: 'on' },
      ]);
    });

    it('a state change cancels it without a word', async () => {
      const plug = await rig.plug({ powerOn: true });
      await countdown(plug, 0, 5);
      const from = await command(plug, 'switch_state', { switch_state: 'off' });
      await wait(plug, 'switch_state', 1, from);
      rig.advance(5000);
      await sleep(100);
      expect(rig.reports(plug, 'delay_time', from)).toEqual([]);
      expect(plug.countdownRunning()).toBe(false);
    });

    it('switching to the state it is already in changes nothing and leaves it running', async () => {
      const plug = await rig.plug({ powerOn: true });
      await countdown(plug, 0, 5);
      const from = await command(plug, 'switch_state', { switch_state: 'on' });
      rig.advance(1000);
      expect((await wait(plug, 'delay_time', 1, from))[0]).toMatchObject({
        delay_minute: 4,
        delay_second: 59,
      });
    });

    it('a new countdown replaces the running one', async () => {
      const plug = await rig.plug({ powerOn: true });
      await countdown(plug, 0, 5);
      const ten = rig.obs.mark();
      rig.advance(10_000);
      await wait(plug, 'delay_time', 10, ten);
      const from = await command(plug, 'delay_time', { delay_hour: 2, delay_minute: 0 });
      expect(await wait(plug, 'delay_time', 1, from)).toEqual([
        { delay_hour: 2, delay_minute: 0, delay_second: 0, switch_state: 'off' },
      ]);
    });

    it('a power cycle cancels it; the plug comes back in its power-on state', async () => {
      const plug = await rig.plug({ powerOn: false });
      await countdown(plug, 0, 5);
      const from = rig.obs.mark();
      await plug.powerCycle();
      expect(await wait(plug, 'switch_state', 1, from)).toEqual([{ switch_state: 'off' }]);
      rig.advance(3000);
      await sleep(100);
      expect(rig.reports(plug, 'delay_time', from)).toEqual([]);
    });

    it('ignores countdowns out of range', async () => {
      const plug = await rig.plug();
      const from = await command(plug, 'delay_time', { delay_hour: 24, delay_minute: 0 });
      rig.advance(2000);
      await sleep(100);
      expect(rig.reports(plug, 'delay_time', from)).toEqual([]);
    });
  });

  it('a 10 s button press publishes delete_device and leaves the broker; a short one does nothing', async () => {
    const plug = await rig.plug();
    const from = rig.obs.mark();
    await plug.pressButton(3);
    rig.advance(1000);
    await wait(plug, 'electricity_information', 1, from);
    expect(rig.reports(plug, 'delete_device', from)).toEqual([]);
    const reset = once(plug, 'reset');
    await plug.pressButton(10);
    await reset;
    expect(await wait(plug, 'delete_device', 1, from)).toEqual([{}]);
  });

  it('app/reset: the plug leaves its broker', async () => {
    const plug = await rig.plug();
    const reset = once(plug, 'reset');
    await rig.send(plug, 'reset', '');
    await reset;
    const from = rig.obs.mark();
    rig.advance(31_000);
    await sleep(100);
    expect(rig.obs.messages.slice(from)).toEqual([]);
  });

  describe('faults', () => {
    it('never-reply: the command is taken, nothing changes, nothing is said', async () => {
      const plug = await rig.plug({ faults: { neverReply: true } });
      const from = await command(plug, 'switch_state', { switch_state: 'on' });
      await sleep(100);
      expect(plug.isOn()).toBe(false);
      expect(rig.reports(plug, 'switch_state', from)).toEqual([]);
    });

    it('duplicate: every message twice', async () => {
      const plug = await rig.plug({ faults: { duplicate: true } });
      const from = await command(plug, 'switch_state', { switch_state: 'on' });
      expect(await wait(plug, 'switch_state', 2, from)).toEqual([
        { switch_state: 'on' },
        { switch_state: 'on' },
      ]);
    });

    it('no-heartbeat: no periodic switch_state, electricity goes on', async () => {
      const plug = await rig.plug({ faults: { noHeartbeat: true } });
      const from = rig.obs.mark();
      rig.advance(61_000);
      await wait(plug, 'electricity_information', 61, from);
      expect(rig.reports(plug, 'switch_state', from)).toEqual([]);
    });

    it('reply-late: switches at once, says so late', async () => {
      const plug = await rig.plug({ faults: { replyDelayMs: 300 } });
      const from = await command(plug, 'switch_state', { switch_state: 'on' });
      expect(plug.isOn()).toBe(true);
      expect(rig.reports(plug, 'switch_state', from)).toEqual([]);
      expect(await wait(plug, 'switch_state', 1, from)).toEqual([{ switch_state: 'on' }]);
    });
  });
});

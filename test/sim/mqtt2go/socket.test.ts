import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Mqtt2goSocket, Mqtt2goSocketOptions } from '../../../src/sim/mqtt2go/socket.js';
import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import { Observer, type Seen } from '../tasmota/observer.js';
import { T0, testSocket } from './sockets.js';

const S0 = Math.floor(T0 / 1000);

describe('simulated MQTT2GO sockets', () => {
  let broker: TestBroker;
  let obs: Observer;
  const clock = { now: T0 };
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    clock.now = T0;
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url);
  });
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    await obs.client.endAsync();
    await broker.close();
  });

  async function socket(opts: Partial<Mqtt2goSocketOptions> = {}): Promise<Mqtt2goSocket> {
    const s = testSocket(broker.url, clock, cleanup, opts);
    const from = obs.mark();
    await s.start();
    // Its hello (state and one round of reports) is in before the test goes on.
    await obs.waitForCount(() => true, 5, from);
    return s;
  }

  async function send(topic: string, body: unknown): Promise<number> {
    const from = obs.mark();
    const client = await mqtt.connectAsync(broker.url);
    await client.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), {
      qos: 1,
    });
    await client.endAsync();
    return from;
  }

  async function json(topic: string, from: number): Promise<Record<string, unknown>> {
    const m: Seen = await obs.waitFor((x) => x.topic === topic, from);
    expect(m.retain).toBe(false);
    return JSON.parse(m.payload) as Record<string, unknown>;
  }

  describe('2.1', () => {
    it('says its state on connect and reports every interval with priority 2', async () => {
      const from = obs.mark();
      const s = await socket({ powerOn: true, intervalMs: 10_000 });
      expect(await json('BRQ/BUT/powr2/state/out', from)).toEqual({
        priority_level: 2,
        type: 'status',
        timestamp: S0,
        report: 'on',
      });
      expect(await json('BRQ/BUT/powr2/power/out', from)).toEqual({
        priority_level: 2,
        type: 'periodic_report',
        timestamp: S0,
        report: { value: 115, unit: 'W' },
      });
      expect(await json('BRQ/BUT/powr2/voltage/out', from)).toMatchObject({
        report: { value: 230, unit: 'V' },
      });
      expect(await json('BRQ/BUT/powr2/current/out', from)).toMatchObject({
        report: { value: 0.5, unit: 'A' },
      });

      const next = obs.mark();
      clock.now = T0 + 10_000;
      s.tick();
      // 115 W for 10 s, cumulative.
      expect(await json('BRQ/BUT/powr2/consumption/out', next)).toEqual({
        priority_level: 2,
        type: 'periodic_report',
        timestamp: S0 + 10,
        report: { value: 1150, unit: 'Ws' },
      });
    });

    it('switches on switch/in and confirms on switch/out', async () => {
      const s = await socket();
      const from = await send('BRQ/BUT/powr2/switch/in', {
        type: 'set',
        timestamp: 1,
        value: 'on',
      });
      expect(await json('BRQ/BUT/powr2/switch/out', from)).toEqual({
        priority_level: 2,
        type: 'command_response',
        timestamp: S0,
        value: 'on',
      });
      expect(s.isOn).toBe(true);
      const bad = await send('BRQ/BUT/powr2/switch/in', { type: 'set', value: 'dim' });
      expect(await json('BRQ/BUT/powr2/switch/out', bad)).toMatchObject({
        type: 'error',
        value: { event: 'error', reason: 'value must be on or off, got "dim"' },
      });
      expect(s.isOn).toBe(true);
    });

    it('runs a daily set_timer action at its time, and again the next day', async () => {
      const s = await socket();
      const value = { unit: 'hh:mm:ss', time: '02:12:00', action: 'on' };
      const from = await send('BRQ/BUT/powr2/timer/in', { type: 'set', timestamp: 1, value });
      expect(await json('BRQ/BUT/powr2/timer/out', from)).toMatchObject({
        type: 'command_response',
        value,
      });
      expect(s.timers()).toEqual({ '02:12:00': 'on' });

      clock.now = T0 + 9_000; // 02:11:59
      s.tick();
      expect(s.isOn).toBe(false);
      const fired = obs.mark();
      clock.now = T0 + 10_000; // 02:12:00
      s.tick();
      expect(s.isOn).toBe(true);
      expect(await json('BRQ/BUT/powr2/state/out', fired)).toMatchObject({
        type: 'status',
        report: 'on',
      });

      // Off by hand, then the same time tomorrow switches it on again.
      await send('BRQ/BUT/powr2/switch/in', { type: 'set', value: 'off' });
      await obs.waitFor((m) => m.topic === 'BRQ/BUT/powr2/switch/out' && m.payload.includes('off'));
      clock.now = T0 + 86_400_000 + 10_000;
      s.tick();
      expect(s.isOn).toBe(true);
    });

    it('answers about; confirms remove, resets and falls silent', async () => {
      const s = await socket({ powerOn: true });
      let from = await send('BRQ/BUT/powr2/about/in', {
        priority_level: 2,
        timestamp: 1,
        type: 'query',
      });
      const about = await json('BRQ/BUT/powr2/about/out', from);
      expect(about).toMatchObject({ type: 'command_response', priority_level: 2 });
      expect(about.value).toMatchObject({ device_id: 'powr2', status: 'ok' });
      expect((about.value as { topics: string[] }).topics).toContain('BRQ/BUT/powr2/switch');

      from = await send('BRQ/BUT/powr2/remove/in', {
        type: 'control',
        timestamp: 1,
        value: 'true',
      });
      expect(await json('BRQ/BUT/powr2/remove/out', from)).toMatchObject({
        type: 'command_response',
        value: true,
      });
      expect(s.isOn).toBe(false);
      expect(s.consumptionWs).toBe(0);
      const after = obs.mark();
      clock.now = T0 + 60_000;
      s.tick();
      await send('BRQ/BUT/powr2/about/in', { type: 'query' });
      await new Promise((r) => setTimeout(r, 100));
      expect(obs.messages.slice(after).filter((m) => m.topic.endsWith('/out'))).toEqual([]);
    });
  });

  describe('1.2', () => {
    const TOPIC = 'BRQ/BUT/kitchen/socket/s12';
    const v1 = { version: '1.2', devId: 's12', group: 'kitchen' } as const;
    const reports = (from: number) =>
      obs.messages
        .slice(from)
        .filter((m) => m.topic === TOPIC)
        .map((m) => JSON.parse(m.payload) as Record<string, unknown>)
        .filter((p) => p.type === 'report');

    it('reports on its one topic with report_name, periodic_report and priority 2', async () => {
      const from = obs.mark();
      await socket({ ...v1, powerOn: true });
      const r = reports(from);
      expect(r).toContainEqual({
        type: 'report',
        priority_level: 2,
        report_type: 'periodic_report',
        timestamp: S0,
        report_name: 'power',
        report: { value: 115, unit: 'W' },
      });
      expect(r.map((x) => x.report_name)).toEqual([
        'state',
        'power',
        'voltage',
        'current',
        'consumption',
      ]);
    });

    it('set and set_timer as command_type; query state', async () => {
      const s = await socket(v1);
      let from = await send(TOPIC, {
        type: 'command',
        timestamp: 1,
        command_type: 'set',
        value: 'on',
      });
      await obs.waitFor((m) => m.topic === TOPIC && m.payload.includes('command_response'), from);
      expect(reports(from)).toEqual([
        {
          type: 'report',
          priority_level: 2,
          report_type: 'command_response',
          timestamp: S0,
          report_name: 'state',
          report: 'on',
        },
      ]);
      from = await send(TOPIC, {
        type: 'command',
        timestamp: 1,
        command_type: 'set_timer',
        value: { unit: 'hh:mm:ss', time: '02:12:00', action: 'off' },
      });
      await obs.waitFor((m) => m.topic === TOPIC && m.payload.includes('"timer"'), from);
      clock.now = T0 + 10_000;
      s.tick();
      expect(s.isOn).toBe(false);
      from = await send(TOPIC, { type: 'command', command_type: 'query', value: 'state' });
      await obs.waitFor((m) => m.topic === TOPIC && m.payload.includes('command_response'), from);
      const answers = reports(from).filter((r) => r.report_type === 'command_response');
      expect(answers).toMatchObject([{ report_name: 'state', report: 'off' }]);
    });
  });

  describe('faults', () => {
    it('never-reply swallows commands; duplicate says everything twice', async () => {
      const quiet = await socket({ faults: { neverReply: true } });
      const from = await send('BRQ/BUT/powr2/switch/in', { type: 'set', value: 'on' });
      const loud = await socket({ devId: 'twice', faults: { duplicate: true } });
      const dup = await send('BRQ/BUT/twice/switch/in', { type: 'set', value: 'on' });
      await obs.waitForCount((m) => m.topic === 'BRQ/BUT/twice/switch/out', 2, dup);
      expect(loud.isOn).toBe(true);
      expect(quiet.isOn).toBe(false);
      expect(obs.on('BRQ/BUT/powr2/switch/out', from)).toEqual([]);
    });

    it('reply-late: the relay switches at once, the answer comes after', async () => {
      const s = await socket({ faults: { replyDelayMs: 200 } });
      const order: string[] = [];
      s.on('command', () => order.push(`command, on=${s.isOn}`));
      s.on('publish', (m: { topic: string }) => order.push(m.topic));
      const from = await send('BRQ/BUT/powr2/switch/in', { type: 'set', value: 'on' });
      await obs.waitFor((m) => m.topic === 'BRQ/BUT/powr2/switch/out', from);
      expect(order).toEqual(['command, on=true', 'BRQ/BUT/powr2/switch/out']);
    });

    it('counter-reset: the cumulative consumption starts again from 0', async () => {
      const s = await socket({ powerOn: true });
      clock.now = T0 + 10_000;
      s.tick();
      expect(s.consumptionWs).toBe(1150);
      s.resetCounter();
      const from = obs.mark();
      clock.now = T0 + 20_000;
      s.tick();
      // 10 s at 115 W since the reset, not 2300 Ws since boot.
      expect(await json('BRQ/BUT/powr2/consumption/out', from)).toMatchObject({
        report: { value: 1150, unit: 'Ws' },
      });
      expect(s.consumptionWs).toBe(1150);
    });

    it('no-ntp: timestamps from 1970 and timers never fire', async () => {
      const from = obs.mark();
      const s = await socket({ faults: { noNtp: true } });
      expect((await json('BRQ/BUT/powr2/power/out', from)).timestamp).toBe(0);
      const value = { unit: 'hh:mm:ss', time: '02:12:00', action: 'on' };
      const t = await send('BRQ/BUT/powr2/timer/in', { type: 'set', value });
      await obs.waitFor((m) => m.topic === 'BRQ/BUT/powr2/timer/out', t);
      clock.now = T0 + 10_000;
      s.tick();
      expect(s.isOn).toBe(false);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CountdownResult,
  DeviceSnapshotSchema,
  ErrorBody,
  PowerResult,
  StatusBody,
  TimerList,
  TimerResult,
} from '../../../src/api/http/schemas.js';
import type { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import { expectProblem, type ApiClient } from '../../helpers/http-api.js';
import { eventually } from '../../helpers/hub.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

/** One good body for each command, to check what every command meets. */
const EVERY_COMMAND = [
  ['power', { state: 'on' }],
  ['countdown', { seconds: 5, state: 'off' }],
  ['timers', { time: '07:00', state: 'on' }],
] as const;

/** The POWER states a Tasmota plug announced (stat/<topic>/POWER), in order. */
function powerLog(plug: TasmotaPlug): string[] {
  const seen: string[] = [];
  plug.on('publish', (m: { topic: string; payload: string }) => {
    if (m.topic === `stat/${plug.topic}/POWER`) seen.push(m.payload);
  });
  return seen;
}

/**
 * Commands through the real server to simulated plugs: what the API answers
 * is checked against the relay of the simulated device itself.
 */
describe('HTTP API: commands', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let plug: TasmotaPlug;
  let mokoId: string;

  beforeAll(async () => {
    hub = await startApiHub({ 'command-timeout': '1000' });
    ({ api, peers } = hub);
    plug = await peers.tasmota('cmd_plug');
    mokoId = (await peers.moko('cmdmoko')).id;
  });
  afterAll(() => hub.stop());

  const device = async (id: string) =>
    DeviceSnapshotSchema.parse((await api.get(`/api/devices/${id}`)).body);

  it('switches on, off and over, answering with the state the plug confirmed', async () => {
    for (const [state, on] of [
      ['on', true],
      ['off', false],
      ['toggle', true],
      ['toggle', false],
    ] as const) {
      const r = await api.post('/api/devices/cmd_plug/power', { state });
      expect(r.status).toBe(200);
      expect(PowerResult.parse(r.body)).toEqual({
        id: 'cmd_plug',
        relay: 1,
        state: on ? 'on' : 'off',
      });
      expect(plug.relayState(1)).toBe(on);
      expect((await device('cmd_plug')).relays).toEqual([{ relay: 1, state: on ? 'on' : 'off' }]);
    }
    const explicit = await api.post('/api/devices/cmd_plug/power', { relay: 1, state: 'on' });
    expect(explicit.body).toEqual({ id: 'cmd_plug', relay: 1, state: 'on' });
    expect(plug.relayState(1)).toBe(true);
    await api.post('/api/devices/cmd_plug/power', { state: 'off' });
  });

  it('refuses a bad power body with 400 naming each problem, switching nothing', async () => {
    const post = (body: unknown) => api.post('/api/devices/cmd_plug/power', body);
    const unknownKey = await post({ state: 'on', brightness: 50 });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.body.error).toMatch(/brightness/);
    expectProblem(await post({ state: 'dim' }), 'body.state');
    expectProblem(await post({ state: 'ON' }), 'body.state');
    expectProblem(await post({}), 'body.state');
    expectProblem(await post({ relay: 0, state: 'on' }), 'body.relay');
    expectProblem(await post({ relay: 1.5, state: 'on' }), 'body.relay');
    expectProblem(await post({ relay: '1', state: 'on' }), 'body.relay');
    const both = await post({ relay: 0, state: 'dim' });
    expectProblem(both, 'body.relay');
    expectProblem(both, 'body.state');
    expectProblem(await api.send('POST', '/api/devices/cmd_plug/power'), 'body.state');
    // A relay the plug does not have is the hub's answer, still a 400.
    const relay2 = await post({ relay: 2, state: 'on' });
    expect(relay2.status).toBe(400);
    expect(ErrorBody.parse(relay2.body)).toEqual({
      error: 'relay must be an integer from 1 to 1 for device "cmd_plug"',
      code: 'bad_request',
    });
    expect(plug.relayState(1)).toBe(false);
  });

  it('answers 404 for an unknown device, for every command', async () => {
    for (const [path, body] of EVERY_COMMAND) {
      const r = await api.post(`/api/devices/nope/${path}`, body);
      expect(r.status, path).toBe(404);
      expect(ErrorBody.parse(r.body)).toEqual({
        error: 'No device with id "nope"',
        code: 'not_found',
      });
    }
    expect((await api.get('/api/devices/nope/timers')).status).toBe(404);
  });

  it('answers 504 "The SmartPlug is unreachable" for an offline plug, and for one that does not confirm', async () => {
    await peers.gone(await peers.tasmota('cmd_gone'));
    for (const [path, body] of EVERY_COMMAND) {
      const r = await api.post(`/api/devices/cmd_gone/${path}`, body);
      expect(r.status, path).toBe(504);
      const err = ErrorBody.parse(r.body);
      expect(err.code).toBe('unreachable');
      expect(err.error).toMatch(/^The SmartPlug is unreachable \(device says offline/);
    }

    const mute = await peers.tasmota('cmd_mute');
    mute.setFaults({ neverReply: true });
    const r = await api.post('/api/devices/cmd_mute/power', { state: 'on' });
    expect(r.status).toBe(504);
    expect(ErrorBody.parse(r.body)).toEqual({
      error: 'The SmartPlug is unreachable',
      code: 'unreachable',
    });
  });

  it('counts down on the plug itself (Tasmota PulseTime): on now, off when it ends', async () => {
    const log = powerLog(plug);
    const before = Date.now();
    const r = await api.post('/api/devices/cmd_plug/countdown', { seconds: 1, state: 'off' });
    const after = Date.now();
    expect(r.status).toBe(200);
    const body = CountdownResult.parse(r.body);
    expect(body).toMatchObject({
      id: 'cmd_plug',
      relay: 1,
      seconds: 1,
      state: 'off',
      by: 'device',
    });
    const endsAt = Date.parse(body.endsAt);
    expect(endsAt).toBeGreaterThanOrEqual(before + 1000);
    expect(endsAt).toBeLessThanOrEqual(after + 1000);
    await eventually(() => log.join() === 'ON,OFF', 5000, `ON then OFF from the plug, got ${log}`);
    expect(plug.relayState(1)).toBe(false);
    await eventually(async () => (await device('cmd_plug')).relays[0]?.state === 'off');
  });

  it('runs the countdown itself where the plug cannot (Tasmota to on): the plug switches when it ends', async () => {
    const r = await api.post('/api/devices/cmd_plug/countdown', { seconds: 1, state: 'on' });
    expect(r.status).toBe(200);
    const body = CountdownResult.parse(r.body);
    expect(body).toMatchObject({ id: 'cmd_plug', relay: 1, seconds: 1, state: 'on', by: 'hub' });
    const running = await device('cmd_plug');
    expect(running.countdowns).toEqual([{ relay: 1, state: 'on', endsAt: body.endsAt }]);
    await eventually(() => plug.relayState(1), 5000, 'the plug switched on by the hub');
    await eventually(async () => (await device('cmd_plug')).countdowns.length === 0);
    expect((await device('cmd_plug')).relays).toEqual([{ relay: 1, state: 'on' }]);
    await api.post('/api/devices/cmd_plug/power', { state: 'off' });
  });

  it("lists the plug's own countdown in place of the hub's it replaced, until the relay gets there", async () => {
    const hub = CountdownResult.parse(
      (await api.post('/api/devices/cmd_plug/countdown', { seconds: 600, state: 'on' })).body,
    );
    expect(hub.by).toBe('hub');
    expect((await device('cmd_plug')).countdowns).toEqual([
      { relay: 1, state: 'on', endsAt: hub.endsAt },
    ]);
    const own = CountdownResult.parse(
      (await api.post('/api/devices/cmd_plug/countdown', { seconds: 900, state: 'off' })).body,
    );
    expect(own.by).toBe('device');
    expect((await device('cmd_plug')).countdowns).toEqual([
      { relay: 1, state: 'off', endsAt: own.endsAt },
    ]);
    // PulseTime switches the plug on now; switched off, its countdown is over.
    await eventually(() => plug.relayState(1), 5000, 'the plug on for its countdown');
    await api.post('/api/devices/cmd_plug/power', { state: 'off' });
    await eventually(async () => (await device('cmd_plug')).countdowns.length === 0);
  });

  it('refuses countdowns of 0 s, a day or more, fractions and bad bodies', async () => {
    const post = (body: unknown) => api.post('/api/devices/cmd_plug/countdown', body);
    for (const seconds of [0, -5, 86_400, 1.5, '10', null])
      expectProblem(await post({ seconds, state: 'off' }), 'body.seconds');
    const day = await post({ seconds: 86_400, state: 'off' });
    expect(day.body.error).toContain('1 to 86399');
    expectProblem(await post({ seconds: 10 }), 'body.state');
    expectProblem(await post({ seconds: 10, state: 'toggle' }), 'body.state');
    expectProblem(await post({ seconds: 10, state: 'off', relay: 0 }), 'body.relay');
    expect((await post({ seconds: 10, state: 'off', minutes: 1 })).status).toBe(400);
    // The largest countdown is taken where the hub runs it (then cancelled by switching)…
    const max = await post({ seconds: 86_399, state: 'on' });
    expect(CountdownResult.parse(max.body)).toMatchObject({ seconds: 86_399, by: 'hub' });
    expect((await device('cmd_plug')).countdowns).toHaveLength(1);
    await api.post('/api/devices/cmd_plug/power', { state: 'off' });
    expect((await device('cmd_plug')).countdowns).toEqual([]);
    // …while the plug's own PulseTime stops at 18 h, and says so.
    const long = await post({ seconds: 86_399, state: 'off' });
    expect(long.status).toBe(400);
    expect(ErrorBody.parse(long.body).error).toMatch(/18 h/);
    expect(plug.relayState(1)).toBe(false);
  });

  it('sets a daily timer on the plug itself, HH:MM normalised to HH:MM:SS', async () => {
    const r = await api.post('/api/devices/cmd_plug/timers', { time: '07:30', state: 'on' });
    expect(r.status).toBe(200);
    expect(TimerResult.parse(r.body)).toEqual({
      id: 'cmd_plug',
      relay: 1,
      slot: 1,
      time: '07:30:00',
      state: 'on',
      enabled: true,
      by: 'device',
    });
    await eventually(() => plug.timer(1).arm, 5000, 'Timer1 armed on the plug');
    expect(plug.timer(1)).toMatchObject({
      time: 7 * 60 + 30,
      action: 1,
      device: 0,
      timersOn: true,
    });
    const slot3 = await api.post('/api/devices/cmd_plug/timers', {
      slot: 3,
      time: '22:05:00',
      state: 'off',
    });
    expect(TimerResult.parse(slot3.body)).toMatchObject({
      slot: 3,
      time: '22:05:00',
      by: 'device',
    });
    await eventually(() => plug.timer(3).arm);
    expect(plug.timer(3)).toMatchObject({ time: 22 * 60 + 5, action: 0 });
    // Timers the plug runs are not read back.
    expect((await api.get('/api/devices/cmd_plug/timers')).body).toEqual({ timers: [] });
  });

  it('refuses a bad timer with 400 naming the field', async () => {
    const post = (body: unknown) => api.post('/api/devices/cmd_plug/timers', body);
    for (const time of ['24:00', '7:30', '07:60', '07:30:60', 'noon', '', 730])
      expectProblem(await post({ time, state: 'on' }), 'body.time');
    expect((await post({ time: '24:00', state: 'on' })).body.problems).toEqual([
      'body.time: must be HH:MM or HH:MM:SS (24 h)',
    ]);
    expectProblem(await post({ time: '07:00', state: 'toggle' }), 'body.state');
    expectProblem(await post({ time: '07:00', state: 'on', slot: 0 }), 'body.slot');
    expectProblem(await post({ time: '07:00', state: 'on', slot: 17 }), 'body.slot');
    expectProblem(await post({ time: '07:00', state: 'on', enabled: 'yes' }), 'body.enabled');
    expect((await post({ time: '07:00', state: 'on', days: 'mon' })).status).toBe(400);
    // A Tasmota timer fires on the minute: seconds would not be kept, so they are refused.
    const seconds = await post({ time: '07:30:15', state: 'on' });
    expect(seconds.status).toBe(400);
    expect(seconds.body.error).toBe(
      'Tasmota timers fire on whole minutes: give 07:30 or 07:30:00, not 07:30:15',
    );
  });

  it('runs daily timers for a plug without its own (Moko) and lists them', async () => {
    const first = await api.post(`/api/devices/${mokoId}/timers`, { time: '06:45', state: 'on' });
    expect(first.status).toBe(200);
    const body = TimerResult.parse(first.body);
    expect(body).toMatchObject({ id: mokoId, slot: 1, time: '06:45:00', state: 'on', by: 'hub' });
    const next = Date.parse(body.next!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect(new Date(next).getHours()).toBe(6);
    expect(new Date(next).getMinutes()).toBe(45);
    await api.post(`/api/devices/${mokoId}/timers`, { slot: 2, time: '23:10:30', state: 'off' });
    // The same slot again replaces it.
    await api.post(`/api/devices/${mokoId}/timers`, { time: '06:50', state: 'on' });
    const list = await api.get(`/api/devices/${mokoId}/timers`);
    expect(list.status).toBe(200);
    const timers = TimerList.parse(list.body).timers.sort((a, b) => a.slot - b.slot);
    expect(timers).toEqual([
      { relay: 1, slot: 1, time: '06:50:00', state: 'on', by: 'hub' },
      { relay: 1, slot: 2, time: '23:10:30', state: 'off', by: 'hub' },
    ]);
  });

  it('counts down on a Moko plug in its own whole minutes, and says so for other lengths', async () => {
    const odd = await api.post(`/api/devices/${mokoId}/countdown`, { seconds: 90, state: 'on' });
    expect(odd.status).toBe(400);
    expect(ErrorBody.parse(odd.body).error).toMatch(/whole minutes/);
    const r = await api.post(`/api/devices/${mokoId}/countdown`, { seconds: 60, state: 'on' });
    expect(CountdownResult.parse(r.body)).toMatchObject({ seconds: 60, state: 'on', by: 'device' });
    const counting = await eventually(async () => {
      const d = await device(mokoId);
      return d.countdowns.length > 0 ? d.countdowns : undefined;
    });
    expect(counting).toEqual([{ relay: 1, state: 'on', endsAt: expect.any(String) }]);
  });
});

describe('HTTP API: commands while the broker is down', () => {
  it('answers 503 "disconnected" for commands, 503 on /api/health and "degraded" on /api/status', async () => {
    const broker = await startTestBroker();
    const hub = await startApiHub({ 'mqtt-url': broker.url });
    try {
      const { api } = hub;
      await hub.peers.tasmota('down_plug');
      expect((await api.get('/api/health')).status).toBe(200);
      await broker.close();
      await eventually(async () => (await api.get('/api/status')).body.mqtt.connected === false);
      for (const [path, body] of EVERY_COMMAND) {
        const r = await api.post(`/api/devices/down_plug/${path}`, body);
        expect(r.status, path).toBe(503);
        const err = ErrorBody.parse(r.body);
        expect(err.code).toBe('disconnected');
        expect(err.error).toMatch(/^Not connected to the MQTT broker .*; nothing was sent$/);
      }
      const health = await api.get('/api/health');
      expect(health.status).toBe(503);
      expect(StatusBody.parse(health.body)).toMatchObject({
        status: 'degraded',
        mqtt: { connected: false },
      });
      const status = await api.get('/api/status');
      expect(status.status).toBe(200);
      expect(StatusBody.parse(status.body).status).toBe('degraded');
    } finally {
      await hub.stop();
      await broker.close();
    }
  });
});

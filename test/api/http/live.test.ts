import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceList, DeviceSnapshotSchema } from '../../../src/api/http/schemas.js';
import type { ReadingEvent } from '../../../src/core/events.js';
import type { TasmotaPlug } from '../../../src/sim/tasmota/plug.js';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { ApiClient } from '../../helpers/http-api.js';
import { eventually, startTestHub } from '../../helpers/hub.js';
import { LiveClient, liveUrl, type LiveMessage } from '../../helpers/live-client.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

const NO_FILTER = { ids: null, protocols: null, kinds: null, metrics: null };

/**
 * /api/live through the real server with a real `ws` client: the snapshot,
 * then what simulated plugs and API calls change, narrowed by URL and by
 * message filters; bad filters; a client too slow to keep up.
 */
describe('HTTP API: live socket', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let plug: TasmotaPlug;
  let mokoId: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    hub = await startApiHub({ 'http-live-buffer-kb': '16' });
    ({ api, peers } = hub);
    plug = await peers.tasmota('lv_a', { loadWatts: 100 });
    // A Moko plug meters every second: a steady stream of readings.
    mokoId = (await peers.moko('livemoko', { loadWatts: 50, powerOn: true })).id;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => hub.stop());

  const open = async (query = ''): Promise<LiveClient> => {
    const c = await LiveClient.open(liveUrl(hub.baseUrl, query));
    clients.push(c);
    return c;
  };
  /** Opened, and its snapshot taken. */
  const ready = async (query = ''): Promise<{ c: LiveClient; snapshot: LiveMessage }> => {
    const c = await open(query);
    const snapshot = await c.next(undefined, 'the snapshot');
    expect(snapshot.type).toBe('snapshot');
    return { c, snapshot };
  };

  it('starts with a snapshot of every device and the broker connection', async () => {
    const c = await open();
    const first = await c.next();
    expect(first.type).toBe('snapshot');
    expect(c.messages[0]).toBe(first);
    const { devices } = DeviceList.parse((await api.get('/api/devices')).body);
    const snapped = (first.devices as unknown[]).map((d) => DeviceSnapshotSchema.parse(d));
    expect(snapped.map((d) => d.id)).toEqual(devices.map((d) => d.id));
    expect(first.hub).toEqual({
      mqtt: { connected: true, endpoint: `embedded mqtt://127.0.0.1:${hub.app.broker!.port}` },
    });
    expect(first.filter).toEqual(NO_FILTER);
  });

  it('sends a state message when a relay changes through the API', async () => {
    const { c } = await ready('ids=lv_a&kinds=state');
    expect((await api.post('/api/devices/lv_a/power', { state: 'on' })).status).toBe(200);
    const m = await c.next((x) => x.type === 'state', 'a state message');
    expect(m).toMatchObject({ type: 'state', relay: 1, device: { id: 'lv_a' } });
    expect(DeviceSnapshotSchema.parse(m.device).relays).toEqual([{ relay: 1, state: 'on' }]);
    expect(plug.relayState(1)).toBe(true);
    await api.post('/api/devices/lv_a/power', { state: 'off' });
    const off = await c.next((x) => x.type === 'state', 'the off state');
    expect(off.device.relays).toEqual([{ relay: 1, state: 'off' }]);
    expect(c.drain()).toEqual([]);
  });

  it('sends readings with their unit and time, only those the URL asks for', async () => {
    await api.post('/api/devices/lv_a/power', { state: 'on' });
    const { c, snapshot } = await ready('ids=lv_a&kinds=reading&metrics=power');
    expect(snapshot.devices.map((d: { id: string }) => d.id)).toEqual(['lv_a']);
    expect(snapshot.filter).toEqual({
      ids: ['lv_a'],
      protocols: null,
      kinds: ['reading'],
      metrics: ['power'],
    });
    const before = Date.now();
    await hub.app.hub.command('lv_a', { kind: 'poll' });
    const m = await c.next((x) => x.type === 'reading' && x.value === 100, 'a power reading');
    expect(m).toEqual({
      type: 'reading',
      id: 'lv_a',
      metric: 'power',
      value: 100,
      unit: 'W',
      ts: m.ts,
    });
    expect(m.ts).toBeGreaterThanOrEqual(before);
    // The Moko plug's readings and lv_a's voltage went by, but not to this client.
    await eventually(async () => {
      const r = await api.get(`/api/devices/${mokoId}/readings?from=${Math.floor(before / 1000)}`);
      return r.body.series[0]?.t.length >= 2;
    });
    for (const x of c.drain())
      expect(x).toMatchObject({ type: 'reading', id: 'lv_a', metric: 'power' });
    await api.post('/api/devices/lv_a/power', { state: 'off' });
  });

  it('narrows by protocol in the URL', async () => {
    const { c, snapshot } = await ready('protocols=moko&kinds=reading&metrics=voltage');
    expect(snapshot.devices.map((d: { id: string }) => d.id)).toEqual([mokoId]);
    await c.next((x) => x.type === 'reading', 'a Moko voltage reading');
    for (const x of c.messages.slice(1))
      expect(x).toMatchObject({
        type: 'reading',
        id: mokoId,
        metric: 'voltage',
        value: 230,
        unit: 'V',
      });
  });

  it('tells of new devices, availability, countdowns, renames and removals', async () => {
    const { c } = await ready('kinds=device,availability,countdown,renamed,removed');
    const fresh = await peers.tasmota('lv_new');
    const appeared = await c.next((x) => x.type === 'device', 'the new device');
    expect(appeared.device.id).toBe('lv_new');
    const online = await c.next((x) => x.type === 'availability', 'it online');
    expect(online.device).toMatchObject({ id: 'lv_new', availability: 'online' });

    await api.post('/api/devices/lv_new/countdown', { seconds: 600, state: 'on' });
    const countdown = await c.next((x) => x.type === 'countdown', 'the countdown');
    expect(countdown).toMatchObject({ relay: 1, device: { id: 'lv_new' } });
    expect(countdown.device.countdowns).toEqual([
      { relay: 1, state: 'on', endsAt: expect.any(String) },
    ]);
    await api.post('/api/devices/lv_new/power', { state: 'off' });
    const cancelled = await c.next((x) => x.type === 'countdown', 'the countdown cancelled');
    expect(cancelled.device.countdowns).toEqual([]);

    await api.patch('/api/devices/lv_new', { id: 'lv_renamed' });
    const renamed = await c.next((x) => x.type === 'renamed', 'the rename');
    expect(renamed).toMatchObject({ from: 'lv_new', device: { id: 'lv_renamed' } });

    await peers.gone(fresh, 'lv_renamed');
    const offline = await c.next((x) => x.type === 'availability', 'it offline');
    expect(offline.device).toMatchObject({ id: 'lv_renamed', availability: 'offline' });

    await api.del('/api/devices/lv_renamed');
    expect(await c.next((x) => x.type === 'removed', 'the removal')).toEqual({
      type: 'removed',
      id: 'lv_renamed',
    });
  });

  it('replaces the filter on a filter message, acknowledged with type filter', async () => {
    const { c } = await ready();
    c.send({ type: 'filter', ids: [mokoId], kinds: ['reading'], metrics: ['power'] });
    const ack = await c.next((x) => x.type === 'filter', 'the ack');
    expect(ack).toEqual({
      type: 'filter',
      filter: { ids: [mokoId], protocols: null, kinds: ['reading'], metrics: ['power'] },
    });
    const first = await c.next(undefined, 'a message after the ack');
    for (const x of [first, ...c.drain()])
      expect(x).toMatchObject({ type: 'reading', id: mokoId, metric: 'power', value: 50 });
    // An empty filter lets everything through again.
    c.send({ type: 'filter' });
    expect((await c.next((x) => x.type === 'filter')).filter).toEqual(NO_FILTER);
  });

  it('answers a bad message with an error and stays open', async () => {
    const { c } = await ready('kinds=state');
    const errorFor = async (message: unknown) => {
      c.send(message);
      return (await c.next((x) => x.type === 'error', `an error for ${JSON.stringify(message)}`))
        .error as string;
    };
    expect(await errorFor('not json')).toBe('Messages must be JSON: {"type":"filter", ...}');
    expect(await errorFor({ type: 'filter', kinds: ['bogus'] })).toMatch(/^kinds\.0: /);
    expect(await errorFor({ type: 'subscribe' })).toMatch(/^type: /);
    expect(await errorFor({ type: 'filter', ids: 'lv_a' })).toMatch(/^ids: /);
    expect(await errorFor({ type: 'filter', colour: 'red' })).toMatch(/colour/);
    expect(await errorFor([1, 2])).toMatch(/^message: /);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next((x) => x.type === 'error')).error).toMatch(/must be JSON/);
    // Still open, still with its filter, and it takes a good one.
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.send({ type: 'filter', kinds: ['state'], ids: ['lv_a'] });
    expect((await c.next((x) => x.type === 'filter')).filter.ids).toEqual(['lv_a']);
  });

  it('closes with 1008 after an error for a bad filter in the URL', async () => {
    for (const query of ['kinds=bogus', 'kinds=state,nope', 'colour=red']) {
      const c = await open(query);
      const closed = await c.closed;
      expect(closed, query).toEqual({ code: 1008, reason: 'bad filter' });
      expect(c.messages, query).toHaveLength(1);
      expect(c.messages[0]!.type).toBe('error');
    }
    const kinds = await open('kinds=bogus');
    await kinds.closed;
    expect(kinds.messages[0]!.error).toMatch(/^Unknown kinds bogus; known: device, state/);
    expect(hub.app.http.live.size).toBe(0);
  });

  it('answers a plain GET with 426', async () => {
    const r = await api.get('/api/live');
    expect(r.status).toBe(426);
    expect(r.body).toEqual({
      error: '/api/live is a WebSocket: connect with ws:// (or wss://) and an Upgrade request',
      code: 'upgrade_required',
    });
  });

  it('closes a client that stops reading with 4008 "too slow", while another keeps up', async () => {
    const reading = (value: number): ReadingEvent => ({
      kind: 'reading',
      protocol: 'senml',
      nativeId: 'flood',
      metric: 'power',
      value,
      ts: Date.now(),
    });
    hub.app.hub.ingest([reading(0)], 'test');
    const query = 'ids=flood&kinds=reading';
    const { c: good } = await ready(query);
    const { c: slow } = await ready(query);
    expect(hub.app.http.live.size).toBe(2);
    // The slow client's socket stops reading: what the hub sends piles up.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const live = hub.app.http.live;
    let sent = 0;
    // Small batches, each waited for by the good client, so only the slow one falls behind.
    for (let batch = 0; live.size === 2 && batch < 5000; batch++) {
      hub.app.hub.ingest(
        Array.from({ length: 100 }, () => reading(++sent)),
        'test',
      );
      await good.received(1 + sent);
    }
    expect(live.size).toBe(1);
    expect(live.counters.droppedSlow).toBe(1);
    socket.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(4008);
    expect(closed.reason).toMatch(/^too slow: \d+ KiB waiting/);
    // The slow client got a prefix of the stream; the good one all of it, and more.
    expect(slow.messages.length - 1).toBeLessThan(sent);
    hub.app.hub.ingest([reading(-1)], 'test');
    const last = await good.next((x) => x.value === -1, 'a reading after the drop');
    expect(last).toMatchObject({ type: 'reading', id: 'flood' });
    expect(good.messages.slice(1).map((m) => m.value)).toEqual([
      ...Array.from({ length: sent }, (_, i) => i + 1),
      -1,
    ]);
    expect(good.ws.readyState).toBe(good.ws.OPEN);
  });
});

describe('HTTP API: live socket and the broker connection', () => {
  it('sends a hub message when the broker goes away', async () => {
    const broker = await startTestBroker();
    const hub = await startTestHub({ 'mqtt-url': broker.url });
    const c = await LiveClient.open(liveUrl(hub.baseUrl, 'kinds=hub'));
    try {
      const snapshot = await c.next();
      expect(snapshot.hub.mqtt.connected).toBe(true);
      await broker.close();
      const m = await c.next((x) => x.type === 'hub', 'a hub message');
      expect(m).toEqual({
        type: 'hub',
        mqtt: { connected: false, endpoint: expect.stringContaining('127.0.0.1') },
      });
    } finally {
      await c.close();
      await hub.stop();
    }
  });
});

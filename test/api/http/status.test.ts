import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceList, StatusBody } from '../../../src/api/http/schemas.js';
import { VERSION } from '../../../src/version.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { ApiClient } from '../../helpers/http-api.js';
import { eventually } from '../../helpers/hub.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

/** /api/status and /api/health through the real server, with plugs on the embedded broker. */
describe('HTTP API: status and health', () => {
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;

  beforeAll(async () => {
    hub = await startApiHub();
    ({ api, peers } = hub);
    await peers.tasmota('st_a', { loadWatts: 20, powerOn: true });
    await peers.gone(await peers.tasmota('st_b'));
  });
  afterAll(() => hub.stop());

  const status = async () => {
    const r = await api.get('/api/status');
    expect(r.status).toBe(200);
    return StatusBody.parse(r.body);
  };

  it('says the broker is connected, counts devices, messages and the store', async () => {
    const s = await status();
    expect(s.status).toBe('ok');
    expect(s.version).toBe(VERSION);
    expect(s.uptimeS).toBeGreaterThanOrEqual(0);
    expect(s.mqtt).toMatchObject({
      connected: true,
      endpoint: `embedded mqtt://127.0.0.1:${hub.app.broker!.port}`,
      reconnects: 0,
      lastError: null,
    });
    // The running plug (the hub itself is inside the broker, not a client).
    expect(s.mqtt.embedded?.clients).toBe(1);
    const { devices } = DeviceList.parse((await api.get('/api/devices')).body);
    expect(s.devices).toEqual({ total: devices.length, online: 1, offline: 1, unknown: 0 });
    expect(s.counters.messages).toBeGreaterThan(0);
    expect(s.counters.readings).toBeGreaterThan(0);
    expect(s.store.sizeBytes).toBeGreaterThan(0);
    expect(s.store.path.startsWith(hub.cfg.dataDir)).toBe(true);
    expect(s.store.writeErrors).toBe(0);
    // No P1 meter runs here, so no P1 section.
    expect(s.p1).toBeUndefined();
  });

  it('counts confirmed commands and shows the latest rejected messages', async () => {
    const before = await status();
    expect((await api.post('/api/devices/st_a/power', { state: 'off' })).status).toBe(200);
    const client = await mqtt.connectAsync(hub.app.mqttUrl);
    try {
      await client.publishAsync('tele/st_a/SENSOR', '{"ENERGY": {"Power": ');
      const after = await eventually(async () => {
        const s = await status();
        return s.counters.decodeErrors! > before.counters.decodeErrors! ? s : undefined;
      });
      expect(after.counters.commandsConfirmed).toBe(before.counters.commandsConfirmed! + 1);
      expect(after.counters.commandsInFlight).toBe(0);
      expect(after.recentRejections.at(-1)).toMatchObject({ topic: 'tele/st_a/SENSOR' });
    } finally {
      await client.endAsync();
    }
  });

  it('answers /api/health 200 with the same body while connected', async () => {
    const r = await api.get('/api/health');
    expect(r.status).toBe(200);
    const body = StatusBody.parse(r.body);
    expect(body.status).toBe('ok');
    expect(body.mqtt.connected).toBe(true);
  });
});

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeUpgrade } from '../../../src/drivers/moko/encode.js';
import type { DeviceSnapshot } from '../../../src/hub/device.js';
import { brokerFromUrl } from '../../../src/sim/moko/fleet.js';
import { fleetIdentity } from '../../../src/sim/moko/identity.js';
import { MokoPlug } from '../../../src/sim/moko/plug.js';
import { eventually, startTestHub } from '../../helpers/hub.js';
import { iotoadRequest } from '../../helpers/iotoad.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/**
 * A whole hub and simulated Moko plugs: countdowns set through
 * Hub.command, seen every second, cancelled and expired, with hub and plug
 * agreeing throughout; OTA results and factory resets as the hub records them.
 */
describe('hub with simulated Moko plugs', () => {
  let hub: TestHub;
  const plugs: MokoPlug[] = [];
  const clock = { now: Date.UTC(2026, 10, 22, 10, 0, 0) };
  let n = 0;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub.stop();
  });
  afterEach(async () => {
    await Promise.all(plugs.splice(0).map((p) => p.stop()));
  });

  async function plug(powerOn: boolean): Promise<MokoPlug> {
    const p = new MokoPlug({
      identity: fleetIdentity('hub-test', n++),
      broker: brokerFromUrl(hub.app.mqttUrl),
      clock: () => clock.now,
      manualTicks: true,
      powerOn,
    });
    plugs.push(p);
    await p.start();
    await eventually(() => relay(p) === (powerOn ? 'on' : 'off'), 3000, `${p.id} known to the hub`);
    return p;
  }

  const device = (p: MokoPlug): DeviceSnapshot | undefined => hub.app.hub.device(p.id);
  const relay = (p: MokoPlug) => device(p)?.relays.find((r) => r.relay === 1)?.state;
  const countdown = (p: MokoPlug) => device(p)?.countdowns[0];

  /** The countdown reports the hub receives for `p`, counted from now. */
  function countdownReports(p: MokoPlug): { state: string; endsAt: string }[][] {
    const seen: { state: string; endsAt: string }[][] = [];
    hub.app.hub.on('countdown', (d: DeviceSnapshot) => {
      if (d.id === p.id) seen.push(d.countdowns);
    });
    return seen;
  }

  /** One second passes on the plug. */
  function second(p: MokoPlug): void {
    clock.now += 1000;
    p.tick();
  }

  it('a countdown set through the IoToad API runs on the plug; the hub sees it every second and the switch when it expires', async () => {
    const p = await plug(true);
    const reports = countdownReports(p);
    const before = Date.now();
    const reply = await iotoadRequest(hub.app.mqttUrl, `command/sp_command/${p.id}`, {
      countdown: { seconds: 120, status: 'OFF' },
    });
    // The plug runs it; the reply says when it ends, as for one the hub runs.
    expect(reply).toEqual({
      data: { countdown: { seconds: 120, status: 'OFF', by: 'device', at: expect.any(String) } },
    });
    const at = Date.parse((reply as { data: { countdown: { at: string } } }).data.countdown.at);
    expect(at).toBeGreaterThanOrEqual(before + 120_000);
    expect(at).toBeLessThanOrEqual(Date.now() + 120_000);
    // The hub lists it as it sends it (reports[0]), then follows the plug's own reports.
    await eventually(() => reports.length === 2, 3000, 'first report');
    expect(p.countdownRunning()).toBe(true);
    expect(countdown(p)?.state).toBe('off');
    for (let s = 1; s <= 3; s++) {
      second(p);
      await eventually(() => reports.length === 2 + s, 3000, `report ${s + 1}`);
    }
    // The hub's end time moves with the plug's count: each report is a second less.
    const ends = reports.slice(1).map((r) => Date.parse(r[0]?.endsAt ?? ''));
    for (let i = 1; i < ends.length; i++) expect(ends[i - 1]! - ends[i]!).toBeGreaterThan(500);
    expect(relay(p)).toBe('on');
    for (let s = 4; s <= 120; s++) second(p);
    await eventually(() => relay(p) === 'off', 3000, 'switched off');
    expect(countdown(p)).toBeUndefined();
    expect(p.isOn()).toBe(false);
    expect(p.countdownRunning()).toBe(false);
  });

  it('switching cancels it on the plug, and the hub forgets it too', async () => {
    const p = await plug(true);
    await hub.app.hub.command(p.id, { kind: 'countdown', relay: 1, seconds: 300, state: 'off' });
    await eventually(() => countdown(p), 3000, 'countdown known');
    await hub.app.hub.setPower(p.id, 1, 'off');
    await eventually(() => countdown(p) === undefined, 3000, 'countdown gone in the hub');
    expect(p.countdownRunning()).toBe(false);
    expect(p.isOn()).toBe(false);
  });

  it('a countdown to the state the plug is in switches it first: on now, off later', async () => {
    const p = await plug(false);
    await hub.app.hub.command(p.id, { kind: 'countdown', relay: 1, seconds: 60, state: 'off' });
    await eventually(
      () => relay(p) === 'on' && countdown(p)?.state === 'off',
      3000,
      'on, off later',
    );
    expect(p.isOn()).toBe(true);
    for (let s = 1; s <= 60; s++) second(p);
    await eventually(
      () => relay(p) === 'off' && countdown(p) === undefined,
      3000,
      'off at the end',
    );
  });

  it('a power cycle loses the countdown; the hub notices when the reports stop', async () => {
    const p = await plug(true);
    await hub.app.hub.command(p.id, { kind: 'countdown', relay: 1, seconds: 300, state: 'off' });
    await eventually(() => countdown(p), 3000, 'countdown known');
    await new Promise((r) => setTimeout(r, 2600)); // longer than a report gap the driver allows
    await p.powerCycle();
    await eventually(() => countdown(p) === undefined, 3000, 'countdown gone in the hub');
    expect(p.countdownRunning()).toBe(false);
  });

  it('refuses countdowns past 23:59, saying why; daily timers run in the hub', async () => {
    const p = await plug(true);
    await expect(
      hub.app.hub.command(p.id, { kind: 'countdown', relay: 1, seconds: 24 * 3600, state: 'off' }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/longer than 23:59/),
    });
    await expect(
      hub.app.hub.command(p.id, {
        kind: 'timer',
        relay: 1,
        slot: 1,
        time: '07:00',
        state: 'on',
        enabled: true,
      }),
    ).resolves.toMatchObject({ by: 'hub' });
    expect(p.countdownRunning()).toBe(false);
  });

  it('an OTA result and a factory reset reach the hub; the history stays', async () => {
    const http: Server = createServer((_req, res) => res.end(Buffer.alloc(1024, 1)));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const port = (http.address() as AddressInfo).port;
    const p = await plug(true);
    const upgrade = encodeUpgrade(p.base, `http://127.0.0.1:${port}/fw/`);
    await hub.app.bus.publish(upgrade.topic, upgrade.payload, { qos: 1 });
    await eventually(() => device(p)?.info.upgrade?.result === 'R1', 3000, 'R1 in the hub');
    expect(device(p)?.info.upgrade).toMatchObject({
      ok: true,
      meaning: 'the firmware upgrade succeeded',
    });
    await new Promise((r) => http.close(r));

    await p.pressButton(10);
    await eventually(() => device(p)?.removed, 3000, 'removed');
    expect(device(p)).toMatchObject({
      availability: 'offline',
      removed: { reason: 'factory reset on the plug (delete_device)' },
    });
    expect(hub.app.hub.devices().some((d) => d.id === p.id)).toBe(true);
  });
});

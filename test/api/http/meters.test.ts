import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorBody,
  MeterList,
  MeterSummarySchema,
  StatusBody,
  TelegramList,
} from '../../../src/api/http/schemas.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import { startTcpSink } from '../../../src/sim/dsmr/tcp.js';
import { expectedFor, fixture, NEGATIVE } from '../../dsmr/fixtures.js';
import { startApiHub, type ApiHub } from '../../helpers/api-hub.js';
import type { ApiClient } from '../../helpers/http-api.js';
import { eventually } from '../../helpers/hub.js';
import { LiveClient, liveUrl } from '../../helpers/live-client.js';
import type { SimPeers } from '../../helpers/sim-peers.js';

type Sink = Awaited<ReturnType<typeof startTcpSink>>;
type Summary = ReturnType<typeof MeterSummarySchema.parse>;

/** A Belgian e-MUCS meter with a capacity peak (1-0:1.6.0), no M-Bus. */
const BELGIAN = 'dsmr-reader-5b-fluvius-peak.txt';
const BELGIAN_ID = '12345678901234567890123456789012';
/** The DSMR 5.0 example: Dutch, three phases, a gas meter on channel 1. */
const DUTCH = 'dsmr-reader-dsmr50-spec-example.txt';
const DUTCH_ID = 'K8EG004046395507';

/** An expected.json value (kW, V, A, m3) by OBIS code. */
const valueIn = (file: string, obis: string): number => {
  const v = expectedFor(file).objects[obis]?.value;
  if (typeof v !== 'number') throw new Error(`${file} has no number for ${obis}`);
  return v;
};

/** `now` of a summary, as the fixture's own expected values say it. */
function expectNowFromFixture(s: Summary, file: string, phases: Record<string, string[]>): void {
  const kw = (obis: string) => valueIn(file, obis) * 1000;
  expect(s.now.importW).toBeCloseTo(kw('1-0:1.7.0'), 6);
  expect(s.now.exportW).toBeCloseTo(kw('1-0:2.7.0'), 6);
  expect(Object.keys(s.now.phases).sort()).toEqual(Object.keys(phases).sort());
  for (const [l, [pIn, pOut, volts, amps]] of Object.entries(phases)) {
    const got = s.now.phases[l as 'l1']!;
    expect(got.powerImportW).toBeCloseTo(kw(pIn!), 6);
    expect(got.powerExportW).toBeCloseTo(kw(pOut!), 6);
    expect(got.voltageV).toBeCloseTo(valueIn(file, volts!), 6);
    expect(got.currentA).toBeCloseTo(valueIn(file, amps!), 6);
  }
}

const PHASE_OBIS = {
  l1: ['1-0:21.7.0', '1-0:22.7.0', '1-0:32.7.0', '1-0:31.7.0'],
  l2: ['1-0:41.7.0', '1-0:42.7.0', '1-0:52.7.0', '1-0:51.7.0'],
  l3: ['1-0:61.7.0', '1-0:62.7.0', '1-0:72.7.0', '1-0:71.7.0'],
};

/**
 * "Today" must hold the simulated meter's telegrams from start to end: in the
 * first minute of a local day it holds too few, and a run across midnight
 * puts them all in yesterday. Near midnight, wait until a minute past it.
 */
async function awayFromMidnight(): Promise<void> {
  const now = Date.now();
  const midnight = new Date(now).setHours(0, 0, 0, 0);
  const next = new Date(midnight + 36 * 3_600_000).setHours(0, 0, 0, 0);
  const wait =
    now - midnight < 60_000
      ? midnight + 60_000 - now
      : next - now < 60_000
        ? next + 60_000 - now
        : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/**
 * /api/meters through the real server, with the hub reading the DSMR
 * simulator's TCP sink (p1.tcp) as it reads a network P1 reader: two
 * fixture telegrams (a Belgian and a Dutch meter) and five minutes of a
 * simulated Dutch DSMR 5 meter with gas, sent now.
 */
describe('HTTP API: P1 meters', () => {
  let sink: Sink;
  let hub: ApiHub;
  let api: ApiClient;
  let peers: SimPeers;
  let model: MeterModel;
  /** Times of the simulated meter's telegrams, all earlier today. */
  const sentAt: number[] = [];

  const okCount = async () => {
    const s = StatusBody.parse((await api.get('/api/status')).body);
    return s.p1?.ok as number;
  };

  beforeAll(async () => {
    await awayFromMidnight();
    sink = await startTcpSink('127.0.0.1', 0);
    hub = await startApiHub({ 'p1-tcp': `127.0.0.1:${sink.port}` });
    ({ api, peers } = hub);
    await peers.tasmota('meter_plug');
    // The hub connects to the sink on its own time: send until one arrives.
    await eventually(
      async () => {
        sink.send(fixture(BELGIAN));
        return (await okCount()) > 0;
      },
      10_000,
      'the hub reading the P1 sink',
    );
    const start = await okCount();
    sink.send(fixture(DUTCH));
    const now = Date.now();
    const midnight = new Date(now).setHours(0, 0, 0, 0);
    // Whole seconds, as the telegram's own timestamp: the model read back at
    // a sent time then gives exactly the values that telegram carried.
    const from = Math.floor(Math.max(now - 5 * 60_000, midnight + 1000) / 1000) * 1000;
    // Without solar panels it draws from the grid at any hour, so its import counters rise.
    model = new MeterModel({ version: '5', seed: 7, startMs: from - 1000, solar: false });
    for (let t = from; t <= now; t += 10_000) {
      sink.send(model.telegramAt(t));
      sentAt.push(t);
    }
    await eventually(async () => (await okCount()) === start + 1 + sentAt.length, 10_000);
  }, 150_000);
  afterAll(async () => {
    await hub.stop();
    await sink.close();
  });

  const meters = async () => MeterList.parse((await api.get('/api/meters')).body).meters;
  const summary = async (id: string) => {
    const r = await api.get(`/api/meters/${id}`);
    expect(r.status, r.text).toBe(200);
    return MeterSummarySchema.parse(r.body);
  };
  const simulatedId = async () =>
    (await meters()).map((m) => m.device.id).find((id) => id !== BELGIAN_ID && id !== DUTCH_ID)!;

  it('lists each electricity meter, not its M-Bus meters or the plugs', async () => {
    const list = await meters();
    expect(list).toHaveLength(3);
    const ids = list.map((m) => m.device.id);
    expect(ids).toEqual(expect.arrayContaining([BELGIAN_ID, DUTCH_ID]));
    for (const m of list) {
      expect(m.device.protocol).toBe('dsmr');
      expect(m.device.info.manufacturer).toBeDefined();
    }
    // Each summary in the list is the one /api/meters/:id gives.
    for (const m of list) expect((await summary(m.device.id)).device.id).toBe(m.device.id);
  });

  it("shows a Belgian meter's import, export, phases, tariff and capacity peak as its telegram says", async () => {
    const s = await summary(BELGIAN_ID);
    expect(s.device.info).toMatchObject({
      manufacturer: 'Fluvius',
      dsmrVersion: '5.0 (e-MUCS 50217)',
    });
    expectNowFromFixture(s, BELGIAN, PHASE_OBIS);
    expect(s.now.tariff).toBe(1);
    const peak = expectedFor(BELGIAN).objects['1-0:1.6.0'] as { value: number; timestamp: string };
    expect(s.capacityPeak).toEqual({
      w: peak.value * 1000,
      ts: new Date(peak.timestamp).toISOString(),
    });
    expect(s.capacityPeak).toEqual({ w: 1566, ts: '2023-02-01T01:00:00.000Z' });
    expect(s.mbus).toEqual([]);
    expect(s.telegram).toMatchObject({ crc: true, currentUsage: 0.182, currentTarrif: 1 });
    // A meter has no relay: switching it says so.
    const power = await api.post(`/api/devices/${BELGIAN_ID}/power`, { state: 'on' });
    expect(power.status).toBe(422);
    expect(ErrorBody.parse(power.body)).toEqual({
      error: `Device "${BELGIAN_ID}" (dsmr) only reports readings: it has nothing to switch or set`,
      code: 'unsupported',
    });
    // Its telegram is from 2023: nothing of it counts for today or this month.
    expect(s.today).toEqual({ importWh: null, exportWh: null, gasM3: null });
    expect(s.month).toEqual({ importWh: null, exportWh: null, gasM3: null });
  });

  it('shows a Dutch meter with its gas meter, and no capacity peak', async () => {
    const s = await summary(DUTCH_ID);
    expectNowFromFixture(s, DUTCH, PHASE_OBIS);
    expect(s.now.tariff).toBe(2);
    expect(s.capacityPeak).toBeNull();
    expect(s.mbus).toHaveLength(1);
    const gas = s.mbus[0]!;
    expect(gas).toMatchObject({
      protocol: 'dsmr',
      info: { model: 'gas meter', name: `gas meter on ${DUTCH_ID} channel 1` },
      readings: { gas_total: { value: valueIn(DUTCH, '0-1:24.2.1'), unit: 'm3' } },
    });
    expect(s.telegram).toMatchObject({ gas: { totalUse: 12785.123 } });
    // The gas meter is a device, but not a P1 electricity meter.
    const r = await api.get(`/api/meters/${gas.id}`);
    expect(r.status).toBe(404);
    expect(ErrorBody.parse(r.body)).toEqual({
      error: `Device "${gas.id}" is not a P1 electricity meter`,
      code: 'not_found',
    });
  });

  it('counts today and this month from the counters of a meter reporting now', async () => {
    const id = await simulatedId();
    const s = await summary(id);
    const last = model.readingAt(sentAt.at(-1)!);
    // The telegram carries kW with three decimals: the meter's watts, rounded.
    const watts = (kw: number) => Math.round(kw * 1000);
    expect(s.now.importW).toBeCloseTo(watts(last.importKw), 6);
    expect(s.now.exportW).toBeCloseTo(watts(last.exportKw), 6);
    expect(s.now.importW).toBeCloseTo((s.telegram!.currentUsage as number) * 1000, 6);
    expect(s.now.tariff).toBe(last.tariff);
    expect(Object.keys(s.now.phases).sort()).toEqual(['l1', 'l2', 'l3']);
    last.phases.forEach((p, i) => {
      const got = s.now.phases[`l${i + 1}` as 'l1']!;
      expect(got.powerImportW).toBeCloseTo(watts(p.importKw), 6);
      expect(got.powerExportW).toBeCloseTo(watts(p.exportKw), 6);
      // And volts with one decimal.
      expect(got.voltageV).toBe(Number(p.voltage.toFixed(1)));
    });
    const { telegrams } = TelegramList.parse((await api.get(`/api/meters/${id}/telegrams`)).body);
    const use = (k: number) => {
      const t = telegrams[k]!.telegram as Record<string, number>;
      return (t.totalT1Use! + t.totalT2Use!) * 1000;
    };
    const delivered = (k: number) => {
      const t = telegrams[k]!.telegram as Record<string, number>;
      return (t.totalT1Delivered! + t.totalT2Delivered!) * 1000;
    };
    const rise = use(telegrams.length - 1) - use(0);
    expect(rise).toBeGreaterThan(0);
    expect(s.today.importWh).toBeCloseTo(rise, 6);
    expect(s.month.importWh).toBeCloseTo(rise, 6);
    expect(s.today.exportWh).toBeCloseTo(delivered(telegrams.length - 1) - delivered(0), 6);
    expect(s.today.gasM3).not.toBeNull();
    expect(s.today.gasM3).toBeGreaterThanOrEqual(0);
    // In the meter's own thousandths, without floating-point tails.
    for (const v of [s.today.importWh, s.today.exportWh, s.today.gasM3])
      expect(v).toBe(Number(v!.toFixed(3)));
    expect(s.month.gasM3).toBe(s.today.gasM3);
    expect(s.capacityPeak).toBeNull();
    expect(s.mbus.map((d) => d.info.model)).toEqual(['gas meter']);
  });

  it('keeps the latest telegrams of each meter, oldest first', async () => {
    const id = await simulatedId();
    const r = await api.get(`/api/meters/${id}/telegrams`);
    expect(r.status).toBe(200);
    const { telegrams } = TelegramList.parse(r.body);
    expect(telegrams).toHaveLength(sentAt.length);
    const received = telegrams.map((t) => Date.parse(t.receivedAt));
    expect([...received].sort((a, b) => a - b)).toEqual(received);
    expect(telegrams.map((t) => Date.parse(t.telegram.powerTs as string))).toEqual(sentAt);
    expect(telegrams.every((t) => t.telegram.crc === true)).toBe(true);
    expect(telegrams.at(-1)!.telegram).toEqual((await summary(id)).telegram);
    const dutch = TelegramList.parse((await api.get(`/api/meters/${DUTCH_ID}/telegrams`)).body);
    expect(dutch.telegrams).toHaveLength(1);
    expect(dutch.telegrams[0]!.telegram).toMatchObject({ currentTarrif: 2, currentUsage: 1.193 });
  });

  it('answers 404 for a plug ("not a P1 electricity meter") and for an unknown id', async () => {
    for (const path of ['/api/meters/meter_plug', '/api/meters/meter_plug/telegrams']) {
      const r = await api.get(path);
      expect(r.status, path).toBe(404);
      expect(ErrorBody.parse(r.body)).toEqual({
        error: 'Device "meter_plug" is not a P1 electricity meter',
        code: 'not_found',
      });
    }
    const r = await api.get('/api/meters/nope');
    expect(r.status).toBe(404);
    expect(ErrorBody.parse(r.body)).toEqual({
      error: 'No meter with id "nope"',
      code: 'not_found',
    });
    expect((await api.get('/api/meters/nope/telegrams')).status).toBe(404);
  });

  it('reports the P1 input in /api/status, rejected telegrams counted', async () => {
    const before = StatusBody.parse((await api.get('/api/status')).body);
    expect(before.p1).toMatchObject({
      input: `tcp 127.0.0.1:${sink.port}`,
      rejected: { 'crc-mismatch': 0 },
    });
    sink.send(fixture(NEGATIVE.badCrc));
    const after = await eventually(async () => {
      const s = StatusBody.parse((await api.get('/api/status')).body);
      return (s.p1?.rejected as Record<string, number>)['crc-mismatch'] === 1 ? s : undefined;
    });
    expect(after.p1?.ok).toBe(before.p1?.ok);
    expect(after.status).toBe('ok');
    expect(after.devices.total).toBe((await api.get('/api/devices')).body.devices.length);
  });

  it('sends each telegram on the live socket as a meter message', async () => {
    const live = await LiveClient.open(liveUrl(hub.baseUrl, `kinds=meter&ids=${DUTCH_ID}`));
    try {
      await live.next((m) => m.type === 'snapshot');
      sink.send(fixture(BELGIAN));
      sink.send(fixture(DUTCH));
      const m = await live.next((x) => x.type === 'meter', 'a meter message');
      expect(m).toMatchObject({
        type: 'meter',
        id: DUTCH_ID,
        telegram: { currentUsage: 1.193, currentTarrif: 2 },
      });
      expect(Date.parse(m.receivedAt as string)).toBeGreaterThan(0);
      expect(live.drain().filter((x) => x.id === BELGIAN_ID)).toEqual([]);
    } finally {
      await live.close();
    }
  });
});

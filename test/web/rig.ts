/**
 * The dashboard's test bench: a whole hub (embedded broker, SQLite, HTTP)
 * with a simulated fleet of Tasmota plugs, most placed on the IoToad wall
 * by the `devices:` setting, a Belgian DSMR 5 meter on the P1 TCP input,
 * a day of stored history for one plug, and headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { register } from '../../src/sim/dsmr/format.js';
import { MeterModel } from '../../src/sim/dsmr/model.js';
import { startTcpSink } from '../../src/sim/dsmr/tcp.js';
import { startTasmotaFleet, type TasmotaFleet } from '../../src/sim/tasmota/fleet.js';
import type { Store } from '../../src/store/store.js';
import { eventually, startTestHub } from '../helpers/hub.js';
import { tempDir } from '../helpers/tmp.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Plug topic -> hub id: five on the workstation wall (r2.c2 left empty), one in a meeting room, one named. */
export const IDS: Record<string, string> = {
  plug_1: 'sp_w.r1.c1',
  plug_2: 'sp_w.r1.c2',
  plug_3: 'sp_w.r1.c3',
  plug_4: 'sp_w.r2.c1',
  plug_5: 'sp_w.r2.c3',
  plug_6: 'sp_g.r1.c1',
  plug_7: 'coffee-machine',
};
/** Plugs without an entry keep their topic as id. */
export const PLUGS = 8;
const LOADS = [60, 95, 8, 150, 12, 450, 1450, 75];

export const SCREENSHOTS = process.env.WATTBRIDGE_SCREENSHOTS === '1';

export interface Rig {
  baseUrl: string;
  fleet: TasmotaFleet;
  mqttUrl: string;
  browser: Browser;
  shots: string;
  /** The bytes of the last telegram the meter sent. */
  lastTelegram(): string;
  /** Stop the meter, so the page can settle on its last telegram. */
  stopMeter(): void;
  stop(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  buildIfStale();
  const cleanup: (() => unknown)[] = [];
  const stop = async () => {
    for (const f of cleanup.reverse()) await f();
  };
  try {
    const sink = await startTcpSink('127.0.0.1', 0);
    cleanup.push(() => sink.close());
    const meterOptions = { version: '5B', seed: 7, startMs: Date.now() - 86_400_000 } as const;
    const meter = new MeterModel(meterOptions);
    let last = '';
    const send = () => {
      const bytes = meter.telegramAt(Date.now());
      last = bytes.toString('latin1');
      sink.send(bytes);
    };
    const pump = setInterval(send, 1000);
    cleanup.push(() => clearInterval(pump));

    const hub = await startTestHub({
      devices: JSON.stringify(IDS),
      'p1-tcp': `127.0.0.1:${sink.port}`,
    });
    cleanup.push(() => hub.stop());
    const fleet = await startTasmotaFleet({
      mqttUrl: hub.app.mqttUrl,
      count: PLUGS,
      topicPrefix: 'plug',
      loads: LOADS,
      telePeriodS: 10,
      powerOn: true,
    });
    cleanup.push(() => fleet.stop());
    const first = IDS.plug_1!;
    await eventually(() => hub.app.hub.device(first), 10_000, `${first} on the hub`);
    seedPlug(hub.app.store, first, Date.now());
    const dsmr = await eventually(
      () => {
        const ds = hub.app.hub.devices().filter((d) => d.protocol === 'dsmr');
        const main = ds.find((d) => d.info.manufacturer !== undefined);
        const gas = ds.find((d) => d.readings.gas_total !== undefined);
        return main && gas && { main: main.id, gas: gas.id };
      },
      10_000,
      'the P1 meter and its gas meter on the hub',
    );
    // A twin of the running meter (same seed, same start) tells its past.
    seedMeter(hub.app.store, dsmr, new MeterModel(meterOptions), Date.now());

    const browser = await launchChromium();
    cleanup.push(() => browser.close());

    let shots: string;
    if (SCREENSHOTS) {
      shots = join(process.cwd(), 'docs/screenshots');
      mkdirSync(shots, { recursive: true });
    } else {
      const dir = tempDir('wattbridge-screens-');
      cleanup.push(() => dir.remove());
      shots = dir.path;
    }
    return {
      baseUrl: hub.baseUrl,
      fleet,
      mqttUrl: hub.app.mqttUrl,
      browser,
      shots,
      lastTelegram: () => last,
      stopMeter: () => clearInterval(pump),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The meter's last day by the minute, as its telegrams would have left it in the store. */
function seedMeter(
  store: Store,
  ids: { main: string; gas: string },
  twin: MeterModel,
  now: number,
): void {
  for (let ts = twin.startMs + MINUTE; ts < now - MINUTE; ts += MINUTE) {
    const r = twin.readingAt(ts);
    store.append(ids.main, 'power_import', ts, Math.round(r.importKw * 1000));
    store.append(ids.main, 'power_export', ts, Math.round(r.exportKw * 1000));
    // Registers as the telegram shows them (cut to the Wh) and the hub reads them, so they never step back.
    const wh = (kwh: number) => Number(register(kwh, 6, 3)) * 1000;
    r.energy.importKwh.forEach((kwh, i) =>
      store.append(ids.main, `energy_import_t${i + 1}`, ts, wh(kwh)),
    );
    r.energy.exportKwh.forEach((kwh, i) =>
      store.append(ids.main, `energy_export_t${i + 1}`, ts, wh(kwh)),
    );
    if (r.gas) store.append(ids.gas, 'gas_total', ts, Number(register(r.gas.m3, 5, 3)));
  }
  store.flush();
}

const MINUTE = 60_000;

/**
 * Three days of a desk plug by the minute, written through the store as
 * the hub writes readings: a working-hours load, mains voltage, the
 * current they make, and its energy counter.
 */
function seedPlug(store: Store, id: string, now: number): void {
  const start = now - 3 * 24 * 60 * MINUTE;
  // The live plug's counter starts from 0 again, as after a firmware reset.
  let wh = 0;
  for (let ts = start; ts < now - MINUTE; ts += MINUTE) {
    const hour = new Date(ts).getHours() + new Date(ts).getMinutes() / 60;
    const working = hour > 8 && hour < 18 ? 1 : 0;
    const w = 6 + working * (55 + 25 * Math.sin(ts / 900_000)) + 4 * Math.sin(ts / 97_000);
    const v = 230 + 2.5 * Math.sin(ts / 3_600_000) + Math.sin(ts / 61_000);
    wh += w / 60;
    store.append(id, 'power', ts, Math.round(w * 10) / 10);
    store.append(id, 'voltage', ts, Math.round(v * 10) / 10);
    store.append(id, 'current', ts, Math.round((w / v) * 1000) / 1000);
    store.append(id, 'energy_total', ts, Math.round(wh));
  }
  store.flush();
}

/**
 * The page under test is the one `npm run build` ships (dist/web), rebuilt
 * here only when web/ changed since, so a run of this file alone tests the
 * current code and `npm test` (which has just built it) rebuilds nothing.
 */
function buildIfStale(): void {
  const newest = (path: string): number => {
    const st = statSync(path);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
  };
  const built = join('dist', 'web', 'index.html');
  const source = Math.max(newest('web'), newest(join('scripts', 'build-web.mjs')));
  if (existsSync(built) && statSync(built).mtimeMs >= source) return;
  execFileSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'pipe' });
}

/** Debian's Chromium, headless, with nothing of its own going to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The values of one OBIS line in a telegram: `1-0:1.6.0(…)(02.345*kW)` -> ['…', '02.345*kW']. */
export function obis(telegram: string, code: string): string[] {
  const line = telegram.split(/\r?\n/).find((l) => l.startsWith(`${code}(`));
  if (!line) throw new Error(`the telegram has no ${code}`);
  return [...line.matchAll(/\(([^)]*)\)/g)].map((m) => m[1]!);
}

/** A telegram value as a number: '02.345*kW' -> 2.345. */
export function num(value: string): number {
  return Number(value.replace(/\*.*$/, ''));
}

export const haveChromium = existsSync(CHROMIUM);

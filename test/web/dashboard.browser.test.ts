/**
 * The dashboard in real Chromium against a real hub with simulated plugs
 * and a simulated P1 meter: what a person sees on the wall screen, on a
 * phone, on a device's page and on the meter's page. Screenshots of each
 * go to docs/screenshots/ with WATTBRIDGE_SCREENSHOTS=1 (npm run screenshots).
 */
import mqtt from 'mqtt';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../helpers/aedes-broker.js';
import { eventually, startTestHub } from '../helpers/hub.js';
import { IDS, PLUGS, haveChromium, launchChromium, num, obis, startRig, type Rig } from './rig.js';

if (!haveChromium)
  console.warn(
    'Skipping the dashboard browser tests: /usr/bin/chromium is missing (.ci/run installs Debian’s chromium).',
  );

const WALL = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

/** Every plug's id on the hub: the configured one, else its topic. */
const PLUG_IDS = Array.from({ length: PLUGS }, (_, i) => IDS[`plug_${i + 1}`] ?? `plug_${i + 1}`);

describe.skipIf(!haveChromium)('the dashboard in Chromium', () => {
  let rig: Rig;
  const pages: Page[] = [];

  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(pages.map((p) => p.context().close()));
    await rig?.stop();
  }, 30_000);

  async function open(path: string, viewport = DESKTOP, deviceScaleFactor = 1): Promise<Page> {
    const context = await rig.browser.newContext({ viewport, deviceScaleFactor });
    const page = await context.newPage();
    pages.push(page);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${rig.baseUrl}/${path}`);
    expect(problems).toEqual([]);
    return page;
  }

  const tile = (page: Page, id: string) => page.locator(`article[data-id="${id}"]`);
  const text = async (page: Page, selector: string) =>
    ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  const shot = async (page: Page, name: string) => {
    await page.evaluate('window.scrollTo(0, 0)'); // the sticky header at the top, where it belongs
    await page.screenshot({ path: join(rig.shots, name), fullPage: true });
  };

  it('shows every device: grid ids on the wall by row and column, the meter, the rest in a list', async () => {
    const page = await open('', WALL);
    for (const id of PLUG_IDS)
      await page.locator(`article[data-id="${id}"] .num`).first().waitFor({ timeout: 10_000 });
    const wall = page.locator('.wall-section').filter({ hasText: 'Workstations' });
    for (const id of ['sp_w.r1.c1', 'sp_w.r1.c2', 'sp_w.r1.c3', 'sp_w.r2.c1', 'sp_w.r2.c3'])
      expect(await wall.locator(`article[data-id="${id}"]`).count()).toBe(1);
    // sp_w.r2.c3: second data row (after the column labels), third column (after the row labels).
    expect(await wall.locator('article[data-id="sp_w.r2.c3"]').getAttribute('style')).toMatch(
      /grid-area: 3 \/ 4\b/,
    );
    expect(await wall.locator('.cell-empty').count()).toBe(1);
    expect(
      await page.locator('.wall-section', { hasText: 'Meeting rooms' }).locator('article').count(),
    ).toBe(1);
    const list = page.locator('.list-section');
    expect(await list.locator('article[data-id="coffee-machine"]').count()).toBe(1);
    expect(await list.locator('article[data-id="plug_8"]').count()).toBe(1);
    // The P1 meter and its gas meter.
    await page.locator('.meters article').first().waitFor({ timeout: 10_000 });
    await eventually(
      async () => (await text(page, '.list-section')).includes('gas'),
      10_000,
      'the gas meter in the list',
    );
    // Each plug's live power, tabular, and its last-seen time.
    await eventually(
      async () =>
        (await text(page, 'article[data-id="coffee-machine"] .reading')).startsWith('1.45 kW'),
      15_000,
      'the kettle drawing 1.45 kW',
    );
    expect(await text(page, 'article[data-id="sp_w.r1.c2"] .seen')).toMatch(/ago|just now/);
    await shot(page, 'wall.png');
    expect(await text(page, '.conn')).toBe('Live');
  });

  it('fits a phone: the wall fits the screen width and the list keeps every device', async () => {
    const page = await open('', PHONE, 2);
    for (const id of PLUG_IDS) await tile(page, id).waitFor();
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
    await shot(page, 'phone.png');
  });

  /** Layout shifts (Layout Instability API) from now on, not caused by input. */
  const watchShifts = (page: Page) =>
    page.evaluate(`window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
      }).observe({ type: 'layout-shift' });`);
  const shifts = (page: Page) => page.evaluate('window.__shifts') as Promise<number[]>;

  it('does not shift its layout as live data arrives: the wall and the meter page', async () => {
    const wall = await open('', WALL);
    for (const id of PLUG_IDS) await tile(wall, id).locator('.num').first().waitFor();
    await wall.locator('.meters article').first().waitFor();
    await watchShifts(wall);
    // A plug switched off and on again over MQTT (its switch and power change), while the
    // meter's telegrams arrive every second and the last-seen times tick.
    const t = tile(wall, 'sp_w.r1.c3');
    const client = await mqtt.connectAsync(rig.mqttUrl, { reconnectPeriod: 0 });
    try {
      for (const [cmd, shown] of [
        ['OFF', 'false'],
        ['ON', 'true'],
      ] as const) {
        await client.publishAsync('cmnd/plug_3/POWER', cmd);
        await eventually(
          async () => (await t.locator('.switch').getAttribute('aria-checked')) === shown,
          8000,
          `the tile to show ${cmd}`,
        );
      }
    } finally {
      await client.endAsync();
    }
    expect(await shifts(wall)).toEqual([]);

    const { devices } = (await (await fetch(`${rig.baseUrl}/api/devices`)).json()) as {
      devices: { id: string; protocol: string; readings: Record<string, unknown> }[];
    };
    const meter = devices.find((d) => d.protocol === 'dsmr' && d.readings.power_import)!;
    const page = await open(`#/meter/${encodeURIComponent(meter.id)}`, DESKTOP);
    await eventually(async () => (await text(page, '[data-field="today.import"]')) !== '', 10_000);
    await watchShifts(page);
    // Three more telegrams, each redrawing the page's figures.
    const ok = async () =>
      ((await (await fetch(`${rig.baseUrl}/api/status`)).json()) as { p1: { ok: number } }).p1.ok;
    const start = await ok();
    await eventually(async () => (await ok()) >= start + 3, 10_000, 'three more telegrams');
    expect(await shifts(page)).toEqual([]);
  });

  it('switches a plug from its tile, and the tile follows the plug', async () => {
    const page = await open('', DESKTOP);
    const plug = rig.fleet.plugs[1]!; // plug_2, sp_w.r1.c2
    const t = tile(page, 'sp_w.r1.c2');
    const sw = t.locator('.switch');
    await eventually(
      async () => (await sw.getAttribute('aria-checked')) === 'true',
      10_000,
      'the plug shown on',
    );
    expect(plug.relayState()).toBe(true);

    await sw.click();
    await eventually(() => !plug.relayState(), 5000, 'the simulated plug to turn off');
    await eventually(
      async () => (await sw.getAttribute('aria-checked')) === 'false',
      5000,
      'the tile to show off',
    );
    expect(await t.getAttribute('data-error')).toBeNull();

    // Switched elsewhere (its own MQTT command), the tile follows the plug.
    const client = await mqtt.connectAsync(rig.mqttUrl, { reconnectPeriod: 0 });
    try {
      await client.publishAsync('cmnd/plug_2/POWER', 'ON');
      await eventually(() => plug.relayState(), 5000, 'the plug to turn on');
      await eventually(
        async () => (await sw.getAttribute('aria-checked')) === 'true',
        8000,
        'the tile to show on again',
      );
    } finally {
      await client.endAsync();
    }
  });

  it('says "Plug unreachable" on the tile of a plug that does not answer', async () => {
    const page = await open('', DESKTOP);
    const t = tile(page, 'plug_8');
    await t.waitFor();
    rig.fleet.plugs[7]!.setFaults({ neverReply: true });
    await t.locator('.switch').click();
    await eventually(
      async () => (await text(page, 'article[data-id="plug_8"] .msg')) === 'Plug unreachable',
      8000,
      'the tile to say so',
    );
    rig.fleet.plugs[7]!.setFaults({});
  });

  it('draws a device’s live and history charts and shows its identity', async () => {
    const page = await open('#/device/sp_w.r1.c1', DESKTOP);
    await page.locator('h1', { hasText: 'sp_w.r1.c1' }).waitFor();
    const points = async (selector: string) =>
      Number(await page.locator(selector).first().getAttribute('data-points'));
    await eventually(
      async () => (await points('.card:has(h2:text("Last 5 minutes")) .chart')) > 0,
      10_000,
      'live points',
    );
    // 24 h of means by the quarter hour from the stored day, and energy per hour.
    await eventually(
      async () => (await points('.history figure:nth-child(1) .chart')) >= 90,
      10_000,
      'a day of power',
    );
    await eventually(
      async () => (await points('.history figure:nth-child(4) .chart')) >= 20,
      10_000,
      'hourly energy',
    );
    // The power line is drawn: the chart's canvas holds the series' blue.
    const blue = await page.evaluate(`(() => {
      const c = document.querySelector('.history figure:nth-child(1) canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 80 && d[i + 1] > 80 && d[i + 1] < 120 && d[i + 2] > 200) n++;
      return n;
    })()`);
    expect(blue).toBeGreaterThan(100);
    const identity = await text(page, '.facts');
    expect(identity).toContain('plug_1');
    expect(identity).toContain('Tasmota');
    expect(identity).toMatch(/MAC\s*[0-9A-F:]{17}/i);
    // A countdown and a daily timer, answered where they were asked.
    const countdown = page.locator('form[data-form="countdown"]');
    await countdown.locator('input[name="amount"]').fill('10');
    await countdown.locator('select[name="unit"]').selectOption('60');
    await countdown.locator('button').click();
    await eventually(
      async () =>
        /^Started: turns off at/.test(
          await text(page, '.control:has(form[data-form="countdown"]) .status'),
        ),
      5000,
      'the countdown to start',
    );
    await eventually(
      async () => /^Turns off in 9:5\d$/.test(await text(page, '.running')),
      5000,
      'the countdown ticking',
    );
    const timer = page.locator('form[data-form="timer"]');
    await timer.locator('input[name="time"]').fill('07:30');
    await timer.locator('select[name="slot"]').selectOption('2');
    await timer.locator('button').click();
    await eventually(
      async () =>
        /^Saved slot 2: every day at 07:30 turn on/.test(
          await text(page, '.control:has(form[data-form="timer"]) .status'),
        ),
      5000,
      'the timer saved',
    );
    await page.locator('[data-range="7d"]').click();
    await eventually(
      async () => (await points('.history figure:nth-child(1) .chart')) >= 60,
      10_000,
      'three days by the hour',
    );
    await page.locator('[data-range="24h"]').click();
    await eventually(
      async () => (await points('.history figure:nth-child(1) .chart')) >= 90,
      10_000,
      'back to a day',
    );
    await shot(page, 'device.png');
  });

  it('shows the P1 meter as the meter said: import, export, phases, tariff, capacity peak, gas', async () => {
    const devices = (await (await fetch(`${rig.baseUrl}/api/devices`)).json()) as {
      devices: { id: string; protocol: string; readings: Record<string, unknown> }[];
    };
    const meter = devices.devices.find((d) => d.protocol === 'dsmr' && d.readings.power_import);
    expect(meter).toBeDefined();
    const page = await open(`#/meter/${encodeURIComponent(meter!.id)}`, DESKTOP);
    await page.locator('[data-field="import"]').waitFor({ timeout: 10_000 });
    rig.stopMeter();
    const t = rig.lastTelegram();
    const kw = (code: string) => `${num(obis(t, code).at(-1)!).toFixed(3)} kW`;
    // Until the page shows the last telegram: its import and L1 voltage both (one alone may
    // repeat the telegram before it).
    const volts = (code: string) => `${num(obis(t, code)[0]!).toFixed(1)} V`;
    await eventually(
      async () =>
        (await text(page, '[data-field="import"]')) === kw('1-0:1.7.0') &&
        (await text(page, '[data-field="l1.voltage"]')) === volts('1-0:32.7.0'),
      10_000,
      `import ${kw('1-0:1.7.0')} and ${volts('1-0:32.7.0')}`,
    );
    expect(await text(page, '[data-field="export"]')).toBe(kw('1-0:2.7.0'));
    expect(await text(page, '[data-field="tariff"]')).toBe(
      String(Number(obis(t, '0-0:96.14.0')[0])),
    );
    const phases = [
      ['l1', '21', '32', '31'],
      ['l2', '41', '52', '51'],
      ['l3', '61', '72', '71'],
    ] as const;
    for (const [p, power, volt, amp] of phases) {
      expect(await text(page, `[data-field="${p}.import"]`)).toBe(kw(`1-0:${power}.7.0`));
      expect(await text(page, `[data-field="${p}.voltage"]`)).toBe(
        `${num(obis(t, `1-0:${volt}.7.0`)[0]!).toFixed(1)} V`,
      );
      expect(await text(page, `[data-field="${p}.current"]`)).toBe(
        `${num(obis(t, `1-0:${amp}.7.0`)[0]!).toFixed(2)} A`,
      );
    }
    expect(await text(page, '[data-field="peak"]')).toBe(kw('1-0:1.6.0'));
    const gas = num(obis(t, '0-1:24.2.3').at(-1)!);
    expect(await text(page, '.mbus-list [data-field="gas_total"]')).toBe(`${gas.toFixed(3)} m³`);
    expect(await text(page, '[data-field="today.import"]')).toMatch(/^\d/);
    expect(await text(page, '.received')).toMatch(/last telegram/);
    await shot(page, 'meter.png');
  });

  it('shows a gas meter by its total, without a power chart; a plug on the meter page says it is none', async () => {
    const { devices } = (await (await fetch(`${rig.baseUrl}/api/devices`)).json()) as {
      devices: { id: string; readings: Record<string, { value: number }> }[];
    };
    const gas = devices.find((d) => d.readings.gas_total)!;
    const page = await open(`#/device/${encodeURIComponent(gas.id)}`, DESKTOP);
    await eventually(
      async () =>
        (await text(page, '.now .big')) === `${gas.readings.gas_total!.value.toFixed(3)} m³ gas`,
      10_000,
      'the gas total as the device is now',
    );
    expect(await page.locator('text=Last 5 minutes').count()).toBe(0);

    const plug = await open(`#/meter/${PLUG_IDS[0]}`, DESKTOP);
    await plug.locator('.placeholder').waitFor({ timeout: 10_000 });
    expect(await text(plug, '.placeholder')).toContain(
      `Device "${PLUG_IDS[0]}" is not a P1 electricity meter.`,
    );
    expect(await plug.locator('.card').count()).toBe(0);
  });

  it('renames a device to a grid id, and it moves onto the wall', async () => {
    const page = await open('#/device/plug_8', DESKTOP);
    const form = page.locator('form[data-form="rename"]');
    await form.locator('input[name="id"]').fill('sp_p.r1.c1');
    await form.locator('button').click();
    await page.locator('h1', { hasText: 'sp_p.r1.c1' }).waitFor({ timeout: 5000 });
    expect(new URL(page.url()).hash).toBe('#/device/sp_p.r1.c1');
    await page.locator('a.back').click();
    const printers = page.locator('.wall-section', { hasText: 'Printers' });
    await printers.locator('article[data-id="sp_p.r1.c1"]').waitFor({ timeout: 5000 });
    expect(await page.locator('article[data-id="plug_8"]').count()).toBe(0);
  });
});

describe.skipIf(!haveChromium)('the dashboard of a hub with an API token', () => {
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startTestHub({ 'api-token': 'open-sesame' });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('takes the token once from ?token=, keeps it, and asks for it where it has none', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hub.baseUrl}/?token=open-sesame#/`);
    await page.locator('.conn', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
    await page.locator('.placeholder', { hasText: 'No devices yet' }).waitFor();
    expect(page.url()).not.toContain('open-sesame');
    expect(await page.evaluate("localStorage.getItem('wattbridge.token')")).toBe('open-sesame');
    // The same browser later: no prompt.
    await page.goto(`${hub.baseUrl}/`);
    await page.locator('.conn', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.token-form').count()).toBe(0);
    await context.close();

    const fresh = await (await browser.newContext()).newPage();
    await fresh.goto(`${hub.baseUrl}/`);
    const form = fresh.locator('.token-form');
    await form.waitFor({ timeout: 5000 });
    await form.locator('input').fill('wrong');
    await form.locator('button').click();
    await form.locator('.status', { hasText: 'does not accept' }).waitFor({ timeout: 5000 });
    await form.locator('input').fill('open-sesame');
    await form.locator('button').click();
    await fresh.locator('.conn', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
    expect(await fresh.locator('.token-form').count()).toBe(0);
    await fresh.context().close();
  });
});

describe.skipIf(!haveChromium)('the dashboard of a hub that loses its MQTT broker', () => {
  let broker: TestBroker;
  let hub: Awaited<ReturnType<typeof startTestHub>>;
  let browser: Browser;

  beforeAll(async () => {
    broker = await startTestBroker();
    hub = await startTestHub({ 'mqtt-url': broker.url });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await broker?.close();
  });

  it('says so in a banner while the broker is gone, and clears it when the hub is back', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${hub.baseUrl}/`);
    await page.locator('.conn', { hasText: 'Live' }).waitFor({ timeout: 10_000 });
    const banner = page.locator('.banner');
    expect(await banner.isVisible()).toBe(false);
    const port = broker.port;
    await broker.close();
    await banner
      .filter({ hasText: 'Hub disconnected from the MQTT broker' })
      .waitFor({ timeout: 10_000 });
    broker = await startTestBroker(port);
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.context().close();
  });
});

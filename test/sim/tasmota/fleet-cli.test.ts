import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_TASMOTA_USAGE, simTasmotaCommand } from '../../../src/sim/tasmota/cli.js';
import { startTasmotaFleet } from '../../../src/sim/tasmota/fleet.js';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import type { TestBroker } from '../../helpers/aedes-broker.js';
import { Observer, jsonOn, sleep } from './observer.js';
import { capture } from '../../helpers/capture-io.js';

/** Poll until `cond` holds (the CLI reports through its streams, not events). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(20);
}

describe('Tasmota fleet and CLI', () => {
  let broker: TestBroker;
  let obs: Observer;
  beforeEach(async () => {
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url, ['tele/+/LWT', 'tele/+/SENSOR', 'stat/#']);
  });
  afterEach(async () => {
    await obs.close();
    await broker.close();
  });

  it('starts plugs with distinct topics, MACs and client ids, and stops them all', async () => {
    const clientIds: string[] = [];
    broker.broker.on('client', (c) => clientIds.push(c.id));
    const fleet = await startTasmotaFleet({
      mqttUrl: broker.url,
      count: 3,
      topicPrefix: 'demo',
      loads: [120, 75],
    });
    expect(fleet.plugs.map((p) => p.topic)).toEqual(['demo_1', 'demo_2', 'demo_3']);
    expect(new Set(fleet.plugs.map((p) => p.mac)).size).toBe(3);
    expect(new Set(clientIds.filter((id) => id.startsWith('DVES_'))).size).toBe(3);
    for (const t of ['demo_1', 'demo_2', 'demo_3']) {
      await obs.waitFor((m) => m.topic === `tele/${t}/LWT` && m.payload === 'Online');
    }
    const from = obs.mark();
    await fleet.stop();
    await obs.waitForCount((m) => m.topic.endsWith('/LWT') && m.payload === 'Offline', 3, from);
  });

  it('names plugs tasmota_<MAC6> without a prefix', async () => {
    const fleet = await startTasmotaFleet({ mqttUrl: broker.url, count: 2 });
    try {
      for (const p of fleet.plugs) expect(p.topic).toBe(`tasmota_${p.mac.slice(6)}`);
    } finally {
      await fleet.stop();
    }
  });

  it('CLI: rejects bad flags with usage and exit code 2', async () => {
    for (const argv of [
      ['--bogus'],
      ['--count', '0'],
      ['--fault', 'explode'],
      ['--load', '1,x'],
      ['extra'],
    ]) {
      const io = capture();
      expect(await simTasmotaCommand(argv, io)).toBe(2);
      expect(io.stderr.text).toContain('Usage: wattbridge sim tasmota');
    }
  });

  it('CLI: rejects bad timed-fault values, naming the flag, with usage and exit code 2', async () => {
    for (const [argv, says] of [
      [['--fault', 'die:0'], '--fault die:SECONDS'],
      [['--fault', 'die:-5'], '--fault die:SECONDS'],
      [['--fault', 'die:1.5'], '--fault die:SECONDS'],
      [['--fault', 'die:1e2'], '--fault die:SECONDS'],
      [['--fault', 'die:'], '--fault die:SECONDS'],
      [['--fault', 'die:1:2'], '--fault die:SECONDS'],
      [['--fault', 'die:604801'], '--fault die:SECONDS'],
      [['--fault', 'counter-reset:0'], '--fault counter-reset:SECONDS'],
      [['--fault', 'counter-reset:soon'], '--fault counter-reset:SECONDS'],
      [['--fault', 'die:5', '--fault', 'die:10'], '--fault die given twice'],
      [['--fault', 'duplicate:2'], '--fault duplicate takes no value'],
      [['--fault', 'explode:3'], 'unknown --fault "explode:3"'],
    ] as const) {
      const io = capture();
      expect(await simTasmotaCommand([...argv], io), argv.join(' ')).toBe(2);
      expect(io.stderr.text).toContain(says);
      expect(io.stderr.text).toContain('Usage: wattbridge sim tasmota');
    }
  });

  it('CLI: the usage text lists every fault with its meaning', async () => {
    const io = capture();
    expect(await simTasmotaCommand(['--help'], io)).toBe(0);
    expect(io.stdout.text).toBe(SIM_TASMOTA_USAGE);
    for (const fault of [
      'duplicate',
      'no-ntp',
      'reply-late',
      'never-reply',
      'die[:S]',
      'counter-reset[:S]',
    ]) {
      expect(io.stdout.text).toMatch(
        new RegExp(`^ {4}${fault.replace(/[[\]]/g, '\\$&')} +\\S`, 'm'),
      );
    }
  });

  it('CLI --fault die:1: every plug dies uncleanly, the broker publishes its LWT, the command keeps running', async () => {
    // Broker side: an Offline the plug publishes itself comes over a live
    // connection; the will is published after the connection is gone.
    const offlineOverLiveConn: boolean[] = [];
    const authorize = broker.broker.authorizePublish.bind(broker.broker);
    broker.broker.authorizePublish = (client, packet, done) => {
      if (packet.topic.endsWith('/LWT') && String(packet.payload) === 'Offline') {
        offlineOverLiveConn.push(client !== null && !client.conn.destroyed);
      }
      authorize(client, packet, done);
    };
    const io = capture();
    const stop = new AbortController();
    let finished = false;
    const run = simTasmotaCommand(
      ['--count', '2', '--mqtt-url', broker.url, '--topic-prefix', 'die', '--fault', 'die:1'],
      io,
      { signal: stop.signal },
    ).finally(() => (finished = true));
    await until(() => io.stdout.text.split('\n').filter(Boolean).length === 2);
    const from = obs.mark();

    const offline = (t: string) => (m: { topic: string; payload: string }) =>
      m.topic === `tele/${t}/LWT` && m.payload === 'Offline';
    await obs.waitFor(offline('die_1'), from, 10_000);
    await obs.waitFor(offline('die_2'), from, 10_000);
    // Both were wills, and the command is still running (dead plugs stay dead).
    expect(finished).toBe(false);
    expect(offlineOverLiveConn).toEqual([false, false]);
    expect(io.stderr.text).toContain('die_1: fault die');
    expect(io.stderr.text).toContain('die_2: fault die');
    // The will is retained, as a real plug's would be.
    const late = await Observer.connect(broker.url, ['tele/+/LWT']);
    try {
      const seen = await late.waitForCount((m) => m.topic.startsWith('tele/die_'), 2);
      expect(seen.map((m) => [m.payload, m.retain])).toEqual([
        ['Offline', true],
        ['Offline', true],
      ]);
    } finally {
      await late.close();
    }

    stop.abort();
    expect(await run).toBe(0);
    expect(io.stderr.text).toContain('stopped');
  });

  it('CLI --fault counter-reset:1: the next SENSOR shows Total 0 (repeatable --fault)', async () => {
    const io = capture();
    const stop = new AbortController();
    const run = simTasmotaCommand(
      [
        '--mqtt-url',
        broker.url,
        '--topic-prefix',
        'cr',
        '--fault',
        'counter-reset:1',
        '--fault',
        'no-ntp',
      ],
      io,
      { signal: stop.signal, initialEnergyTotalKWh: 120 },
    );
    try {
      await until(() => io.stdout.text.includes('\n'));
      // The counters held the boot Total until the fault struck.
      await until(() => io.stderr.text.includes('cr_1: fault counter-reset'));
      expect(io.stderr.text).toContain('Total was 120.000 kWh');

      const from = obs.mark();
      await obs.publish('cmnd/cr_1/TelePeriod', '');
      const sensor = await jsonOn(obs, 'tele/cr_1/SENSOR', from);
      expect(sensor).toMatchObject({ ENERGY: { Total: 0, Today: 0, Yesterday: 0 } });
      // The second --fault reached the plug too.
      expect(sensor.Time).toMatch(/^1970-01-01T/);
    } finally {
      stop.abort();
    }
    expect(await run).toBe(0);
  });

  it('CLI: names the URL and exits 1 when the broker cannot be reached', async () => {
    const url = broker.url;
    await obs.close();
    await broker.close();
    const io = capture();
    const code = await simTasmotaCommand(['--mqtt-url', url], io, { connectTimeoutMs: 300 });
    expect(code).toBe(1);
    expect(io.stderr.text).toContain(url);
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url);
  });

  it('CLI: runs the fleet until stopped, one line per plug, then shuts down cleanly', async () => {
    const io = capture();
    const stop = new AbortController();
    const run = simTasmotaCommand(
      [
        '--count',
        '2',
        '--mqtt-url',
        broker.url,
        '--topic-prefix',
        'cli',
        '--load',
        '100',
        '--fault',
        'duplicate',
      ],
      io,
      { signal: stop.signal },
    );
    while (io.stdout.text.split('\n').filter(Boolean).length < 2) await sleep(20);
    const lines = io.stdout.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^cli_1 [0-9A-F]{12}$/);
    expect(lines[1]).toMatch(/^cli_2 [0-9A-F]{12}$/);

    const from = obs.mark();
    await obs.publish('cmnd/cli_2/POWER', 'ON');
    // --fault duplicate reached the plugs.
    await obs.waitForCount((m) => m.topic === 'stat/cli_2/POWER' && m.payload === 'ON', 2, from);

    stop.abort();
    expect(await run).toBe(0);
    await obs.waitFor((m) => m.topic === 'tele/cli_1/LWT' && m.payload === 'Offline', from);
    await obs.waitFor((m) => m.topic === 'tele/cli_2/LWT' && m.payload === 'Offline', from);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simTasmotaCommand } from '../../../src/sim/tasmota/cli.js';
import { startTasmotaFleet } from '../../../src/sim/tasmota/fleet.js';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import type { TestBroker } from '../../helpers/aedes-broker.js';
import { Observer, sleep } from './observer.js';

function capture(): {
  stdout: { write(s: string): boolean; text: string };
  stderr: { write(s: string): boolean; text: string };
} {
  const sink = (): { write(s: string): boolean; text: string } => {
    const s = {
      text: '',
      write(chunk: string): boolean {
        s.text += chunk;
        return true;
      },
    };
    return s;
  };
  return { stdout: sink(), stderr: sink() };
}

describe('Tasmota fleet and CLI', () => {
  let broker: TestBroker;
  let obs: Observer;
  beforeEach(async () => {
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url, ['tele/+/LWT', 'stat/#']);
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

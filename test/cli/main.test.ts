import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { VERSION } from '../../src/version.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const cli: CliIo = { stdin: new PassThrough(), stdout, stderr, env };
  return { cli, out: () => out, err: () => err };
}

describe('wattbridge (dispatch and small commands)', () => {
  it('prints its version and its usage', async () => {
    const a = io();
    expect(await main(['--version'], a.cli)).toBe(0);
    expect(a.out().trim()).toBe(VERSION);
    const b = io();
    expect(await main([], b.cli)).toBe(0);
    expect(b.out()).toMatch(/wattbridge start \[--demo\]/);
  });

  it('answers an unknown command with exit 2 and the usage', async () => {
    const a = io();
    expect(await main(['strat'], a.cli)).toBe(2);
    expect(a.err()).toMatch(/Unknown command "strat"[\s\S]*Usage:/);
    const b = io();
    expect(await main(['sim', 'zigbee'], b.cli)).toBe(2);
    expect(b.err()).toMatch(/Unknown simulator "zigbee"/);
  });

  it('config shows what start would run with, password hidden', async () => {
    const a = io({ WATTBRIDGE_HTTP_PORT: '9000' });
    const code = await main(
      ['config', '--mqtt-url', 'mqtts://u@broker:8883', '--mqtt-password', 'hunter2'],
      a.cli,
    );
    expect(code).toBe(0);
    expect(a.out()).toMatch(/url: mqtts:\/\/u@broker:8883/);
    expect(a.out()).toMatch(/port: 9000/);
    expect(a.out()).toMatch(/password: \(hidden\)/);
    expect(a.out()).not.toContain('hunter2');
  });

  it('config hides a password inside the broker URL, and --no-demo beats the environment', async () => {
    const a = io({ WATTBRIDGE_DEMO: 'true' });
    expect(
      await main(['config', '--mqtt-url', 'mqtt://hub:s3cret@broker:1883', '--no-demo'], a.cli),
    ).toBe(0);
    expect(a.out()).toMatch(/url: mqtt:\/\/hub:\*\*\*@broker:1883/);
    expect(a.out()).not.toContain('s3cret');
    expect(a.out()).toMatch(/demo: false/);
  });

  it('config --reference prints the settings table', async () => {
    const a = io();
    expect(await main(['config', '--reference'], a.cli)).toBe(0);
    expect(a.out()).toMatch(
      /\| `mqtt\.port` \| `--mqtt-port` \| `WATTBRIDGE_MQTT_PORT` \| `1883` \|/,
    );
  });
});

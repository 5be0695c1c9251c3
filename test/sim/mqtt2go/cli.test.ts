import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_MQTT2GO_USAGE, simMqtt2goCommand } from '../../../src/sim/mqtt2go/cli.js';
import { startTestBroker, type TestBroker } from '../../helpers/aedes-broker.js';
import { runCli } from '../../helpers/cli.js';
import { eventually } from '../../helpers/hub.js';
import { Observer } from '../tasmota/observer.js';
import { capture } from '../../helpers/capture-io.js';

describe('wattbridge sim mqtt2go', () => {
  let broker: TestBroker;
  let obs: Observer;
  beforeEach(async () => {
    broker = await startTestBroker();
    obs = await Observer.connect(broker.url);
  });
  afterEach(async () => {
    await obs.client.endAsync();
    await broker.close();
  });

  it.each([
    [['--version', '3.0'], '--version must be 2.1 or 1.2, got "3.0"'],
    [['--home', 'a/b'], '--home must be one topic level, got "a/b"'],
    [['--interval', '0'], '--interval must be a whole number 1..3600, got "0"'],
    [['--fault', 'explode'], 'unknown --fault "explode"'],
    [['--fault', 'die:x'], '--fault die:SECONDS must be a whole number'],
    [['--fault', 'duplicate:3'], '--fault duplicate takes no value'],
  ])('%j is a usage error (exit 2, says why, shows usage)', async (argv, why) => {
    const io = capture();
    expect(await simMqtt2goCommand(argv, io)).toBe(2);
    expect(io.stderr.text).toContain(why);
    expect(io.stderr.text).toContain(SIM_MQTT2GO_USAGE);
  });

  it('--help prints the usage', async () => {
    const io = capture();
    expect(await simMqtt2goCommand(['--help'], io)).toBe(0);
    expect(io.stdout.text).toBe(SIM_MQTT2GO_USAGE);
  });

  it('runs N sockets of one version in the given home and gateway until stopped', async () => {
    const io = capture();
    const stop = new AbortController();
    const run = simMqtt2goCommand(
      [
        '--count',
        '2',
        '--mqtt-url',
        broker.url,
        '--home',
        'OVA',
        '--gateway',
        'GW1',
        '--version',
        '1.2',
        '--group',
        'lab',
      ],
      io,
      { signal: stop.signal },
    );
    await eventually(() => io.stdout.text.split('\n').length > 2, 5000, 'sockets listed');
    expect(io.stdout.text).toBe('socket_1 1.2\nsocket_2 1.2\n');
    for (const id of ['socket_1', 'socket_2'])
      await obs.waitFor(
        (m) => m.topic === `OVA/GW1/lab/socket/${id}` && m.payload.includes('"power"'),
      );
    stop.abort();
    expect(await run).toBe(0);
    expect(io.stderr.text).toContain('stopped');
  });

  it('the built binary dispatches `sim mqtt2go`; Ctrl-C stops the sockets', async () => {
    const cli = runCli(['sim', 'mqtt2go', '--mqtt-url', broker.url, '--id-prefix', 'bin']);
    await obs.waitFor((m) => m.topic === 'BRQ/BUT/bin_1/power/out', 0, 10_000);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toBe('bin_1 2.1\n');
  });

  it('an unreachable broker is exit 1 with the reason', async () => {
    const io = capture();
    const code = await simMqtt2goCommand(['--mqtt-url', 'mqtt://127.0.0.1:1'], io, {
      connectTimeoutMs: 300,
    });
    expect(code).toBe(1);
    expect(io.stderr.text).toContain('cannot reach MQTT broker mqtt://127.0.0.1:1');
  });
});

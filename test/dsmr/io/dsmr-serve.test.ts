import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestBroker } from '../../helpers/aedes-broker.js';
import { tempDir } from '../../helpers/tmp.js';
import { fixture } from '../fixtures.js';
import {
  Client,
  FakeReader,
  SMARTY_KEY,
  TELEGRAMS,
  deferCleanup,
  encryptFrame,
  expectedMessage,
  junk,
  serve,
  takenPort,
  waitFor,
} from './helpers.js';

const dir = tempDir('wattbridge-serve-');
afterAll(() => dir.remove());

async function usageError(argv: string[]): Promise<string> {
  const run = serve(argv);
  expect(await run.exit).toBe(2);
  expect(run.stderr()).toContain('Usage: wattbridge dsmr serve');
  return run.stderr().split('\n')[0]!;
}

describe('wattbridge dsmr serve', () => {
  const defer = deferCleanup();

  it('serves a network reader on the JSON and raw sockets until stopped', async () => {
    const reader = await FakeReader.start();
    defer(() => reader.close());
    const run = serve([
      '--p1-tcp',
      `127.0.0.1:${reader.port}`,
      '--p1-json-port',
      '0',
      '--p1-raw-port',
      '0',
    ]);
    defer(() => run.stop());
    const jsonPort = (await waitFor(() => run.log('json socket listening'), 'the JSON socket'))
      .port as number;
    const rawPort = (await waitFor(() => run.log('raw socket listening'), 'the raw socket'))
      .port as number;
    const json = await Client.connect(jsonPort);
    const raw = await Client.connect(rawPort);
    defer(
      () => json.close(),
      () => raw.close(),
    );
    await reader.connected(1);
    await waitFor(() => run.log('raw socket: client connected'), 'the clients');

    const good = TELEGRAMS.map((name) => fixture(name));
    await reader.send(Buffer.concat(good.flatMap((t, i) => [junk(i), t])));

    const lines = await json.waitForLines(TELEGRAMS.length);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(TELEGRAMS.map(expectedMessage));
    const expectedRaw = Buffer.concat(good);
    expect((await raw.waitForBytes(expectedRaw.length)).equals(expectedRaw)).toBe(true);

    run.stop();
    expect(await run.exit).toBe(0);
    expect(run.log('P1 final counts')).toMatchObject({ ok: TELEGRAMS.length });
    expect(run.log('P1 input connected')).toMatchObject({ input: `tcp 127.0.0.1:${reader.port}` });
    await json.waitForEnd();
  });

  it('replays a file to the end and exits 0 by itself', async () => {
    const file = path.join(dir.path, 'recording.txt');
    writeFileSync(file, Buffer.concat(TELEGRAMS.map((name) => fixture(name))));
    const run = serve(['--p1-file', file, '--replay-rate', '0', '--p1-json-port', '0']);
    expect(await run.exit).toBe(0);
    expect(run.log('P1 final counts')).toMatchObject({ ok: TELEGRAMS.length });
    expect(run.log('stopping')).toMatchObject({ why: 'input ended' });
  });

  it('decrypts stdin with the key from $WATTBRIDGE_P1_KEY and serves the plaintext raw', async () => {
    const run = serve(['--p1-file', '-', '--replay-rate', '0', '--p1-raw-port', '0'], {
      WATTBRIDGE_P1_KEY: SMARTY_KEY.toString('hex'),
    });
    defer(() => run.stop());
    const rawPort = (await waitFor(() => run.log('raw socket listening'), 'the raw socket'))
      .port as number;
    const raw = await Client.connect(rawPort);
    defer(() => raw.close());
    await waitFor(() => run.log('raw socket: client connected'), 'the client');
    const plain = fixture('dsmr-reader-5l-luxembourg-smarty.txt');
    run.stdin.end(Buffer.concat([encryptFrame(plain, 1), encryptFrame(plain, 2)]));
    expect(await run.exit).toBe(0);
    const expected = Buffer.concat([plain, plain]);
    expect((await raw.waitForBytes(expected.length)).equals(expected)).toBe(true);
  });

  it('replays to MQTT without losing the first telegrams to the connection setup', async () => {
    const broker = await startTestBroker();
    defer(() => broker.close());
    const published: string[] = [];
    broker.broker.on('publish', (packet) => {
      if (packet.topic === 'home/status/energy') published.push(packet.payload.toString());
    });
    const file = path.join(dir.path, 'to-mqtt.txt');
    writeFileSync(file, Buffer.concat(TELEGRAMS.map((name) => fixture(name))));
    const run = serve([
      '--p1-file',
      file,
      '--replay-rate',
      '0',
      '--mqtt-url',
      broker.url,
      '--mqtt-prefix',
      'home',
    ]);
    expect(await run.exit).toBe(0);
    expect(published.map((p) => JSON.parse(p) as unknown)).toEqual(TELEGRAMS.map(expectedMessage));
  });

  it('exits 1 naming the port and the flag when a port is taken', async () => {
    const port = await takenPort(defer);
    const run = serve(['--p1-tcp', '127.0.0.1:1', '--p1-raw-port', String(port)]);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toBe(
      `dsmr serve: cannot listen on 127.0.0.1:${port} for the raw socket: port ${port} is already in use; choose another with --p1-raw-port\n`,
    );
  });

  it('exits 1 when the file to replay cannot be read', async () => {
    const run = serve(['--p1-file', path.join(dir.path, 'nope.txt'), '--p1-json-port', '0']);
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/^dsmr serve: cannot read .*nope\.txt: ENOENT/);
  });

  it('prints its usage with --help', async () => {
    const run = serve(['--help']);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toContain('--p1-serial PATH');
    expect(run.stdout()).toContain('--mqtt-distinct-fields');
  });

  it('exits 2 naming the problem and the allowed values on bad usage', async () => {
    const tcp = ['--p1-tcp', '127.0.0.1:2000'];
    const out = ['--p1-json-port', '3010'];
    expect(await usageError(out)).toBe(
      'dsmr serve: give one input: --p1-serial PATH, --p1-tcp HOST:PORT or --p1-file FILE',
    );
    expect(await usageError([...tcp, '--p1-file', 'x', ...out])).toBe(
      'dsmr serve: give only one input, not --p1-tcp and --p1-file',
    );
    expect(await usageError(tcp)).toBe(
      'dsmr serve: give at least one output: --p1-json-port N, --p1-raw-port N or --mqtt-url URL',
    );
    expect(await usageError([...tcp, '--p1-json-port', 'abc'])).toBe(
      'dsmr serve: --p1-json-port must be a whole number from 0 to 65535, not "abc"',
    );
    expect(await usageError([...tcp, ...out, '--p1-max-clients', '0'])).toBe(
      'dsmr serve: --p1-max-clients must be a whole number from 1 to 100000, not "0"',
    );
    expect(await usageError([...tcp, ...out, '--log-level', 'loud'])).toBe(
      'dsmr serve: --log-level must be one of fatal, error, warn, info, debug, trace, silent, not "loud"',
    );
    expect(await usageError([...tcp, '--mqtt-url', 'http://broker'])).toBe(
      'dsmr serve: --mqtt-url scheme must be one of mqtt:, mqtts:, tcp:, tls:, ws:, wss:, not "http:"',
    );
    expect(await usageError([...tcp, ...out, '--mqtt-distinct'])).toBe(
      'dsmr serve: --mqtt-distinct goes with --mqtt-url',
    );
    expect(await usageError([...tcp, ...out, '--p1-key', 'abc'])).toBe(
      'dsmr serve: --p1-key must be 32 hex digits',
    );
    expect(await usageError(['--p1-tcp', 'reader', ...out])).toMatch(
      /^dsmr serve: --p1-tcp: "reader" is not host:port/,
    );
    expect(await usageError([...tcp, ...out, '--replay-rate', '2'])).toBe(
      'dsmr serve: --replay-rate goes with --p1-file',
    );
    expect(await usageError(['--p1-file', 'x', ...out, '--replay-rate', 'fast'])).toBe(
      'dsmr serve: --replay-rate must be a number of telegrams per second, 0 or more, not "fast"',
    );
    expect(await usageError([...tcp, ...out, '--port', '/dev/ttyUSB0'])).toMatch(
      /^dsmr serve: Unknown option '--port'/,
    );
  });
});

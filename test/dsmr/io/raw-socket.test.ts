import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { P1Service, RawSocketOutput, ReplayInput } from '../../../src/dsmr/io/index.js';
import { fixture, NEGATIVE } from '../fixtures.js';
import {
  Client,
  SMARTY_KEY,
  TELEGRAMS,
  deferCleanup,
  encryptFrame,
  junk,
  waitFor,
} from './helpers.js';

describe('raw socket', () => {
  const defer = deferCleanup();

  /** A raw socket fed by a replay of what the test writes to `stdin`, with one client connected. */
  async function rawSocketWithClient(key?: Buffer) {
    const stdin = new PassThrough();
    const output = new RawSocketOutput({ host: '127.0.0.1', port: 0 });
    const service = new P1Service({
      source: new ReplayInput({ path: '-', stdin, rate: 0 }),
      outputs: [output],
      decoder: { key },
    });
    await service.start();
    defer(() => service.stop());
    const client = await Client.connect(output.server.port);
    defer(() => client.close());
    await waitFor(() => output.server.clientCount === 1, 'the client');
    const ended = once(service, 'ended');
    return { stdin, service, client, ended };
  }

  it("forwards each valid telegram's bytes exactly, and nothing else", async () => {
    const { stdin, service, client, ended } = await rawSocketWithClient();
    const good = TELEGRAMS.map((name) => fixture(name));
    stdin.end(
      Buffer.concat([
        junk(3),
        good[0]!,
        fixture(NEGATIVE.badCrc),
        good[1]!,
        junk(4),
        good[2]!,
        good[3]!,
        junk(5),
      ]),
    );
    await ended;
    const expected = Buffer.concat(good);
    const received = await client.waitForBytes(expected.length);
    expect(received.equals(expected)).toBe(true);
    expect(service.stats.rejected['crc-mismatch']).toBe(1);
  });

  it('forwards the decrypted plaintext of an encrypted meter', async () => {
    const { stdin, service, client, ended } = await rawSocketWithClient(SMARTY_KEY);
    const plain = [
      fixture('dsmr-reader-5l-luxembourg-smarty.txt'),
      fixture('openhab-5l-smarty-with-units.txt'),
    ];
    const wrongKey = encryptFrame(plain[0]!, 9);
    wrongKey[wrongKey.length - 1]! ^= 0xff; // a frame that fails authentication
    stdin.end(
      Buffer.concat([encryptFrame(plain[0]!, 7), junk(6), wrongKey, encryptFrame(plain[1]!, 8)]),
    );
    await ended;
    const expected = Buffer.concat(plain);
    const received = await client.waitForBytes(expected.length);
    expect(received.equals(expected)).toBe(true);
    expect(service.stats.ok).toBe(2);
    expect(service.stats.rejected['decrypt-failed']).toBe(1);
  });
});

/**
 * End to end, as a user runs it: the DSMR meter simulator on a TCP port ->
 * `wattbridge dsmr serve --p1-tcp` -> its JSON and raw sockets -> real TCP
 * clients. Gateway junk between telegrams holds 0xDB (an encrypted frame's
 * first byte) and stray `!`, and two clients never read: megabytes pile
 * up for them while the reading clients get every telegram. (That a client
 * too far behind is then cut off is json-socket.test.ts's business; here
 * the kernel's socket buffers would make the point take minutes.)
 */
import { describe, expect, it } from 'vitest';
import { DsmrDecoder, toSmartmeter2mqtt } from '../../../src/dsmr/index.js';
import { MeterModel } from '../../../src/sim/dsmr/model.js';
import { startTcpSink } from '../../../src/sim/dsmr/tcp.js';
import { prng } from '../fixtures.js';
import { Client, deferCleanup, serve, waitFor } from './helpers.js';

/** Junk with 0xDB (never followed by 08, so it cannot start a frame) and `!`, no `/`. */
function gatewayJunk(rand: () => number): Buffer {
  const bytes = Array.from({ length: 4 + Math.floor(rand() * 40) }, () =>
    Math.floor(rand() * 256),
  ).map((b) => (b === 0x2f || b === 0x08 ? 0x3f : b));
  return Buffer.from([0xdb, 0x00, 0x21, ...bytes, 0x21, 0x0d, 0x0a]);
}

function portOf(entry: Record<string, unknown> | undefined): number {
  return entry?.port as number;
}

describe('simulator -> TCP input -> JSON and raw sockets -> TCP clients', () => {
  const defer = deferCleanup();

  it('delivers every telegram exactly, past junk, while clients that never read stall nobody', async () => {
    const sink = await startTcpSink('127.0.0.1', 0);
    defer(() => sink.close());
    const run = serve([
      '--p1-tcp',
      `127.0.0.1:${sink.port}`,
      '--p1-json-port',
      '0',
      '--p1-raw-port',
      '0',
    ]);
    defer(() => run.stop());
    const jsonPort = portOf(await waitFor(() => run.log('json socket listening'), 'json socket'));
    const rawPort = portOf(await waitFor(() => run.log('raw socket listening'), 'raw socket'));
    const json = await Client.connect(jsonPort);
    const raw = await Client.connect(rawPort);
    const stuckJson = await Client.connect(jsonPort, true);
    const stuckRaw = await Client.connect(rawPort, true);
    defer(...[json, raw, stuckJson, stuckRaw].map((c) => () => c.close()));
    await waitFor(() => run.log('P1 input connected'), 'the TCP input');
    await waitFor(
      () => run.stderr().split('client connected').length - 1 >= 4,
      'four socket clients',
    );

    const startMs = Date.parse('2026-06-01T10:00:00Z');
    const meter = new MeterModel({ version: '5', seed: 7, startMs });
    const rand = prng(11);
    // The simulator's server may see the input's connection a moment after
    // the input does: repeat a first telegram until it gets through.
    const hello = meter.telegramAt(startMs);
    while (raw.bytes().length === 0) {
      sink.send(hello);
      await new Promise((r) => setTimeout(r, 20));
    }
    await json.waitForLineCount(Math.round(raw.bytes().length / hello.length));
    const rawBefore = raw.bytes().length;
    const linesBefore = json.lineCount;

    const telegrams: Buffer[] = [];
    const BATCHES = 10;
    const PER_BATCH = 200;
    for (let b = 0; b < BATCHES; b++) {
      for (let i = 0; i < PER_BATCH; i++) {
        const t = meter.telegramAt(startMs + (telegrams.length + 1) * 1000);
        telegrams.push(t);
        sink.send(gatewayJunk(rand));
        sink.send(t);
      }
      // In step with the reading clients, so the simulator (which skips
      // telegrams for a reader that lags, as a meter does) never drops one.
      const sent = telegrams.reduce((n, t) => n + t.length, 0);
      await raw.waitForBytes(rawBefore + sent);
      await json.waitForLineCount(linesBefore + telegrams.length);
    }

    const expectedRaw = Buffer.concat(telegrams);
    const gotRaw = raw.bytes().subarray(rawBefore);
    expect(gotRaw.length).toBe(expectedRaw.length);
    expect(gotRaw.equals(expectedRaw)).toBe(true);

    const text = json.bytes().toString('utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const lines = text.split('\r\n').slice(0, -1).slice(linesBefore);
    expect(lines).toHaveLength(telegrams.length);
    expect(lines.some((l) => l.includes('\n') || l.includes('\r'))).toBe(false);
    const decoder = new DsmrDecoder();
    const expectedLines = telegrams.map((t) => {
      const [r] = decoder.push(t);
      if (!r?.ok) throw new Error('the simulator sent a bad telegram');
      return JSON.stringify(toSmartmeter2mqtt(r.telegram));
    });
    expect(lines).toEqual(expectedLines);

    expect(stuckJson.bytes().length).toBe(0);
    expect(stuckRaw.bytes().length).toBe(0);

    run.stop();
    expect(await run.exit).toBe(0);
    expect(run.log('P1 final counts')).toMatchObject({ ok: linesBefore + telegrams.length });
  }, 60_000);
});

import { describe, expect, it } from 'vitest';
import {
  JsonSocketOutput,
  ListenError,
  type SocketClientEvent,
} from '../../../src/dsmr/io/index.js';
import {
  Client,
  TELEGRAMS,
  captureLog,
  deferCleanup,
  expectedMessage,
  takenPort,
  telegramOf as telegram,
  waitFor,
} from './helpers.js';

describe('JSON socket', () => {
  const defer = deferCleanup();

  async function jsonSocket(options: { maxClients?: number; maxBufferedBytes?: number } = {}) {
    const captured = captureLog();
    const output = new JsonSocketOutput({
      host: '127.0.0.1',
      port: 0,
      log: captured.log,
      ...options,
    });
    await output.start();
    defer(() => output.close());
    const events: SocketClientEvent[] = [];
    output.server.on('client', (e) => events.push(e));
    return { output, port: output.server.port, events, ...captured };
  }

  async function clients(port: number, n: number, events: SocketClientEvent[]): Promise<Client[]> {
    const list: Client[] = [];
    for (let i = 0; i < n; i++) list.push(await Client.connect(port));
    for (const c of list) defer(() => c.close());
    await waitFor(() => events.filter((e) => e.kind === 'connected').length >= n, `${n} clients`);
    return list;
  }

  it('sends every client the same smartmeter2mqtt line per telegram, more than 3 clients', async () => {
    const { output, port, events } = await jsonSocket();
    const all = await clients(port, 6, events);
    for (const name of TELEGRAMS) output.write(telegram(name));
    const expected = TELEGRAMS.map(expectedMessage);
    for (const c of all) {
      const lines = await c.waitForLines(TELEGRAMS.length);
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(expected);
      // CRLF after each JSON object, nothing else
      expect(c.bytes().toString()).toBe(lines.map((l) => `${l}\r\n`).join(''));
    }
  });

  it('refuses a client over the limit with one JSON line and closes it', async () => {
    const { output, port, events, find } = await jsonSocket({ maxClients: 4 });
    const admitted = await clients(port, 4, events);
    const extra = await Client.connect(port);
    defer(() => extra.close());
    await extra.waitForEnd();
    expect(extra.bytes().toString()).toBe('{"error":"too many clients (limit 4)"}\r\n');
    expect(output.server.counters.refused).toBe(1);
    expect(find('client refused')).toHaveLength(1);

    // The admitted ones are unaffected, and a freed place can be taken again.
    output.write(telegram(TELEGRAMS[0]!));
    for (const c of admitted) await c.waitForLines(1);
    admitted[0]!.close();
    await waitFor(() => output.server.clientCount === 3, 'the place to free up');
    const late = await Client.connect(port);
    defer(() => late.close());
    await waitFor(() => output.server.clientCount === 4, 'the late client');
    output.write(telegram(TELEGRAMS[1]!));
    expect(JSON.parse((await late.waitForLines(1))[0]!)).toEqual(expectedMessage(TELEGRAMS[1]!));
  });

  it('disconnects a client that never reads, while a reading client gets every telegram', async () => {
    const limit = 64 * 1024;
    const { output, port, events, find } = await jsonSocket({ maxBufferedBytes: limit });
    const reader = await Client.connect(port);
    const stalled = await Client.connect(port, true);
    defer(
      () => reader.close(),
      () => stalled.close(),
    );
    await waitFor(() => events.filter((e) => e.kind === 'connected').length >= 2, 'both clients');

    // One telegram at a time, each read by the good client before the next:
    // only the stalled client falls behind, until the kernel buffers fill.
    const t = telegram(TELEGRAMS[1]!);
    let sent = 0;
    while (output.server.counters.slowDisconnects === 0 && sent < 50_000) {
      output.write(t);
      sent++;
      await reader.waitForLineCount(sent);
    }
    expect(output.server.counters.slowDisconnects).toBe(1);
    const [slow] = find('slow client disconnected');
    expect(slow?.reason).toMatch(
      new RegExp(`^not reading: \\d+ bytes unsent \\(limit ${limit}\\)$`),
    );

    // The good client keeps getting every telegram after the stalled one is gone.
    for (let i = 0; i < 10; i++) output.write(t);
    const lines = await reader.waitForLines(sent + 10);
    expect(lines).toHaveLength(sent + 10);
    expect(new Set(lines)).toEqual(new Set([t.json]));
    expect(output.server.clientCount).toBe(1);

    // The stalled client, reading at last, finds its stream cut short.
    stalled.resume();
    await stalled.waitForEnd();
    expect(stalled.lines().length).toBeLessThan(sent);
  });

  it('ignores what clients send', async () => {
    const { output, port, events } = await jsonSocket();
    const [c] = await clients(port, 1, events);
    c!.socket.write('exit\r\n\x7f{"topic":"power"}\r\n');
    output.write(telegram(TELEGRAMS[0]!));
    const [line] = await c!.waitForLines(1);
    expect(JSON.parse(line!)).toEqual(expectedMessage(TELEGRAMS[0]!));
    expect(output.server.clientCount).toBe(1);
  });

  it('names the port when it is taken', async () => {
    const port = await takenPort(defer);
    const output = new JsonSocketOutput({ host: '127.0.0.1', port });
    const err = await output.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toBe(
      `cannot listen on 127.0.0.1:${port} for the json socket: port ${port} is already in use`,
    );
  });
});

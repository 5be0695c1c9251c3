import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  P1Service,
  ReplayInput,
  type P1Output,
  type P1Telegram,
} from '../../../src/dsmr/io/index.js';
import { fixture, NEGATIVE } from '../fixtures.js';
import { TELEGRAMS, captureLog, expectedMessage } from './helpers.js';

/** An output that records what it gets, and one that tries to change it. */
function recorder(): P1Output & { got: P1Telegram[] } {
  const got: P1Telegram[] = [];
  return {
    description: 'recorder',
    got,
    start: () => Promise.resolve(),
    write: (t) => void got.push(t),
    close: () => Promise.resolve(),
  };
}

const vandal: P1Output = {
  description: 'vandal',
  start: () => Promise.resolve(),
  write: (t) => {
    // smartmeter2mqtt's HTTP output did this to everyone's object (defect 6)
    delete (t.message as Record<string, unknown>).gas;
  },
  close: () => Promise.resolve(),
};

async function run(input: Buffer, outputs: P1Output[]) {
  const stdin = new PassThrough();
  const captured = captureLog();
  const service = new P1Service({
    source: new ReplayInput({ path: '-', stdin, rate: 0 }),
    outputs,
    log: captured.log,
  });
  const events: string[] = [];
  service.on('telegram', (t) => events.push(`telegram ${t.message.header}`));
  service.on('rejected', (r) => events.push(`rejected ${r.reason}`));
  await service.start();
  const ended = once(service, 'ended');
  stdin.end(input);
  await ended;
  await service.stop();
  return { service, events, ...captured };
}

describe('P1 service', () => {
  it('hands each telegram to every output, counts rejections and keeps the latest', async () => {
    const a = recorder();
    const b = recorder();
    const input = Buffer.concat([
      fixture(TELEGRAMS[0]!),
      fixture(NEGATIVE.badCrc),
      fixture(NEGATIVE.badCrc),
      fixture(TELEGRAMS[1]!),
    ]);
    const { service, events, find } = await run(input, [a, b]);
    expect(events).toEqual([
      `telegram ${expectedMessage(TELEGRAMS[0]!).header}`,
      'rejected crc-mismatch',
      'rejected crc-mismatch',
      `telegram ${expectedMessage(TELEGRAMS[1]!).header}`,
    ]);
    expect(a.got.map((t) => t.message)).toEqual(
      [TELEGRAMS[0]!, TELEGRAMS[1]!].map(expectedMessage),
    );
    expect(b.got).toEqual(a.got);
    expect(service.latest()).toBe(a.got[1]);
    expect(service.stats.ok).toBe(2);
    expect(service.stats.rejected['crc-mismatch']).toBe(2);
    // the first rejection of a reason is a warning; the final counts say the rest
    expect(find('telegram rejected').filter((e) => e.level === 40)).toHaveLength(1);
    expect(find('P1 final counts')[0]).toMatchObject({ ok: 2, rejected: { 'crc-mismatch': 2 } });
  });

  it('gives outputs a frozen message: one that tries to change it fails alone', async () => {
    const before = recorder();
    const after = recorder();
    const { service, find } = await run(fixture(TELEGRAMS[0]!), [before, vandal, after]);
    expect(after.got[0]!.message).toEqual(expectedMessage(TELEGRAMS[0]!));
    expect(after.got[0]!.message.gas).toBeDefined();
    expect(service.stats.outputErrors).toBe(1);
    expect(find('P1 output failed')[0]).toMatchObject({ output: 'vandal' });
  });
});

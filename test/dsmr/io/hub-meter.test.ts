import { describe, expect, it } from 'vitest';
import { StartupError } from '../../../src/mqtt/startup-error.js';
import { startTestHub } from '../../helpers/hub.js';
import { deferCleanup, takenPort } from './helpers.js';

/** The P1 settings of `wattbridge start` that cannot work stop the start with words to fix them. */
describe('P1 settings in wattbridge start', () => {
  const defer = deferCleanup();

  async function startError(flags: Record<string, string | boolean>): Promise<StartupError> {
    const err = await startTestHub(flags).then(
      (hub) => {
        defer(() => hub.stop());
        throw new Error('the hub started');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    return err as StartupError;
  }

  it('refuses two inputs at once, and --p1-legacy without a serial port', async () => {
    expect((await startError({ 'p1-tcp': '127.0.0.1:2000', 'p1-file': 'x.txt' })).message).toBe(
      'P1: give one input, not p1.tcp and p1.file (--p1-serial, --p1-tcp or --p1-file)',
    );
    expect((await startError({ 'p1-tcp': '127.0.0.1:2000', 'p1-legacy': true })).message).toBe(
      'P1: p1.legacy (--p1-legacy) goes with p1.serial (--p1-serial)',
    );
  });

  it('names the setting to change when a P1 socket port is taken', async () => {
    const port = await takenPort(defer);
    const err = await startError({ 'p1-tcp': '127.0.0.1:2000', 'p1-json-port': String(port) });
    expect(err.message).toContain(`port ${port} is already in use`);
    expect(err.message).toContain('p1.jsonPort (--p1-json-port)');
  });
});

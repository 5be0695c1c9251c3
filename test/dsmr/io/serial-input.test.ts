import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SerialInput, serialOpenProblem, serialSettings } from '../../../src/dsmr/io/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { fixture } from '../fixtures.js';
import { deferCleanup, expectedMessage, startService, waitFor } from './helpers.js';

const HAVE_SOCAT = spawnSync('which', ['socat']).status === 0;
if (!HAVE_SOCAT)
  console.log(
    'serial input tests skipped: socat is not installed (apt-get install socat); they need a pty pair',
  );

const dir = tempDir('wattbridge-serial-');
afterAll(() => dir.remove());

/**
 * A virtual P1 cable: socat links two ptys, `meter` (the test writes the
 * meter's side) and `port` (what the input opens, like /dev/ttyUSB0).
 */
class VirtualCable {
  readonly meter = path.join(dir.path, 'meter');
  readonly port = path.join(dir.path, 'ttyP1');
  private socat: ChildProcess | null = null;

  async plugIn(): Promise<void> {
    this.socat = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.meter}`, `pty,raw,echo=0,link=${this.port}`],
      { stdio: 'ignore' },
    );
    await waitFor(() => existsSync(this.meter) && existsSync(this.port), 'the pty pair');
  }

  /** As if the USB cable were pulled: the port vanishes. */
  async unplug(): Promise<void> {
    const socat = this.socat;
    this.socat = null;
    if (socat === null || socat.exitCode !== null) return;
    const exited = once(socat, 'exit');
    socat.kill('SIGTERM');
    await exited;
  }

  send(bytes: Buffer): void {
    writeFileSync(this.meter, bytes);
  }
}

describe('serial input', () => {
  const defer = deferCleanup();

  async function serve(portPath: string, legacy = false) {
    const source = new SerialInput({ path: portPath, legacy, minBackoffMs: 20, maxBackoffMs: 100 });
    return startService(source, defer);
  }

  it.skipIf(!HAVE_SOCAT)('reads telegrams and reopens the port after it disappears', async () => {
    const cable = new VirtualCable();
    await cable.plugIn();
    defer(() => cable.unplug());
    const { service, states } = await serve(cable.port);
    await waitFor(() => service.source.status.state === 'connected', 'the port to open');
    cable.send(fixture('smartmeter2mqtt-kaifa-dsmr42.txt'));
    await waitFor(() => service.stats.ok >= 1, 'the first telegram');

    await cable.unplug();
    await waitFor(() => states.some((s) => s.state === 'disconnected'), 'the loss');
    await waitFor(
      () => states.some((s) => s.reason?.includes('is the P1 cable plugged in?')),
      'a failed reopen',
    );
    await cable.plugIn();
    await waitFor(
      () => states.filter((s) => s.state === 'connected').length >= 2,
      'the port to reopen',
    );
    cable.send(fixture('dsmr_parser-v5-iskra-mt382.txt'));
    await waitFor(() => service.stats.ok >= 2, 'the second telegram');
    expect(service.latest()?.message).toEqual(expectedMessage('dsmr_parser-v5-iskra-mt382.txt'));
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(
      new RegExp(`^${cable.port} was closed`),
    );
  });

  it.skipIf(!HAVE_SOCAT)('opens a DSMR 2.2 meter at 9600 7E1 with legacy', async () => {
    const cable = new VirtualCable();
    await cable.plugIn();
    defer(() => cable.unplug());
    const { service } = await serve(cable.port, true);
    await waitFor(() => service.source.status.state === 'connected', 'the port to open');
    cable.send(fixture('dsmr_parser-v2.2-iskra-mt382.txt'));
    await waitFor(() => service.stats.ok >= 1, 'the telegram');
    expect(service.latest()?.message).toEqual(expectedMessage('dsmr_parser-v2.2-iskra-mt382.txt'));
  });

  it('keeps trying a port that does not exist and says what to check', async () => {
    const missing = path.join(dir.path, 'ttyUSB9');
    const { states } = await serve(missing);
    await waitFor(
      () => states.filter((s) => s.state === 'disconnected').length >= 2,
      'two failed opens',
    );
    expect(states.find((s) => s.state === 'disconnected')?.reason).toMatch(
      new RegExp(
        `^cannot open ${missing}: No such file or directory \\(is the P1 cable plugged in\\?\\)$`,
      ),
    );
  });

  it('uses 115200 8N1 by default and 9600 7E1 for DSMR 2.2/3; explains a permission error', () => {
    expect(serialSettings(false)).toEqual({
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
    });
    expect(serialSettings(true)).toEqual({
      baudRate: 9600,
      dataBits: 7,
      parity: 'even',
      stopBits: 1,
    });
    expect(
      serialOpenProblem('/dev/ttyUSB0', 'Error: Permission denied, cannot open /dev/ttyUSB0'),
    ).toBe(
      'cannot open /dev/ttyUSB0: Permission denied (are you in the dialout group? sudo usermod -aG dialout $USER, then log in again)',
    );
  });
});

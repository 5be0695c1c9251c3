import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upgradeRequest } from '../../../src/drivers/moko/encode.js';
import { startMokoRig, type MokoRig } from './rig.js';

/** OTA against a real local HTTP server: every result code reached the way a real plug reaches it. */
describe('simulated Moko plug: OTA upgrade (§3.3.4, §3.2.4)', () => {
  let rig: MokoRig;
  let http: Server;
  let port: number;
  const requested: string[] = [];
  beforeEach(async () => {
    rig = await startMokoRig();
    requested.length = 0;
    http = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url === '/smartplug/20180623/user2.1024.new.2.bin') res.end(Buffer.alloc(4096, 0xe9));
      else res.writeHead(404).end('not found');
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    port = (http.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await rig.close();
    await new Promise((r) => http.close(r));
  });

  async function upgrade(firmwareUrl: string) {
    const plug = await rig.plug({ ota: { attempts: 2, retryDelayMs: 10, timeoutMs: 2000 } });
    const result = once(plug, 'ota');
    const from = await rig.send(plug, 'upgrade', upgradeRequest(firmwareUrl));
    const [code] = (await result) as [string];
    await rig.obs.waitFor((m) => m.topic === `${plug.base}device/ota_upgrade_state`, from);
    expect(rig.reports(plug, 'ota_upgrade_state', from)).toEqual([{ ota_result: code }]);
    return { plug, code };
  }

  it('R1: the image is fetched from realm:port/catalogue and the firmware version moves on', async () => {
    const { plug, code } = await upgrade(
      `http://127.0.0.1:${port}/smartplug/20180623/user2.1024.new.2.bin`,
    );
    expect(code).toBe('R1');
    expect(requested).toEqual(['/smartplug/20180623/user2.1024.new.2.bin']);
    expect(plug.firmwareVersion()).toBe('000002');
  });

  it('R1 with a host name (type 1) that resolves', async () => {
    const { code } = await upgrade(`http://localhost:${port}/smartplug/20180623/`);
    expect(code).toBe('R1');
  });

  it('R2: the server answers 404', async () => {
    const { plug, code } = await upgrade(`http://127.0.0.1:${port}/elsewhere/`);
    expect(code).toBe('R2');
    expect(requested).toEqual(['/elsewhere/user2.1024.new.2.bin']);
    expect(plug.firmwareVersion()).toBe('000001');
  });

  it('R3: connection refused, after retrying', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const dead = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const { code } = await upgrade(`http://127.0.0.1:${dead}/smartplug/`);
    expect(code).toBe('R3');
  });

  it('R4: the host name does not resolve', async () => {
    const { code } = await upgrade(`http://firmware.moko.invalid:${port}/smartplug/`);
    expect(code).toBe('R4');
  });
});

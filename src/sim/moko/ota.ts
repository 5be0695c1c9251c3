/**
 * The plug's side of an OTA upgrade (spec §3.3.4, §3.2.4): fetch the image
 * from `http://<realm>:<port>/<catalogue><file>` and tell what happened as
 * R1 (upgraded), R2 (server reached, upgrade failed), R3 (server never
 * reached, after retries) or R4 (host name not resolved).
 */
import { lookup } from 'node:dns/promises';
import { get } from 'node:http';
import { isIPv4 } from 'node:net';

export type OtaResult = 'R1' | 'R2' | 'R3' | 'R4';

export interface OtaRequest {
  type: number;
  realm: string;
  port: number;
  catalogue: string;
}

export interface OtaOptions {
  /** Image file the plug asks for in the catalogue (ESP8266 OTA: user1/user2 bin). */
  file: string;
  /** Connection attempts before R3. */
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
}

type Attempt = { reached: false; code?: string } | { reached: true; ok: boolean; bytes: number };

function fetchOnce(host: string, port: number, path: string, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const req = get({ host, port, path, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () =>
        resolve({ reached: true, ok: res.statusCode === 200 && bytes > 0, bytes }),
      );
      res.on('error', () => resolve({ reached: true, ok: false, bytes }));
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ reached: false, code: err.code }));
  });
}

export async function runOta(r: OtaRequest, opts: OtaOptions): Promise<OtaResult> {
  let address = r.realm;
  if (r.type === 1 || !isIPv4(r.realm)) {
    if (r.type === 0) return 'R4'; // "must be a separate IP address"
    try {
      address = (await lookup(r.realm, { family: 4 })).address;
    } catch {
      return 'R4';
    }
  }
  const path = `/${r.catalogue}${opts.file}`;
  for (let i = 0; i < opts.attempts; i++) {
    const a = await fetchOnce(address, r.port, path, opts.timeoutMs);
    if (a.reached) return a.ok ? 'R1' : 'R2';
    if (i + 1 < opts.attempts) await new Promise((res) => setTimeout(res, opts.retryDelayMs));
  }
  return 'R3';
}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Run the load generator in its own process and resolve with what it sent. */
export function runPublishers(
  url: string,
  connections: number,
  rate: number,
  seconds: number,
  prefix = 'bench',
): Promise<{ sent: number; seconds: number }> {
  const script = fileURLToPath(new URL('./publishers.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, url, String(connections), String(rate), String(seconds), prefix],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`publishers exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as { sent: number; seconds: number });
    });
  });
}

/** Resolve once `count()` has not moved for `quietMs` (the consumer drained), with the time it took. */
export async function waitQuiet(count: () => number, quietMs = 500): Promise<number> {
  const t0 = Date.now();
  let last = count();
  let lastChange = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const c = count();
    if (c !== last) {
      last = c;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= quietMs) {
      return lastChange - t0;
    }
  }
}

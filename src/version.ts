import { existsSync, readFileSync } from 'node:fs';

/**
 * The package version, from the nearest package.json above this file (dist/,
 * src/ under vitest, or a benchmark build one level deeper).
 */
function findVersion(): string {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 4; i++) {
    dir = new URL('..', dir);
    const candidate = new URL('package.json', dir);
    if (existsSync(candidate))
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

export const VERSION: string = findVersion();

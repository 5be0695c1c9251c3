import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configReference } from '../../src/cli/config-reference.js';

/** Markdown tables compare cell by cell: prettier pads the columns in the README. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((c) => c.trim().replace(/^-+$/, '---')));
}

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('opens with the two set-up commands', () => {
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toMatch(/^sh\nnpm install && npm start\s/);
    expect(firstBlock).toMatch(/\nnpm test\s/);
  });

  it('carries the configuration reference generated from the one schema', () => {
    const between =
      readme.split('<!-- config-reference:start')[1]?.split('<!-- config-reference:end -->')[0] ??
      '';
    const table = between.slice(between.indexOf('-->') + 3).trim();
    expect(cells(table)).toEqual(cells(configReference()));
  });
});

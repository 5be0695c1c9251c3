#!/usr/bin/env node
/**
 * Builds the dashboard into dist/web: index.html plus assets/app-<hash>.js
 * (web/src bundled with uPlot) and assets/app-<hash>.css (web/styles.css
 * with uPlot's CSS), minified, with a gzipped copy of each asset for the
 * server to send to browsers that accept it. The hash in the names lets the
 * server cache assets for a year; index.html names the current ones.
 *
 * Usage: node scripts/build-web.mjs [outdir]   (default dist/web)
 */
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? join(root, 'dist/web'));
const assets = join(outDir, 'assets');

await rm(outDir, { recursive: true, force: true });
await mkdir(assets, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'web/src/main.ts', out: 'app' },
    { in: 'web/styles.css', out: 'app' },
  ],
  outdir: assets,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  // Phones a few years old (2021): Safari 15, Chrome 94, Firefox 93.
  target: ['chrome94', 'firefox93', 'safari15'],
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const built = Object.keys(result.metafile.outputs).map((p) => resolve(root, p));
const named = (ext) => {
  const file = built.find((p) => p.endsWith(ext));
  if (!file) throw new Error(`the build made no ${ext} file`);
  return basename(file);
};
const js = named('.js');
const css = named('.css');

const template = await readFile(join(root, 'web/index.html'), 'utf8');
const html = template
  .replace('href="assets/app.css"', `href="assets/${css}"`)
  .replace('src="assets/app.js"', `src="assets/${js}"`);
if (!html.includes(js) || !html.includes(css))
  throw new Error('web/index.html must link assets/app.css and assets/app.js');
await writeFile(join(outDir, 'index.html'), html);

const rows = [];
for (const name of [js, css]) {
  const bytes = await readFile(join(assets, name));
  const gz = gzipSync(bytes, { level: 9 });
  await writeFile(join(assets, `${name}.gz`), gz);
  rows.push(`  ${name.padEnd(24)} ${kb(bytes.length)} (${kb(gz.length)} gzipped)`);
}
console.log(`dashboard built in ${relative(process.cwd(), outDir) || '.'}:\n${rows.join('\n')}`);

function kb(n) {
  return `${(n / 1024).toFixed(1).padStart(6)} kB`;
}

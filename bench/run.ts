import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatNumber, machineLine, type Bench, type BenchFigure } from './harness.js';

/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command
 * line), prints each figure beside its baseline, and records the run at the
 * top of bench/RESULTS.md with the machine and date.
 */
const here = dirname(fileURLToPath(import.meta.url));
// Compiled to dist-bench/bench/; RESULTS.md lives in the source folder.
const resultsPath = join(here, '..', '..', 'bench', 'RESULTS.md');

/**
 * Each bench runs in a fresh process: one bench's heap (the end-to-end run
 * stores millions of rows) must not slow the next one's measurement.
 */
function runIsolated(file: string): { name: string; figures: BenchFigure[] } {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`bench ${file} failed with exit code ${child.status}`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as { name: string; figures: BenchFigure[] };
}

async function runOne(file: string): Promise<void> {
  const mod = (await import(join(here, file))) as { bench: Bench };
  const figures = await mod.bench.run();
  process.stdout.write(`${JSON.stringify({ name: mod.bench.name, figures })}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
    .sort();
  const rows: { bench: string; f: BenchFigure }[] = [];
  for (const file of files) {
    const { name, figures } = runIsolated(file);
    process.stdout.write(`\n== ${name}\n`);
    for (const f of figures) {
      rows.push({ bench: name, f });
      process.stdout.write(
        `${f.pass ? 'PASS' : 'MISS'}  ${f.name}: ${formatNumber(f.value)} ${f.unit}  vs  ${f.baselineName}: ${formatNumber(f.baselineValue)} ${f.unit}  = ${f.ratio.toFixed(2)}x  (target ${f.target})${f.notes ? `  [${f.notes}]` : ''}\n`,
      );
    }
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const table = [
    `## ${date}`,
    '',
    `Machine: ${machineLine()}`,
    '',
    '| bench | figure | value | baseline | baseline value | ratio | target | result | notes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      ({ bench, f }) =>
        `| ${bench} | ${f.name} | ${formatNumber(f.value)} ${f.unit} | ${f.baselineName} | ${formatNumber(f.baselineValue)} ${f.unit} | ${f.ratio.toFixed(2)}x | ${f.target} | ${f.pass ? 'pass' : 'MISS'} | ${f.notes ?? ''} |`,
    ),
    '',
  ].join('\n');
  let previous = '';
  try {
    previous = readFileSync(resultsPath, 'utf8').replace(/^# Benchmark results\n+/, '');
  } catch {
    // first run
  }
  writeFileSync(
    resultsPath,
    `# Benchmark results\n\nNewest first. Produced by \`npm run bench\`.\n\n${table}\n${previous.replace(/^Newest first\. Produced by `npm run bench`\.\n+/, '')}`,
  );
  process.stdout.write(`\nrecorded in ${resultsPath}\n`);
  if (rows.some((r) => !r.f.pass)) process.exitCode = 1;
}

if (process.argv[2] === '--one') await runOne(process.argv[3]!);
else await main();

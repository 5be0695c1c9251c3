import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './tmp.js';

/** The built CLI, exactly as `npx wattbridge` runs it (npm test builds first). */
export const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

export interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** JSON log lines written so far (the log is JSON when stderr is not a TTY). */
  logs: () => Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const logs = () =>
    err
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, stdout: () => out, stderr: () => err, logs, exited };
}

/**
 * `wattbridge start` on a fresh data folder with the MQTT and HTTP ports
 * the system picks, plus `extra` flags; `onCleanup` is handed the process's
 * kill and the folder's removal. `dataDir` is that folder.
 */
export function startHubCli(
  extra: string[],
  onCleanup: (f: () => void) => void,
): RunningCli & { dataDir: string } {
  const dir = tempDir('wattbridge-cli-');
  onCleanup(() => dir.remove());
  const cli = runCli([
    'start',
    '--data-dir',
    dir.path,
    '--mqtt-port',
    '0',
    '--http-port',
    '0',
    ...extra,
  ]);
  onCleanup(() => cli.child.kill('SIGKILL'));
  return { ...cli, dataDir: dir.path };
}

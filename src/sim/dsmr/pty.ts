/**
 * A pseudo-terminal a P1 reader can open like a real serial port. socat
 * creates it (`pty,raw,echo=0,link=PATH`) and relays its own stdin to it, so
 * telegrams go into a pipe: Node writes to pipes without ever blocking the
 * event loop, which a tty stream opened on the pty's other end would (Node
 * makes tty writes blocking), and a pty nobody reads fills up.
 *
 * What a reader that opens PATH late gets first is whatever the pty and the
 * pipe buffered meanwhile (older telegrams, valid ones); beyond that,
 * telegrams are dropped as a meter would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import type { SinkFailure, TelegramSink } from './sink.js';

export class SerialPtyError extends Error {}

/** Bytes waiting for socat beyond which telegrams are dropped. */
const MAX_BACKLOG_BYTES = 64 * 1024;
const EXIT_GRACE_MS = 2000;
/** socat -d -d says this once both sides are open (and the link exists). */
const READY_TEXT = 'starting data transfer loop';

export const SOCAT_MISSING =
  'socat is not installed; --serial-pty needs it to create the pseudo-terminal (apt-get install socat)';

/** socat removes whatever is at the link path, so only a missing path or an old link may be there. */
async function checkLinkPath(path: string): Promise<void> {
  try {
    const st = await lstat(path);
    if (!st.isSymbolicLink()) {
      throw new SerialPtyError(`${path} exists and is not a link; not replacing it with the pty`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts socat and resolves once PATH can be opened. */
function startSocat(path: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, 'STDIO'], {
    env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let errors = '';
    const onLine = (chunk: Buffer): void => {
      const text = chunk.toString();
      for (const line of text.split('\n'))
        if (/ E /.test(line)) errors = line.replace(/^.* E /, '');
      if (text.includes(READY_TEXT)) {
        child.off('exit', onEarlyExit);
        resolve(child);
      }
    };
    const onEarlyExit = (): void => {
      reject(new SerialPtyError(`socat could not create ${path}: ${errors || 'it exited'}`));
    };
    child.stderr!.on('data', onLine);
    child.once('exit', onEarlyExit);
    child.once('error', (err: NodeJS.ErrnoException) => {
      child.off('exit', onEarlyExit);
      reject(err.code === 'ENOENT' ? new SerialPtyError(SOCAT_MISSING) : err);
    });
  });
}

/**
 * Creates the pty at `path` (a link to /dev/pts/N, removed again on close).
 * `env` is where socat is looked up (its PATH). Rejects with SerialPtyError
 * when socat is missing or cannot create the link.
 */
export async function openSerialPty(
  path: string,
  env: NodeJS.ProcessEnv,
  onFailure: SinkFailure,
): Promise<TelegramSink> {
  await checkLinkPath(path);
  const child = await startSocat(path, env);
  let closing = false;
  child.stdin!.on('error', () => {}); // EPIPE after socat died: reported by 'exit' below
  child.once('exit', (code, signal) => {
    if (!closing) onFailure(`socat exited (${signal ?? `code ${code}`}); ${path} is gone`);
  });
  return {
    where: `serial port ${path}`,
    send(bytes) {
      const stdin = child.stdin!;
      if (stdin.writable && stdin.writableLength < MAX_BACKLOG_BYTES) stdin.write(bytes);
    },
    async close() {
      closing = true;
      child.stdin!.end(); // socat exits at EOF and removes the link
      const timer = setTimeout(() => child.kill('SIGTERM'), EXIT_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    },
  };
}

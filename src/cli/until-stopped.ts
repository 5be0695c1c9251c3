/**
 * Resolves with what ended a long-running command: SIGINT, SIGTERM or the
 * abort signal (tests stop commands with it). `dispose` unhooks everything,
 * so a command that ends for another reason leaves no listener behind.
 */
export function untilStopped(signal?: AbortSignal): { stopped: Promise<string>; dispose(): void } {
  let dispose = (): void => {};
  const stopped = new Promise<string>((resolve) => {
    const onSigint = () => done('SIGINT');
    const onSigterm = () => done('SIGTERM');
    const onAbort = () => done('abort');
    dispose = () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      signal?.removeEventListener('abort', onAbort);
    };
    const done = (why: string) => {
      dispose();
      resolve(why);
    };
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
    if (signal?.aborted) done('abort');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  return { stopped, dispose };
}

/**
 * Keep a simulator running until Ctrl-C, SIGTERM or the abort signal, even
 * when nothing holds the event loop open (every simulated device died).
 */
export async function runUntilStopped(signal?: AbortSignal): Promise<void> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    await untilStopped(signal).stopped;
  } finally {
    clearInterval(keepAlive);
  }
}

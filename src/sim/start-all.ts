/**
 * Start every simulated device; if one fails, stop them all and throw its
 * error, so a fleet is either wholly connected or not running at all.
 */
export async function startAll<T extends { start(): Promise<void>; stop(): Promise<void> }>(
  devices: T[],
): Promise<{ devices: T[]; stop(): Promise<void> }> {
  const stop = async (): Promise<void> => {
    await Promise.all(devices.map((d) => d.stop()));
  };
  const started = await Promise.allSettled(devices.map((d) => d.start()));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { devices, stop };
}

/**
 * Start a simulator's fleet for its command line: the fleet, or undefined
 * after telling the user which broker could not be reached (exit 1).
 */
export async function startFleetOrReport<T>(
  command: string,
  mqttUrl: string,
  io: { stderr: { write(chunk: string): unknown } },
  start: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await start();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    io.stderr.write(`wattbridge ${command}: cannot reach MQTT broker ${mqttUrl} (${why})\n`);
    return undefined;
  }
}

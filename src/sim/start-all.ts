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

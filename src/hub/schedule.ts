/**
 * When a daily hh:mm:ss next comes after `now`, in the hub's local time
 * (as a plug's own timers run in its local time).
 */
export function nextDaily(time: string, now: number): number {
  const [h, m, s] = time.split(':').map(Number) as [number, number, number | undefined];
  const at = new Date(now);
  at.setHours(h, m, s ?? 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/** hh:mm or hh:mm:ss, 24 h. */
export const DAILY_TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

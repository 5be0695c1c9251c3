/** What every view is given: the API, the live fleet, the page clock, and the actions shared by views. */
import type { Api } from './api.js';
import type { Fleet } from './fleet.js';
import type { OnOff } from './types.js';

export interface AppContext {
  api: Api;
  fleet: Fleet;
  /** Switch a relay; resolves once the device confirmed, rejects with an ApiError saying why not. */
  power(id: string, relay: number, state: OnOff): Promise<void>;
  /** Called once a second (for "12 s ago" and countdowns); returns the unsubscribe. */
  onTick(fn: (now: number) => void): () => void;
  /** Whether the live socket is delivering updates (else views refresh on their own). */
  live(): boolean;
}

/** A page or part of one: its element, and the cleanup when it leaves the screen. */
export interface View {
  el: HTMLElement;
  destroy(): void;
}

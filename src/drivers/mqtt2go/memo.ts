import type { Address } from './topics.js';

/** What the driver learned about one socket from its own messages. */
export interface SocketMemo {
  /** Where it was last heard, which is also the version it speaks. */
  address?: Address;
  /** Its last reported relay state, for `toggle` (the convention has none). */
  on?: boolean;
}

/**
 * Per-driver memory of sockets, by dev_id. A dev_id heard under two homes
 * is one device to the hub; commands go where it was heard last.
 */
export class SocketMemos {
  private readonly byId = new Map<string, SocketMemo>();

  get(devId: string): SocketMemo | undefined {
    return this.byId.get(devId);
  }

  learnAddress(address: Address): void {
    const memo = this.byId.get(address.devId);
    if (memo) memo.address = address;
    else this.byId.set(address.devId, { address });
  }

  learnState(devId: string, on: boolean): void {
    const memo = this.byId.get(devId);
    if (memo) memo.on = on;
    else this.byId.set(devId, { on });
  }

  /** A removed socket resets; where it lived and what it was are no longer true. */
  forget(devId: string): void {
    this.byId.delete(devId);
  }
}

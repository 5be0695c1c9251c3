/**
 * What the Moko driver remembers about each plug it has heard: where to send
 * commands, the last switch state (Moko has no toggle and counts down to the
 * opposite of the current state) and whether a countdown is running (the plug
 * says nothing when one is cancelled). One instance per driver.
 */
export interface MokoMemo {
  /** `<device_function>/<device_name>/<model>/<mac>/`, as the plug publishes it. */
  base: string;
  /** Last reported switch state; undefined until the plug has said. */
  on?: boolean;
  /** Receive time of the last delay_time report of a running countdown. */
  countdownSeenAt?: number;
  /** The hub has been told what the topic says about the plug (MAC, name). */
  announced: boolean;
}

export class MokoMemos {
  private readonly byId = new Map<string, MokoMemo>();

  get(nativeId: string): MokoMemo | undefined {
    return this.byId.get(nativeId);
  }

  /** The memo of a plug heard on `base` (a plug re-provisioned with a new name moves). */
  learn(nativeId: string, base: string): MokoMemo {
    const known = this.byId.get(nativeId);
    if (known) {
      if (known.base !== base) known.announced = false;
      known.base = base;
      return known;
    }
    const memo: MokoMemo = { base, announced: false };
    this.byId.set(nativeId, memo);
    return memo;
  }
}

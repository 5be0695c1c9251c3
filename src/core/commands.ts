/** What the hub can ask of a device. Drivers encode these into messages. */
export type PowerState = 'on' | 'off' | 'toggle';

export interface PowerCommand {
  readonly kind: 'power';
  /** 1-based relay index. */
  readonly relay: number;
  readonly state: PowerState;
}

/** Switch to `state` after `seconds` (Tasmota PulseTime: on now, off later). */
export interface CountdownCommand {
  readonly kind: 'countdown';
  readonly relay: number;
  readonly seconds: number;
  readonly state: 'on' | 'off';
}

/** A daily schedule: at hh:mm:ss every day, switch relay to state. */
export interface TimerCommand {
  readonly kind: 'timer';
  readonly relay: number;
  /** Slot on the device (Tasmota Timer1..16). */
  readonly slot: number;
  readonly time: string;
  readonly state: 'on' | 'off';
  readonly enabled: boolean;
}

/** Ask the device to report its state and readings now. */
export interface PollCommand {
  readonly kind: 'poll';
}

export type Command = PowerCommand | CountdownCommand | TimerCommand | PollCommand;

/** A message a driver wants published. Never retained on command topics. */
export interface OutboundMessage {
  readonly topic: string;
  readonly payload: string;
  readonly retain?: boolean;
  readonly qos?: 0 | 1;
}

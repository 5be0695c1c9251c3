/** What a version's layout turns into telegram text. */
import type { MeterIdentity } from '../identity.js';
import type { MeterReading } from '../types.js';

export interface TelegramText {
  /** The identification line after `/`. */
  readonly header: string;
  /** Object lines between the blank line and `!`. */
  readonly lines: readonly string[];
}

export type Layout = (reading: MeterReading, identity: MeterIdentity) => TelegramText;

import type { Prefix } from './topics.js';

/** Misbehaviour a simulated plug can be told to show. */
export interface TasmotaFaults {
  /** Every publish is sent twice. */
  duplicate?: boolean;
  /** No time sync: Time counts from 1970-01-01T00:00:00 + uptime, no midnight rollover, no timers. */
  noNtp?: boolean;
  /** Command replies are published this many ms late (the state changes at once). */
  replyDelayMs?: number;
  /** Commands are swallowed: nothing changes and nothing is published in reply. */
  neverReply?: boolean;
}

/** Watts a relay draws while on; as a function of relay (1-based) and epoch ms. */
export type LoadModel = number | ((relay: number, t: number) => number);

/** A message the device wants published, before topic resolution. */
export interface Outbound {
  /** A Tasmota prefix resolved through FullTopic, or `absolute` for a literal topic. */
  prefix: Prefix | 'absolute';
  /** Subtopic under the prefix, or the whole topic when `absolute`. */
  subtopic: string;
  payload: string;
  retain?: boolean;
  /** Resolve through the fallback topic (reply to a fallback-topic command). */
  fallback?: boolean;
}

/** Where a command's output goes and whether it arrived through the fallback topic. */
export interface ReplyContext {
  out: Outbound[];
  fallback: boolean;
}

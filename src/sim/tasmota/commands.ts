/**
 * Command and payload parsing as Tasmota's CommandHandler / GetStateNumber /
 * DecodeCommand do it: the command is the upper-cased last topic level with a
 * trailing numeric index; the payload is a number (strtol base 0) or a state
 * word; `?` means empty.
 */

/** Payload value when the data is neither a number nor a state word. */
export const NO_NUMBER = -99;
/** Tasmota silently drops incoming payloads at or above MQTT_MAX_PACKET_SIZE. */
export const MAX_PAYLOAD_BYTES = 1200;
/** Backlog accepts at most this many commands per call. */
export const MAX_BACKLOG = 30;

export interface ParsedCommand {
  /** Upper-cased command without index, e.g. `POWER`. */
  name: string;
  /** Upper-cased command as received, e.g. `POWER2` (the SetOption4 subtopic). */
  raw: string;
  /** Numeric suffix; 1 when absent. */
  index: number;
  /** True when the index was written by the user (`POWER1`, `POWER0`). */
  userIndex: boolean;
  /** Payload text with surrounding blanks removed; `?` becomes empty. */
  data: string;
  /** Numeric value of the payload, a state word's number, or NO_NUMBER. */
  payload: number;
}

const STATE_WORDS: ReadonlyMap<string, number> = new Map([
  ['OFF', 0],
  ['FALSE', 0],
  ['STOP', 0],
  ['CELSIUS', 0],
  ['DOWN', 0],
  ['CLOSE', 0],
  ['ON', 1],
  ['TRUE', 1],
  ['START', 1],
  ['FAHRENHEIT', 1],
  ['USER', 1],
  ['TOGGLE', 2],
  ['ADMIN', 2],
  ['BLINK', 3],
  ['BLINKOFF', 4],
  ['UP', 100],
  ['OPEN', 100],
  ['ALL', 255],
]);

/** The number a state word stands for, or -1. */
export function stateNumber(word: string): number {
  return STATE_WORDS.get(word.toUpperCase()) ?? -1;
}

/** C `strtol(text, &end, 0)`: decimal, `0x` hex or leading-0 octal prefix; NaN if no digits. */
export function strtol(text: string): number {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(text);
  if (!m) return NaN;
  const sign = m[1] === '-' ? -1 : 1;
  const digits = m[2] ?? '';
  let value: number;
  if (/^0[xX]/.test(digits)) value = parseInt(digits.slice(2), 16);
  else if (digits.length > 1 && digits.startsWith('0')) value = parseInt(digits.slice(1), 8);
  else value = parseInt(digits, 10);
  return sign * value;
}

export function parsePayload(data: string): { data: string; payload: number } {
  let text = data.trim();
  if (text === '?') text = '';
  if (text === '') return { data: '', payload: NO_NUMBER };
  const word = stateNumber(text);
  if (word >= 0) return { data: text, payload: word };
  const n = strtol(text);
  return { data: text, payload: Number.isNaN(n) ? NO_NUMBER : n };
}

export function parseCommand(command: string, data: string): ParsedCommand {
  const raw = command.toUpperCase();
  const m = /^(.*?)(\d+)$/.exec(raw);
  const name = m && m[1] ? m[1] : raw;
  const indexText = m && m[1] ? (m[2] ?? '') : '';
  const index = indexText ? Number(indexText) : 1;
  return { name, raw, index, userIndex: indexText !== '', ...parsePayload(data) };
}

/** `Power on` → command `Power`, data `on`. */
export function splitCommandLine(line: string): { command: string; data: string } {
  const text = line.trim();
  const space = text.search(/\s/);
  if (space < 0) return { command: text, data: '' };
  return { command: text.slice(0, space), data: text.slice(space + 1).trim() };
}

/** Backlog payload → commands: `;`-separated (not inside `{}`), leading `Backlog` dropped, max 30. */
export function splitBacklog(data: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of data) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ';' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const commands: string[] = [];
  for (const part of parts) {
    let cmd = part.trim();
    while (/^backlog\d*(\s|$)/i.test(cmd)) cmd = cmd.replace(/^backlog\d*/i, '').trim();
    if (cmd !== '' && commands.length < MAX_BACKLOG) commands.push(cmd);
  }
  return commands;
}

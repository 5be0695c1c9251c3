/**
 * A telegram's exact bytes: `/header`, a blank line, the object lines, `!`
 * and the CRC16 of everything from `/` to `!` (the project's CRC-16/ARC),
 * CRLF line ends. DSMR 2.2/3 send `!` alone.
 */
import { crc16, formatCrc } from '../../dsmr/index.js';
import type { TelegramText } from './layouts/layout.js';

export function buildTelegram(text: TelegramText, withCrc: boolean): Buffer {
  const body = Buffer.from(`/${text.header}\r\n\r\n${text.lines.join('\r\n')}\r\n!`, 'latin1');
  const crc = withCrc ? formatCrc(crc16(body)) : '';
  return Buffer.concat([body, Buffer.from(`${crc}\r\n`, 'latin1')]);
}

/**
 * smartmeter2mqtt's JSON socket: one line `JSON + CRLF` with its message per
 * valid telegram, as its consumers (telnet, Node-RED tcp-in, scripts) expect
 * (specs/smartmeter2mqtt-sockets.md). Nothing is sent on connect.
 */
import type { P1Telegram } from './output.js';
import { SocketOutput, type SocketOutputOptions } from './socket-output.js';

export class JsonSocketOutput extends SocketOutput {
  constructor(options: SocketOutputOptions) {
    super('json socket', options);
  }

  protected payload(t: P1Telegram): string {
    return `${t.json}\r\n`;
  }
}

/**
 * smartmeter2mqtt's raw socket, for chaining other P1 software behind one
 * meter connection: the bytes of every valid telegram exactly as received
 * (so the CRC still verifies downstream), or the decrypted plaintext when
 * the meter is encrypted. Unlike smartmeter2mqtt, which re-joined trimmed
 * lines and forwarded garbage and bad-CRC telegrams too, only telegrams the
 * decoder accepted are sent, byte for byte.
 */
import type { P1Telegram } from './output.js';
import { SocketOutput, type SocketOutputOptions } from './socket-output.js';

export class RawSocketOutput extends SocketOutput {
  constructor(options: SocketOutputOptions) {
    super('raw socket', options);
  }

  protected payload(t: P1Telegram): Buffer {
    return t.raw;
  }
}

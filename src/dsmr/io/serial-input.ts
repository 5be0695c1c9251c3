/**
 * P1 from a serial port (the usual USB P1 cable). DSMR 4 and 5 meters send
 * 115200 baud 8N1; DSMR 2.2/3 meters 9600 baud 7E1 (`legacy`). A port that
 * cannot be opened or disappears (cable unplugged, USB reset) is reopened
 * with backoff until stop(), and the reason says what to check.
 */
import { SerialPort } from 'serialport';
import type { BackoffOptions } from './backoff.js';
import { ReconnectingSource } from './source.js';

export interface SerialInputOptions extends BackoffOptions {
  path: string;
  /** DSMR 2.2/3.0: 9600 baud, 7 data bits, even parity (research/dsmr.md 2.1). */
  legacy?: boolean;
}

export interface SerialSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even';
  stopBits: 1;
}

export function serialSettings(legacy: boolean): SerialSettings {
  return legacy
    ? { baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 }
    : { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 };
}

/**
 * The open error with the likely fix. The binding's messages read
 * `Error: No such file or directory, cannot open /dev/ttyUSB0` and carry no
 * errno code, so the cause is taken from the text.
 */
export function serialOpenProblem(path: string, message: string): string {
  const cause = message.replace(/^Error: /, '').replace(/, cannot open .*$/, '');
  let hint = 'is the P1 cable plugged in? are you in the dialout group?';
  if (/no such file|ENOENT/i.test(cause)) hint = 'is the P1 cable plugged in?';
  else if (/permission denied|EACCES/i.test(cause))
    hint = 'are you in the dialout group? sudo usermod -aG dialout $USER, then log in again';
  return `cannot open ${path}: ${cause} (${hint})`;
}

export class SerialInput extends ReconnectingSource {
  private port: SerialPort | null = null;

  constructor(private readonly options: SerialInputOptions) {
    super(`serial ${options.path}`, options);
  }

  protected open(): void {
    const path = this.options.path;
    const port = new SerialPort({
      path,
      ...serialSettings(this.options.legacy === true),
      autoOpen: false,
    });
    this.port = port;
    port.on('data', (chunk: Buffer) => this.received(chunk));
    // Errors after open also end in 'close'; this only keeps them from throwing.
    port.on('error', () => {});
    port.on('close', (err: Error | null) => {
      if (this.port === port) this.port = null;
      this.lost(`${path} was closed${err ? ` (${err.message})` : ''}; reopening`);
    });
    port.open((err) => {
      // stop() came while opening: release() saw no open port, so close it here.
      if (err === null && this.isStopping) port.close();
      else if (err === null) this.opened();
      else {
        if (this.port === port) this.port = null;
        this.lost(serialOpenProblem(path, err.message));
      }
    });
  }

  protected async release(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port === null || !port.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** Human-readable lines on a terminal, JSON lines otherwise (files, journald, CI). */
export function createLogger(level: string, stream: NodeJS.WriteStream = process.stderr): Logger {
  if (stream.isTTY) {
    return pino(
      { level },
      pretty({
        destination: stream,
        colorize: true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        ignore: 'pid,hostname',
      }),
    );
  }
  return pino({ level }, stream);
}

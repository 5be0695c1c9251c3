/** Where telegrams go: a TCP server, a pseudo-terminal, stdout. */

export interface TelegramSink {
  /** Where a reader finds the meter, for the start line ("tcp://127.0.0.1:2000"). */
  readonly where: string;
  /** Sends one telegram; never blocks (a reader that does not keep up misses telegrams). */
  send(bytes: Buffer): void;
  close(): Promise<void>;
}

/** Called when a sink cannot go on (the pty process died, stdout closed). */
export type SinkFailure = (message: string) => void;

/**
 * Telegrams to a stream (stdout), e.g. into `wattbridge dsmr parse`. A
 * closed pipe (`| head`) ends the run instead of crashing it.
 */
export function streamSink(stream: NodeJS.WritableStream, onFailure: SinkFailure): TelegramSink {
  const onError = (err: Error): void => onFailure(`stdout: ${err.message}`);
  stream.on('error', onError);
  return {
    where: 'stdout',
    send(bytes) {
      stream.write(bytes);
    },
    async close() {
      stream.off('error', onError);
    },
  };
}

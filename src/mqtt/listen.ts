import type { Server } from 'node:net';
import { StartupError, portInUseMessage } from './startup-error.js';

/** Listen, turning EADDRINUSE/EACCES into a StartupError a person can act on. */
export function listenOrExplain(
  server: Server,
  what: 'mqtt' | 'http',
  host: string,
  port: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new StartupError(portInUseMessage(what, host, port)));
      else if (err.code === 'EACCES')
        reject(
          new StartupError(
            `Not allowed to listen on ${host}:${port} (${what}); ports below 1024 need privileges. Choose another with --${what}-port.`,
          ),
        );
      else if (err.code === 'EADDRNOTAVAIL')
        reject(
          new StartupError(
            `Cannot listen on ${host}: no such address on this machine (--${what}-host).`,
          ),
        );
      else if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
        reject(
          new StartupError(
            `Cannot listen on ${host}: that name does not resolve to an address (--${what}-host).`,
          ),
        );
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

import { apiClient, type ApiClient } from './http-api.js';
import { startTestHub } from './hub.js';
import { SimPeers } from './sim-peers.js';

type TestHub = Awaited<ReturnType<typeof startTestHub>>;

/** A whole hub with a client of its HTTP API and simulated peers on its broker. */
export type ApiHub = TestHub & { api: ApiClient; peers: SimPeers };

/**
 * startTestHub (flags as the CLI names them) plus an API client, sending
 * `Authorization: Bearer <token>` when the hub has an `api-token`; stop()
 * stops the peers, then the hub.
 */
export async function startApiHub(flags: Record<string, string> = {}): Promise<ApiHub> {
  const hub = await startTestHub(flags);
  const peers = new SimPeers(hub.app);
  return {
    ...hub,
    api: apiClient(hub.baseUrl, flags['api-token']),
    peers,
    async stop() {
      await peers.stopAll();
      await hub.stop();
    },
  };
}

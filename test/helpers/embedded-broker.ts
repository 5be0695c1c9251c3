import pino from 'pino';
import type { GuardLimits } from '../../src/mqtt/broker-guard.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';

/** Generous limits: nothing is shed unless a test narrows one. */
const ROOMY: GuardLimits = {
  maxPublishRate: 1e9,
  maxQueued: 1e9,
  maxClientBufferBytes: 1 << 20,
  slowClientTimeoutMs: 5000,
};

/** The hub's embedded broker on an ephemeral localhost port, with `limits` over roomy defaults. */
export async function startEmbeddedBroker(
  limits: Partial<GuardLimits> = {},
): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    log: pino({ level: 'silent' }),
    limits: { ...ROOMY, ...limits },
  });
  await broker.start();
  return broker;
}

import { connect, type Socket } from 'node:net';

/**
 * A TCP subscriber that subscribes to everything and then stops reading: the
 * client that makes an unguarded aedes die of a stack overflow. Hand-built
 * MQTT 3.1.1 CONNECT and SUBSCRIBE packets, so no client library buffers for it.
 */
export function slowSubscriber(port: number, filter = 'tele/#'): Promise<Socket> {
  const id = Buffer.from('bench-slow-subscriber');
  const proto = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c]);
  const connectBody = Buffer.concat([proto, Buffer.from([0x00, id.length]), id]);
  const connectPkt = Buffer.concat([Buffer.from([0x10, connectBody.length]), connectBody]);
  const f = Buffer.from(filter);
  const subBody = Buffer.concat([
    Buffer.from([0x00, 0x01, 0x00, f.length]),
    f,
    Buffer.from([0x00]),
  ]);
  const subPkt = Buffer.concat([Buffer.from([0x82, subBody.length]), subBody]);
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(Buffer.concat([connectPkt, subPkt]));
      // Read the CONNACK and SUBACK, then never read again.
      s.once('data', () => {
        s.pause();
        resolve(s);
      });
    });
    s.on('error', reject);
  });
}

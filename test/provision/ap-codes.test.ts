import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MokoApPlug } from '../../src/sim/moko/ap.js';
import { fleetIdentity } from '../../src/sim/moko/identity.js';
import { rawSession } from './raw-client.js';

const MQTT = {
  header: 4002,
  host: '45.32.33.42',
  port: 1883,
  connect_mode: 0,
  username: 'DVES_USER',
  password: 'DVES_PASS',
  keepalive: 120,
  qos: 2,
  clean_session: 1,
};
const WIFI = { header: 4003, wifi_ssid: 'Fitpolo', wifi_pwd: 'fitpolo1234.', wifi_security: 3 };

/** Every answer code of spec §1, reached by a real bad request over the AP socket. */
describe('simulated plug in AP mode: answer codes', () => {
  let ap: MokoApPlug;
  let port: number;
  beforeEach(async () => {
    // joinDelayMs: long enough that no test here sees the plug leave AP mode.
    ap = new MokoApPlug({ identity: fleetIdentity('codes', 0), port: 0, joinDelayMs: 60_000 });
    port = await ap.start();
  });
  afterEach(async () => {
    await ap.stop();
  });

  async function codeOf(...requests: unknown[]): Promise<number[]> {
    const s = await rawSession(port);
    const codes: number[] = [];
    for (const r of requests) {
      const answer = await s.ask(typeof r === 'string' ? r : JSON.stringify(r));
      codes.push(answer.code as number);
    }
    s.close();
    return codes;
  }

  it('0: the spec examples, in order, with the spec answers', async () => {
    const s = await rawSession(port);
    // §2.1, with the spec's own whitespace.
    expect(await s.ask('{  \n    "header" : 4001  \n}')).toEqual({
      code: 0,
      message: 'success',
      result: { header: 4001, ...fleetIdentity('codes', 0) },
    });
    expect(await s.ask(JSON.stringify(MQTT))).toEqual({
      code: 0,
      message: 'success',
      result: { header: 4002 },
    });
    expect(await s.ask(JSON.stringify(WIFI))).toEqual({
      code: 0,
      message: 'success',
      result: { header: 4003 },
    });
    s.close();
  });

  it('1: a length out of bounds (host 65 bytes, empty user, empty SSID)', async () => {
    expect(await codeOf({ ...MQTT, host: 'h'.repeat(65) })).toEqual([1]);
    expect(await codeOf({ ...MQTT, username: '' })).toEqual([1]);
    expect(await codeOf(MQTT, { ...WIFI, wifi_ssid: '' })).toEqual([0, 1]);
  });

  it('2: a value of the wrong type', async () => {
    expect(await codeOf({ ...MQTT, port: '1883' })).toEqual([2]);
    expect(await codeOf({ ...MQTT, qos: 1.5 })).toEqual([2]);
    expect(await codeOf(MQTT, { ...WIFI, wifi_security: '3' })).toEqual([0, 2]);
  });

  it('3: Wi-Fi before MQTT; after a refused 4002 too', async () => {
    expect(await codeOf(WIFI)).toEqual([3]);
    expect(await codeOf({ ...MQTT, keepalive: 10 }, WIFI)).toEqual([6, 3]);
  });

  it('4: not JSON', async () => {
    expect(await codeOf('{header:4001}')).toEqual([4]);
    expect(await codeOf('hello')).toEqual([4]);
  });

  it('5: JSON the protocol does not define', async () => {
    expect(await codeOf({ header: 4009 })).toEqual([5]);
    expect(await codeOf({ hello: 1 })).toEqual([5]);
    expect(await codeOf({ ...MQTT, colour: 'red' })).toEqual([5]);
    const { keepalive: _k, ...noKeepalive } = MQTT;
    expect(await codeOf(noKeepalive)).toEqual([5]);
  });

  it('6: the right type, out of range', async () => {
    expect(await codeOf({ ...MQTT, keepalive: 121 })).toEqual([6]);
    expect(await codeOf({ ...MQTT, qos: 3 })).toEqual([6]);
    expect(await codeOf({ ...MQTT, port: 65536 })).toEqual([6]);
    expect(await codeOf({ ...MQTT, connect_mode: 2 })).toEqual([6]);
    expect(await codeOf(MQTT, { ...WIFI, wifi_security: 5 })).toEqual([0, 6]);
  });

  it('answers back-to-back requests in one write one by one', async () => {
    const s = await rawSession(port);
    const first = s.ask(JSON.stringify({ header: 4001 }) + JSON.stringify(MQTT));
    expect((await first).result).toMatchObject({ header: 4001 });
    expect(await s.ask('')).toMatchObject({ code: 0, result: { header: 4002 } });
    s.close();
  });
});

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/driver.js';
import { BASE, driver, ev, heardDriver, NOW } from './helpers.js';

describe('Moko driver: the spec examples (§3.2)', () => {
  it('discovers a plug from its first message, with what the topic says, and reads switch_state', () => {
    const { decode } = driver();
    // §3.2.1, verbatim.
    expect(decode('switch_state', '{\n  "switch_state" : "on"\n}')).toEqual([
      ev('info', { info: { mac: '11:22:33:44:55:66', module: 'plug_one', relayCount: 1 } }),
      ev('seen', {}),
      ev('state', { relay: 1, on: true }),
    ]);
    expect(decode('switch_state', '{"switch_state":"off"}')).toEqual([
      ev('seen', {}),
      ev('state', { relay: 1, on: false }),
    ]);
  });

  it('firmware_infor: the spec example lacks a comma and is rejected as not JSON; corrected, it is info', () => {
    const spec = `{
    "company_name" : "moko",
    "production_date" : "201801",
    "product_model" : "plug_one",
    "firmware_version" : "000001"
    "device_mac" : "11:22:33:44:55:66"
}`;
    const { decode } = heardDriver();
    expect(() => decode('firmware_infor', spec)).toThrow(/not JSON/);
    expect(decode('firmware_infor', spec.replace('"000001"', '"000001",'))).toEqual([
      ev('seen', {}),
      ev('info', { info: { firmware: '000001', module: 'plug_one', mac: '11:22:33:44:55:66' } }),
    ]);
  });

  it('delay_time: seconds left and the state it ends in', () => {
    const { decode } = heardDriver(true);
    const spec = `{
    "delay_hour" : 3,
    "delay_minute" : 3,
    "delay_second" : 59,
    "switch_state" : "off"
}`;
    expect(decode('delay_time', spec)).toEqual([
      ev('seen', {}),
      ev('countdown', { relay: 1, seconds: 3 * 3600 + 3 * 60 + 59, state: 'off' }),
    ]);
    expect(
      decode(
        'delay_time',
        '{"delay_hour":0,"delay_minute":0,"delay_second":0,"switch_state":"off"}',
      ),
    ).toEqual([ev('seen', {}), ev('countdown', { relay: 1, seconds: 0, state: 'off' })]);
  });

  it('ota_upgrade_state: R1 success, R2-R4 failures with their meaning, as device info', () => {
    const { decode } = heardDriver();
    const at = new Date(NOW).toISOString();
    expect(decode('ota_upgrade_state', '{\n    "ota_result" : "R1"\n}')).toEqual([
      ev('seen', {}),
      ev('info', {
        info: {
          upgrade: { result: 'R1', ok: true, meaning: 'the firmware upgrade succeeded', at },
        },
      }),
    ]);
    for (const [r, words] of [
      ['R2', /reached the HTTP server/],
      ['R3', /could not connect/],
      ['R4', /resolve the firmware host name/],
    ] as const) {
      const [, e] = decode('ota_upgrade_state', JSON.stringify({ ota_result: r }));
      expect(e).toMatchObject({ kind: 'info', info: { upgrade: { result: r, ok: false } } });
      expect((e as { info: { upgrade: { meaning: string } } }).info.upgrade.meaning).toMatch(words);
    }
  });

  it('delete_device: the plug was factory reset, whatever the payload', () => {
    const { decode } = heardDriver();
    const removed = ev('removed', { reason: 'factory reset on the plug (delete_device)' });
    expect(decode('delete_device', '')).toEqual([removed]);
    expect(decode('delete_device', '{}')).toEqual([removed]);
  });

  it('electricity_information: 0.1 V, mA and W become V, A and W', () => {
    const { decode } = heardDriver();
    const spec = '{  \n  "voltage" : 2205,  \n  "current" : 200,  \n  "power" : 20  \n}';
    expect(decode('electricity_information', spec)).toEqual([
      ev('seen', {}),
      ev('reading', { metric: 'voltage', value: 220.5 }),
      ev('reading', { metric: 'current', value: 0.2 }),
      ev('reading', { metric: 'power', value: 20 }),
    ]);
  });
});

describe('Moko driver: bad input', () => {
  const reject = (fn: () => unknown, pattern: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as Error).message).toMatch(pattern);
  };

  it('rejects messages with nothing usable, naming what is wrong', () => {
    const { decode } = heardDriver();
    reject(() => decode('switch_state', 'on'), /not JSON/);
    reject(() => decode('switch_state', '["on"]'), /not a JSON object/);
    reject(
      () => decode('switch_state', '{"switch_state":1}'),
      /switch_state must be "on" or "off", got 1/,
    );
    reject(() => decode('switch_state', '{"switch_state":"maybe"}'), /got "maybe"/);
    reject(
      () =>
        decode(
          'delay_time',
          '{"delay_hour":24,"delay_minute":0,"delay_second":0,"switch_state":"on"}',
        ),
      /delay_hour must be 0-23, got 24/,
    );
    reject(
      () =>
        decode(
          'delay_time',
          '{"delay_hour":1,"delay_minute":60,"delay_second":-1,"switch_state":"on"}',
        ),
      /delay_minute must be 0-59, got 60; delay_second must be 0-59, got -1/,
    );
    reject(
      () => decode('delay_time', '{"delay_hour":1,"delay_minute":0,"delay_second":0}'),
      /switch_state/,
    );
    reject(
      () => decode('ota_upgrade_state', '{"ota_result":"R5"}'),
      /"R1", "R2", "R3" or "R4", got "R5"/,
    );
    reject(
      () => decode('electricity_information', '{"voltage":"230"}'),
      /voltage must be a number/,
    );
    reject(() => decode('electricity_information', '{}'), /no usable voltage, current or power/);
    reject(
      () => decode('firmware_infor', '{"firmware_version":7}'),
      /firmware_version must be a non-empty string/,
    );
    reject(
      () =>
        driver().d.decode(
          'iot_plug/plug_one/us/not-a-mac/device/switch_state',
          Buffer.from('{}'),
          NOW,
        ),
      /"not-a-mac" is not a MAC address/,
    );
  });

  it('keeps good fields beside bad ones and reports the bad ones', () => {
    const { decode } = heardDriver();
    const events = decode('electricity_information', '{"voltage":2300,"current":-5,"power":null}');
    expect(events).toEqual([
      ev('seen', {}),
      ev('reading', { metric: 'voltage', value: 230 }),
      ev('rejected', {
        reason: `${BASE}device/electricity_information: current must be a number from 0 to 100000, got -5; power must be a number from 0 to 25000, got null`,
      }),
    ]);
    const info = decode(
      'firmware_infor',
      '{"firmware_version":"1.0.2","device_mac":"aa:bb:cc:dd:ee:ff"}',
    );
    expect(info[1]).toEqual(ev('info', { info: { firmware: '1.0.2' } }));
    expect(info[2]).toMatchObject({
      kind: 'rejected',
      reason: expect.stringMatching(/not the MAC in the topic/),
    });
  });

  it('ignores other shapes, app/ echoes and cleared retained messages', () => {
    const { d, decode } = driver();
    expect(d.decode(`${BASE}app/switch_state`, Buffer.from('{"switch_state":"on"}'), NOW)).toEqual(
      [],
    );
    expect(d.decode('iot_plug/plug_one/us/device/switch_state', Buffer.from('{}'), NOW)).toEqual(
      [],
    );
    expect(decode('switch_state', '')).toEqual([]);
  });

  it('an unknown field still discovers the plug, and is only a sign of life once it is known', () => {
    const { decode } = driver();
    expect(decode('led_state', '{"x":1}')).toEqual([
      ev('info', { info: { mac: '11:22:33:44:55:66', module: 'plug_one', relayCount: 1 } }),
      ev('seen', {}),
    ]);
    expect(decode('led_state', '{"x":1}')).toEqual([ev('seen', {})]);
  });

  it('a MAC written without colons or in upper case is the same plug', () => {
    const { d } = driver();
    const [info] = d.decode(
      'iot_plug/plug_one/eu/AABBCCDDEEFF/device/switch_state',
      Buffer.from('{"switch_state":"on"}'),
      NOW,
    );
    expect(info).toMatchObject({ nativeId: 'aabbccddeeff', info: { mac: 'aa:bb:cc:dd:ee:ff' } });
  });
});

describe('Moko driver: countdowns the plug ends without a word', () => {
  const running = '{"delay_hour":0,"delay_minute":4,"delay_second":59,"switch_state":"off"}';

  it('a state change while a countdown runs ends it', () => {
    const { decode } = heardDriver(true);
    decode('delay_time', running, NOW);
    expect(decode('switch_state', '{"switch_state":"off"}', NOW + 500)).toEqual([
      ev('seen', {}, NOW + 500),
      ev('state', { relay: 1, on: false }, NOW + 500),
      ev('countdown', { relay: 1, seconds: 0, state: 'on' }, NOW + 500),
    ]);
  });

  it('a heartbeat with the same state while reports keep coming leaves it; once they stop, it ends', () => {
    const { decode } = heardDriver(true);
    decode('delay_time', running, NOW);
    expect(decode('switch_state', '{"switch_state":"on"}', NOW + 1000)).toHaveLength(2);
    // Power cycled: the plug reconnects, says it is on, and no countdown report follows.
    const after = decode('switch_state', '{"switch_state":"on"}', NOW + 10_000);
    expect(after).toContainEqual(
      ev('countdown', { relay: 1, seconds: 0, state: 'off' }, NOW + 10_000),
    );
  });
});

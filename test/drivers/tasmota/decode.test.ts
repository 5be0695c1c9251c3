import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/driver.js';
import { TasmotaDriver } from '../../../src/drivers/tasmota/driver.js';
import { driver, NOW, ofKind, reading, rejected, seen, state } from './helpers.js';

describe('TasmotaDriver basics', () => {
  it('is the tasmota protocol and listens on the default topics', () => {
    const d = new TasmotaDriver();
    expect(d.name).toBe('tasmota');
    expect(d.subscriptions()).toEqual([
      'stat/+/+',
      'tele/+/LWT',
      'tele/+/STATE',
      'tele/+/SENSOR',
      'tele/+/INFO1',
      'tele/+/INFO2',
      'tasmota/discovery/+/config',
    ]);
    expect(d.subscriptions().some((f) => f.startsWith('cmnd/'))).toBe(false);
  });

  it('uses configured prefixes for subscriptions and decoding', () => {
    const { d, decode } = driver({ prefixes: { cmnd: 'c', stat: 's', tele: 't' } });
    expect(d.subscriptions()).toContain('s/+/+');
    expect(d.subscriptions()).toContain('t/+/SENSOR');
    expect(decode('s/plug/POWER', 'ON')).toEqual([seen('plug'), state('plug', 1, true)]);
    // The default prefixes are now someone else's topics.
    expect(decode('stat/plug/POWER', 'ON')).toEqual([]);
    expect(() => new TasmotaDriver({ prefixes: { stat: 'a/b' } })).toThrow(/one topic level/);
  });
});

describe('POWER', () => {
  const { decode } = driver();

  it('plain stat/<t>/POWER is relay 1 (spec: stat/my_device/POWER ON)', () => {
    expect(decode('stat/my_device/POWER', 'ON')).toEqual([
      seen('my_device'),
      state('my_device', 1, true),
    ]);
    expect(decode('stat/my_device/POWER', 'OFF')).toEqual([
      seen('my_device'),
      state('my_device', 1, false),
    ]);
  });

  it('POWER1..POWER32 name their relay', () => {
    expect(decode('stat/sp_w.r1.c1/POWER2', 'ON')).toEqual([
      seen('sp_w.r1.c1'),
      state('sp_w.r1.c1', 2, true),
    ]);
    expect(ofKind(decode('stat/strip/POWER32', 'off'), 'state')).toEqual([
      state('strip', 32, false),
    ]);
  });

  it.each([
    ['ON', true],
    ['OFF', false],
    ['on', true],
    ['off', false],
    ['On', true],
    ['1', true],
    ['0', false],
    ['true', true],
    ['false', false],
    [' ON\n', true],
  ])('accepts the state text %j', (text, on) => {
    expect(ofKind(decode('stat/plug/POWER', text), 'state')).toEqual([state('plug', 1, on)]);
  });

  it('rejects a word that is not a state, naming it', () => {
    expect(() => decode('stat/plug/POWER', 'TOGGLE')).toThrow(DecodeError);
    expect(() => decode('stat/plug/POWER', 'TOGGLE')).toThrow(
      'stat/plug/POWER: not a relay state: "TOGGLE"',
    );
    expect(() => decode('stat/plug/POWER33', 'ON')).toThrow(/relay index above 32/);
  });

  it('RESULT JSON carries one or several relays', () => {
    expect(decode('stat/plug/RESULT', '{"POWER":"ON"}')).toEqual([
      seen('plug'),
      state('plug', 1, true),
    ]);
    expect(decode('stat/strip/RESULT', '{"POWER1":"OFF","POWER2":"ON"}')).toEqual([
      seen('strip'),
      state('strip', 1, false),
      state('strip', 2, true),
    ]);
  });

  it('RESULT accepts booleans and 0/1 numbers but not other values', () => {
    expect(ofKind(decode('stat/p/RESULT', '{"POWER1":true,"POWER2":0}'), 'state')).toEqual([
      state('p', 1, true),
      state('p', 2, false),
    ]);
    expect(() => decode('stat/p/RESULT', '{"POWER":2}')).toThrow(
      'stat/p/RESULT: POWER: not a relay state: 2',
    );
  });

  it('keeps the good relay when another one in the same message is wrong', () => {
    expect(decode('stat/p/RESULT', '{"POWER1":"maybe","POWER2":"ON"}')).toEqual([
      seen('p'),
      state('p', 2, true),
      rejected('p', 'stat/p/RESULT: POWER1: not a relay state: "maybe"'),
    ]);
  });

  it('does not mistake settings named Power* for relays', () => {
    expect(decode('stat/p/RESULT', '{"PowerOnState":3}')).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"PowerDelta1":103}')).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"PowerRetain":"ON"}')).toEqual([seen('p')]);
  });

  it('SetOption4: JSON on stat/<t>/POWER is read like RESULT', () => {
    expect(decode('stat/p/POWER', '{"POWER":"OFF"}')).toEqual([seen('p'), state('p', 1, false)]);
    expect(decode('stat/p/POWERONSTATE', '{"PowerOnState":3}')).toEqual([seen('p')]);
  });

  it('ignores the empty cmnd/<t>/POWER the device publishes on every reconnect', () => {
    expect(decode('cmnd/plug/POWER', '')).toEqual([]);
    // and anything else on cmnd/, which is not a device report
    expect(decode('cmnd/plug/POWER', 'ON')).toEqual([]);
  });
});

describe('RESULT replies without state', () => {
  const { decode } = driver();

  it('Command Unknown / Error: only seen', () => {
    expect(decode('stat/p/RESULT', '{"Command":"Unknown"}')).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"Command":"Error"}')).toEqual([seen('p')]);
  });

  it('PulseTime and Timer replies: only seen', () => {
    expect(decode('stat/p/RESULT', '{"PulseTime1":{"Set":113,"Remaining":113}}')).toEqual([
      seen('p'),
    ]);
    expect(
      decode(
        'stat/p/RESULT',
        '{"Timer1":{"Enable":1,"Mode":0,"Time":"02:23","Window":0,"Days":"0011001","Repeat":1,"Output":1,"Action":1}}',
      ),
    ).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"Timers":"ON"}')).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"Timer1":"Invalid JSON"}')).toEqual([seen('p')]);
    expect(
      decode(
        'stat/p/RESULT',
        '{"PulseTime":{"Set":[0,0,0,0,0,0,0,0],"Remaining":[0,0,0,0,0,0,0,0]}}',
      ),
    ).toEqual([seen('p')]);
    expect(decode('stat/p/RESULT', '{"TelePeriod":300}')).toEqual([seen('p')]);
  });

  it('EnergyTotal / EnergyToday replies report the counters just set', () => {
    expect(
      decode('stat/p/RESULT', '{"EnergyTotal":{"Total":0.000,"Yesterday":1.234,"Today":0.056}}'),
    ).toEqual([
      seen('p'),
      reading('p', 'energy_total', 0),
      reading('p', 'energy_yesterday', 1234),
      reading('p', 'energy_today', 56),
    ]);
  });
});

describe('LWT', () => {
  const { decode } = driver();

  it('Online: seen and online', () => {
    expect(decode('tele/plug/LWT', 'Online')).toEqual([
      seen('plug'),
      { protocol: 'tasmota', nativeId: 'plug', kind: 'availability', online: true, ts: NOW },
    ]);
  });

  it('Offline: offline, and not seen (the broker speaks for a device that is gone)', () => {
    expect(decode('tele/plug/LWT', 'Offline')).toEqual([
      { protocol: 'tasmota', nativeId: 'plug', kind: 'availability', online: false, ts: NOW },
    ]);
  });

  it('accepts any case, rejects other words', () => {
    expect(ofKind(decode('tele/plug/LWT', 'online'), 'availability')[0]?.online).toBe(true);
    expect(ofKind(decode('tele/plug/LWT', 'OFFLINE'), 'availability')[0]?.online).toBe(false);
    expect(() => decode('tele/plug/LWT', 'gone')).toThrow(
      'tele/plug/LWT: LWT is neither Online nor Offline: "gone"',
    );
  });

  it('an empty LWT is a retained message being cleared (SetOption10 0), not a report', () => {
    expect(decode('tele/plug/LWT', '')).toEqual([]);
  });
});

describe('STATE and STATUS11', () => {
  const { d, decode } = driver();
  // research §1.5, from Tasmota docs DeepSleep.md
  const STATE =
    '{"Time":"2021-06-27T15:03:44+02:00","Uptime":"0T00:00:13","UptimeSec":13,"Heap":28,' +
    '"SleepMode":"Dynamic","Sleep":50,"LoadAvg":19,"MqttCount":1,"POWER":"ON","Wifi":{"AP":1,' +
    '"SSId":"DEMOAP","BSSId":"XX:XX:XX:XX:XX:XX","Channel":1,"Mode":"11n","RSSI":86,' +
    '"Signal":-57,"LinkCount":1,"Downtime":"0T00:00:07"}}';
  const at = Date.UTC(2021, 5, 27, 13, 3, 44);

  it('tele STATE: relay state at the device time, and the relay count', () => {
    expect(decode('tele/plug/STATE', STATE)).toEqual([
      seen('plug'),
      state('plug', 1, true, at),
      { protocol: 'tasmota', nativeId: 'plug', kind: 'info', info: { relayCount: 1 }, ts: NOW },
    ]);
  });

  it('multi-relay STATE lists POWER1..n and makes encode name relay 1 POWER1', () => {
    const events = decode(
      'tele/strip/STATE',
      '{"Time":"2024-06-01T11:59:00","UptimeSec":5,"POWER1":"ON","POWER2":"OFF","POWER3":"ON"}',
    );
    expect(ofKind(events, 'state').map((e) => [e.relay, e.on])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(ofKind(events, 'info')[0]?.info).toEqual({ relayCount: 3 });
    expect(
      d.encode(
        { protocol: 'tasmota', nativeId: 'strip' },
        { kind: 'power', relay: 1, state: 'on' },
      ),
    ).toEqual([{ topic: 'cmnd/strip/POWER1', payload: 'ON', retain: false }]);
  });

  it('STATE of a device without relays: only seen', () => {
    expect(decode('tele/sensor/STATE', '{"Time":"2024-06-01T11:00:00","UptimeSec":5}')).toEqual([
      seen('sensor'),
    ]);
  });

  it('STATUS11 StatusSTS is read like STATE', () => {
    expect(decode('stat/plug/STATUS11', `{"StatusSTS":${STATE}}`)).toEqual([
      seen('plug'),
      state('plug', 1, true, at),
      { protocol: 'tasmota', nativeId: 'plug', kind: 'info', info: { relayCount: 1 }, ts: NOW },
    ]);
  });
});

describe('STATUS5, STATUS2, STATUS and INFO: device info', () => {
  const { decode } = driver();
  const info = (events: ReturnType<typeof decode>) => ofKind(events, 'info').map((e) => e.info);

  it('STATUS5 StatusNET: hostname, IP and MAC', () => {
    const payload =
      '{"StatusNET":{"Hostname":"tasmota-7F0B7A-2938","IPAddress":"192.168.1.50",' +
      '"Gateway":"192.168.1.1","Subnetmask":"255.255.255.0","DNSServer1":"192.168.1.1",' +
      '"DNSServer2":"0.0.0.0","Mac":"C4:4F:33:7F:0B:7A","Webserver":2,"HTTP_API":1,' +
      '"WifiConfig":4,"WifiPower":17.0}}';
    const events = decode('stat/plug/STATUS5', payload);
    expect(events[0]).toEqual(seen('plug'));
    expect(info(events)).toEqual([
      { hostname: 'tasmota-7F0B7A-2938', ip: '192.168.1.50', mac: 'C4:4F:33:7F:0B:7A' },
    ]);
  });

  it('STATUS2 StatusFWR: firmware version', () => {
    const payload =
      '{"StatusFWR":{"Version":"12.1.1(tasmota)","BuildDateTime":"2022-08-25T11:33:53",' +
      '"Boot":31,"Core":"2_7_4_9","SDK":"2.2.2-dev(38a443e)","CpuFrequency":80,' +
      '"Hardware":"ESP8266EX","CR":"378/699"}}';
    expect(info(decode('stat/plug/STATUS2', payload))).toEqual([{ firmware: '12.1.1(tasmota)' }]);
  });

  it('STATUS: DeviceName, else the first FriendlyName', () => {
    expect(
      info(
        decode(
          'stat/plug/STATUS',
          '{"Status":{"Module":1,"DeviceName":"Desk lamp","FriendlyName":["Lamp"],"Topic":"plug","Power":1}}',
        ),
      ),
    ).toEqual([{ name: 'Desk lamp' }]);
    expect(
      info(decode('stat/plug/STATUS', '{"Status":{"Module":1,"FriendlyName":["Lamp"],"Power":1}}')),
    ).toEqual([{ name: 'Lamp' }]);
  });

  it('STATUS0 in one message: info, readings and states together', () => {
    const events = decode(
      'stat/plug/STATUS0',
      '{"Status":{"DeviceName":"Fridge"},"StatusFWR":{"Version":"13.0.0"},' +
        '"StatusNET":{"Hostname":"fridge","IPAddress":"10.0.0.7","Mac":"AA:BB:CC:DD:EE:FF"},' +
        '"StatusSNS":{"Time":"2024-06-01T11:58:00","ENERGY":{"Power":80}},' +
        '"StatusSTS":{"Time":"2024-06-01T11:58:00","POWER":"ON"}}',
    );
    expect(info(events)).toEqual([
      {
        name: 'Fridge',
        firmware: '13.0.0',
        hostname: 'fridge',
        ip: '10.0.0.7',
        mac: 'AA:BB:CC:DD:EE:FF',
      },
      { relayCount: 1 },
    ]);
    expect(ofKind(events, 'reading').map((e) => [e.metric, e.value])).toEqual([['power', 80]]);
    expect(ofKind(events, 'state').map((e) => e.on)).toEqual([true]);
  });

  it('INFO1/INFO2 after boot, wrapped (v9+) and flat (older)', () => {
    expect(
      info(
        decode(
          'tele/plug/INFO1',
          '{"Info1":{"Module":"Sonoff Pow R2","Version":"12.1.1(tasmota)","FallbackTopic":"cmnd/DVES_7F0B7A_fb/","GroupTopic":"cmnd/tasmotas/"}}',
        ),
      ),
    ).toEqual([{ module: 'Sonoff Pow R2', firmware: '12.1.1(tasmota)' }]);
    expect(
      info(
        decode(
          'tele/plug/INFO2',
          '{"Info2":{"WebServerMode":"Admin","Hostname":"pow-1","IPAddress":"192.168.1.9"}}',
        ),
      ),
    ).toEqual([{ hostname: 'pow-1', ip: '192.168.1.9' }]);
    expect(
      info(
        decode(
          'tele/plug/INFO1',
          '{"Module":"Sonoff Pow","Version":"6.3.0","GroupTopic":"sonoffs"}',
        ),
      ),
    ).toEqual([{ module: 'Sonoff Pow', firmware: '6.3.0' }]);
    expect(
      decode(
        'tele/plug/INFO3',
        '{"Info3":{"RestartReason":"Software/System restart","BootCount":7}}',
      ),
    ).toEqual([seen('plug')]);
  });

  it('a wrongly typed info field is rejected alone', () => {
    const events = decode(
      'stat/plug/STATUS5',
      '{"StatusNET":{"Hostname":42,"IPAddress":"10.0.0.2"}}',
    );
    expect(info(events)).toEqual([{ ip: '10.0.0.2' }]);
    expect(ofKind(events, 'rejected')).toEqual([
      rejected('plug', 'stat/plug/STATUS5: StatusNET.Hostname: expected a string, got number'),
    ]);
    expect(() => decode('stat/plug/STATUS5', '{"StatusNET":{"Hostname":42}}')).toThrow(
      'stat/plug/STATUS5: StatusNET.Hostname: expected a string, got number',
    );
    expect(() => decode('stat/plug/STATUS5', '{"StatusNET":"x"}')).toThrow(
      'StatusNET: expected an object, got string',
    );
  });
});

describe('topics and payloads that are not device reports', () => {
  const { decode } = driver();

  it.each([
    ['', 'x'],
    ['stat', 'ON'],
    ['/stat/plug/POWER', 'ON'],
    ['stat//POWER', 'ON'],
    ['stat/plug/', 'ON'],
    ['stat/plug', 'ON'],
    ['stat/a/b/POWER', 'ON'],
    ['statx/plug/POWER', 'ON'],
    ['zigbee2mqtt/lamp', '{"state":"ON"}'],
    ['homeassistant/status', 'online'],
    ['tasmota/discovery/C44F337F0B7A/sensors', '{"sn":{"Time":"x"},"ver":1}'],
  ])('%j → []', (topic, payload) => {
    expect(decode(topic, payload)).toEqual([]);
  });

  it('empty payloads on stat/tele (retained messages being cleared) → []', () => {
    expect(decode('stat/plug/POWER', '')).toEqual([]);
    expect(decode('tele/plug/SENSOR', '')).toEqual([]);
  });

  it('other subtopics of a device are a sign of life', () => {
    expect(decode('tele/plug/MARGINS', '{"MARGINS":{"PowerDelta":120}}')).toEqual([seen('plug')]);
    expect(decode('stat/plug/WARNING', '{"WARNING":"Max power"}')).toEqual([seen('plug')]);
  });
});

describe('malformed messages', () => {
  const { decode } = driver();

  it('malformed JSON is a DecodeError naming the topic', () => {
    let err: unknown;
    try {
      decode('tele/plug/SENSOR', '{"Time":"2024-06-01T11:00:00","ENERGY":{"Power":');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).topic).toBe('tele/plug/SENSOR');
    expect((err as DecodeError).message).toMatch(/^tele\/plug\/SENSOR: malformed JSON: /);
  });

  it.each([
    ['tele/p/STATE', '[1,2]', 'tele/p/STATE: expected a JSON object, got array'],
    ['stat/p/RESULT', '"ON"', 'stat/p/RESULT: expected a JSON object, got string'],
    ['tele/p/SENSOR', 'null', 'tele/p/SENSOR: expected a JSON object, got null'],
    ['stat/p/STATUS10', '42', 'stat/p/STATUS10: expected a JSON object, got number'],
  ])('%s %s → %s', (topic, payload, message) => {
    expect(() => decode(topic, payload)).toThrow(new DecodeError(message, topic));
  });

  it('never throws anything but DecodeError, whatever arrives', () => {
    const topics = [
      'tele/p/SENSOR',
      'tele/p/STATE',
      'tele/p/LWT',
      'stat/p/RESULT',
      'stat/p/POWER',
      'stat/p/POWER3',
      'stat/p/STATUS0',
      'stat/p/STATUS10',
      'stat/p/PULSETIME1',
      'tele/p/INFO1',
      'tasmota/discovery/AABBCCDDEEFF/config',
    ];
    const payloads = [
      '{',
      '{}',
      '[]',
      'null',
      '{"ENERGY":null}',
      '{"ENERGY":[]}',
      '{"ENERGY":{"Power":[null,"x",{}]}}',
      '{"StatusSNS":{"ENERGY":"x"},"StatusSTS":7}',
      '{"POWER":{"x":1}}',
      '{"PulseTime1":{"Set":[0,0]},"PulseTime":{"Set":"x"}}',
      '{"t":"x","ft":"%prefix%/%hostname%/"}',
      '{"t":"x","tp":["a"]}',
      '{"t":"","ft":7}',
      '{"Info1":7,"Module":[1],"Version":{}}',
      '\u0000\uffff',
      'ON',
    ];
    let decoded = 0;
    for (const t of topics) {
      for (const p of payloads) {
        try {
          decode(t, p);
          decoded++;
        } catch (e) {
          expect(e, `${t} ${p}`).toBeInstanceOf(DecodeError);
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

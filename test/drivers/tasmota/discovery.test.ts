import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/core/driver.js';
import { driver, NOW, ofKind, reading, rejected, seen, state } from './helpers.js';

const MAC = 'C44F337F0B7A';
const TOPIC = `tasmota/discovery/${MAC}/config`;

/** A discovery config as firmware 12.x publishes it (shape of arendst/Tasmota#15968). */
function config(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ip: '192.168.1.50',
    dn: 'Kitchen Plug',
    fn: ['Kitchen Plug', null, null, null, null, null, null, null],
    hn: 'tasmota-7F0B7A-2938',
    mac: MAC,
    md: 'Sonoff Pow R2',
    ty: 0,
    if: 0,
    ofln: 'Offline',
    onln: 'Online',
    state: ['OFF', 'ON', 'TOGGLE', 'HOLD'],
    sw: '12.0.2',
    t: 'kitchen',
    ft: '%prefix%/%topic%/',
    tp: ['cmnd', 'stat', 'tele'],
    rl: [1, 0, 0, 0, 0, 0, 0, 0],
    swc: [-1, -1, -1, -1, -1, -1, -1, -1],
    swn: [null, null, null, null, null, null, null, null],
    btn: [0, 0, 0, 0, 0, 0, 0, 0],
    so: {
      '4': 0,
      '11': 0,
      '13': 0,
      '17': 0,
      '20': 0,
      '30': 0,
      '68': 0,
      '73': 0,
      '82': 0,
      '114': 0,
      '117': 0,
    },
    lk: 0,
    lt_st: 0,
    sho: [],
    sht: [],
    ver: 1,
    ...overrides,
  });
}

const KITCHEN = { protocol: 'tasmota', nativeId: 'kitchen' } as const;
const ON = { kind: 'power', relay: 1, state: 'on' } as const;

describe('discovery with the default FullTopic', () => {
  it('gives the device info and asks for no extra subscription', () => {
    const { decode } = driver();
    expect(decode(TOPIC, config())).toEqual([
      {
        protocol: 'tasmota',
        nativeId: 'kitchen',
        kind: 'info',
        info: {
          mac: 'C4:4F:33:7F:0B:7A',
          hostname: 'tasmota-7F0B7A-2938',
          firmware: '12.0.2',
          module: 'Sonoff Pow R2',
          ip: '192.168.1.50',
          name: 'Kitchen Plug',
          relayCount: 1,
        },
        ts: NOW,
      },
    ]);
  });

  it('relayCount counts rl entries that are relays (1), not lights (2)', () => {
    const { decode, d } = driver();
    const events = decode(TOPIC, config({ rl: [1, 1, 2, 0, 0, 0, 0, 0] }));
    expect(ofKind(events, 'info')[0]?.info.relayCount).toBe(2);
    // A device known to have two relays gets POWER1 for relay 1.
    expect(d.encode(KITCHEN, ON)[0]?.topic).toBe('cmnd/kitchen/POWER1');
  });

  it('an empty config (SetOption19 1 clearing it) → []', () => {
    const { decode } = driver();
    expect(decode(TOPIC, '')).toEqual([]);
  });
});

describe('discovery with a custom FullTopic', () => {
  it('%topic%/%prefix%/: subscribes, decodes and encodes on the device layout', () => {
    const { decode, d } = driver();
    const events = decode(TOPIC, config({ ft: '%topic%/%prefix%/' }));
    expect(ofKind(events, 'subscribe')).toEqual([
      { kind: 'subscribe', filters: ['kitchen/stat/+', 'kitchen/tele/+'] },
    ]);
    expect(decode('kitchen/tele/STATE', '{"Time":"2024-06-01T11:00:00Z","POWER":"ON"}')).toEqual([
      seen('kitchen'),
      state('kitchen', 1, true, Date.UTC(2024, 5, 1, 11)),
      { protocol: 'tasmota', nativeId: 'kitchen', kind: 'info', info: { relayCount: 1 }, ts: NOW },
    ]);
    expect(decode('kitchen/stat/POWER', 'OFF')).toEqual([
      seen('kitchen'),
      state('kitchen', 1, false),
    ]);
    expect(decode('kitchen/tele/LWT', 'Offline')).toEqual([
      { protocol: 'tasmota', nativeId: 'kitchen', kind: 'availability', online: false, ts: NOW },
    ]);
    // its own command echo is not a report
    expect(decode('kitchen/cmnd/POWER', '')).toEqual([]);
    expect(d.encode(KITCHEN, ON)).toEqual([
      { topic: 'kitchen/cmnd/POWER', payload: 'ON', retain: false },
    ]);
    expect(d.encode(KITCHEN, { kind: 'poll' }).map((m) => m.topic)).toEqual([
      'kitchen/cmnd/STATE',
      'kitchen/cmnd/STATUS',
    ]);
  });

  it('announces the subscription once, and again only when the layout changes', () => {
    const { decode } = driver();
    expect(ofKind(decode(TOPIC, config({ ft: '%topic%/%prefix%/' })), 'subscribe')).toHaveLength(1);
    expect(ofKind(decode(TOPIC, config({ ft: '%topic%/%prefix%/' })), 'subscribe')).toHaveLength(0);
    expect(ofKind(decode(TOPIC, config({ ft: 'home/%prefix%/%topic%/' })), 'subscribe')).toEqual([
      { kind: 'subscribe', filters: ['home/stat/kitchen/+', 'home/tele/kitchen/+'] },
    ]);
    // the old layout is forgotten
    expect(decode('kitchen/tele/STATE', '{"POWER":"ON"}')).toEqual([]);
    expect(ofKind(decode('home/tele/kitchen/STATE', '{"POWER":"ON"}'), 'state')).toHaveLength(1);
  });

  it('%id% is the 12-digit MAC; the 6-digit form some tools use is accepted too', () => {
    const { decode, d } = driver();
    const events = decode(TOPIC, config({ ft: '%prefix%/%id%/' }));
    // stat/<MAC>/+ and tele/<MAC>/… are already subscribed (stat/+/+, tele/+/SENSOR):
    // a second, overlapping filter could deliver every message twice.
    expect(ofKind(events, 'subscribe')).toEqual([]);
    expect(ofKind(decode(`tele/${MAC}/SENSOR`, '{"ENERGY":{"Power":7}}'), 'reading')).toEqual([
      reading('kitchen', 'power', 7),
    ]);
    expect(ofKind(decode('tele/7F0B7A/SENSOR', '{"ENERGY":{"Power":8}}'), 'reading')).toEqual([
      reading('kitchen', 'power', 8),
    ]);
    expect(ofKind(decode(`stat/${MAC}/POWER`, 'ON'), 'state')).toEqual([state('kitchen', 1, true)]);
    expect(d.encode(KITCHEN, ON)[0]?.topic).toBe(`cmnd/${MAC}/POWER`);
  });

  it('%id% under other prefixes needs its own subscription', () => {
    const { decode } = driver();
    const events = decode(TOPIC, config({ ft: 'site/%prefix%/%id%/' }));
    expect(ofKind(events, 'subscribe')[0]?.filters).toEqual([
      `site/stat/${MAC}/+`,
      `site/tele/${MAC}/+`,
      'site/stat/7F0B7A/+',
      'site/tele/7F0B7A/+',
    ]);
  });

  it('%hostname% and custom prefixes (tp)', () => {
    const { decode, d } = driver();
    const events = decode(
      TOPIC,
      config({ ft: 'plugs/%hostname%/%prefix%/', tp: ['do', 'status', 'telemetry'] }),
    );
    expect(ofKind(events, 'subscribe')[0]?.filters).toEqual([
      'plugs/tasmota-7F0B7A-2938/status/+',
      'plugs/tasmota-7F0B7A-2938/telemetry/+',
    ]);
    expect(d.encode(KITCHEN, ON)[0]?.topic).toBe('plugs/tasmota-7F0B7A-2938/do/POWER');
  });

  it('a FullTopic without %prefix%: commands get /<cmnd> appended, like the firmware', () => {
    const { decode, d } = driver();
    const events = decode(TOPIC, config({ ft: 'home/%topic%' }));
    expect(ofKind(events, 'subscribe')[0]?.filters).toEqual(['home/kitchen/+']);
    expect(d.encode(KITCHEN, ON)[0]?.topic).toBe('home/kitchen/cmnd/POWER');
    expect(ofKind(decode('home/kitchen/POWER', 'ON'), 'state')).toEqual([
      state('kitchen', 1, true),
    ]);
    expect(decode('home/kitchen/cmnd/POWER', '')).toEqual([]);
  });

  it('a Topic with a slash needs its own subscription even with the default FullTopic', () => {
    const { decode } = driver();
    const events = decode(TOPIC, config({ t: 'floor1/kitchen' }));
    expect(ofKind(events, 'subscribe')[0]?.filters).toEqual([
      'stat/floor1/kitchen/+',
      'tele/floor1/kitchen/+',
    ]);
    expect(ofKind(decode('stat/floor1/kitchen/POWER', 'ON'), 'state')[0]?.nativeId).toBe(
      'floor1/kitchen',
    );
  });

  it('layouts are per driver instance, not shared', () => {
    const a = driver();
    const b = driver();
    a.decode(TOPIC, config({ ft: '%topic%/%prefix%/' }));
    expect(ofKind(a.decode('kitchen/stat/POWER', 'ON'), 'state')).toHaveLength(1);
    expect(b.decode('kitchen/stat/POWER', 'ON')).toEqual([]);
  });

  it('a Topic rename (same MAC) forgets the old name', () => {
    const { decode, d } = driver();
    decode(TOPIC, config({ ft: '%topic%/%prefix%/' }));
    decode(TOPIC, config({ ft: '%topic%/%prefix%/', t: 'pantry' }));
    expect(decode('kitchen/stat/POWER', 'ON')).toEqual([]);
    expect(ofKind(decode('pantry/stat/POWER', 'ON'), 'state')[0]?.nativeId).toBe('pantry');
    expect(d.encode(KITCHEN, ON)[0]?.topic).toBe('cmnd/kitchen/POWER');
  });
});

describe('custom texts from discovery', () => {
  it('state texts (StateText1/2) and LWT texts are understood for that device', () => {
    const { decode } = driver();
    decode(
      TOPIC,
      config({ state: ['AUS', 'AN', 'UMSCHALTEN', 'HALTEN'], onln: 'Da', ofln: 'Weg' }),
    );
    expect(ofKind(decode('stat/kitchen/POWER', 'AN'), 'state')).toEqual([
      state('kitchen', 1, true),
    ]);
    expect(ofKind(decode('stat/kitchen/RESULT', '{"POWER":"AUS"}'), 'state')).toEqual([
      state('kitchen', 1, false),
    ]);
    expect(ofKind(decode('tele/kitchen/LWT', 'Weg'), 'availability')[0]?.online).toBe(false);
    expect(ofKind(decode('tele/kitchen/LWT', 'Da'), 'availability')[0]?.online).toBe(true);
    // other devices do not speak German
    expect(() => decode('stat/other/POWER', 'AN')).toThrow(DecodeError);
  });
});

describe('broken discovery configs', () => {
  const { decode } = driver();

  it.each([
    [
      { t: 42 },
      `${TOPIC}: discovery "t" (Topic) must be a non-empty string without wildcards, got number`,
    ],
    [
      { t: 'a/+' },
      `${TOPIC}: discovery "t" (Topic) must be a non-empty string without wildcards, got "a/+"`,
    ],
    [{ ft: 5 }, `${TOPIC}: discovery "ft" (FullTopic) must be a non-empty string, got number`],
    [
      { tp: ['cmnd', 'stat'] },
      `${TOPIC}: discovery "tp" (prefixes) must be 3 non-empty strings, got ["cmnd","stat"]`,
    ],
    [
      { ft: '%prefix%/%hostname%/', hn: null },
      `${TOPIC}: discovery FullTopic "%prefix%/%hostname%/" needs "hn" (hostname), which is missing`,
    ],
  ])('%j is a DecodeError', (overrides, message) => {
    expect(() => decode(TOPIC, config(overrides))).toThrow(new DecodeError(message, TOPIC));
  });

  it('malformed JSON is a DecodeError', () => {
    expect(() => decode(TOPIC, '{"t":"kitchen"')).toThrow(/malformed JSON/);
  });

  it('a wrongly typed info field is dropped, the rest kept', () => {
    const events = decode(TOPIC, config({ sw: 12, ip: ['x'] }));
    const info = ofKind(events, 'info')[0]?.info;
    expect(info).toMatchObject({ name: 'Kitchen Plug', hostname: 'tasmota-7F0B7A-2938' });
    expect(info).not.toHaveProperty('firmware');
    expect(info).not.toHaveProperty('ip');
    // Counted against the device the config names, though read before its Topic was known.
    expect(ofKind(events, 'rejected')).toEqual([
      rejected(
        'kitchen',
        `${TOPIC}: sw: expected a string, got number; ip: expected a string, got array`,
      ),
    ]);
  });

  it('the MAC falls back to the topic when the payload lacks it', () => {
    const events = decode('tasmota/discovery/AABBCCDDEEFF/config', config({ mac: undefined }));
    expect(ofKind(events, 'info')[0]?.info.mac).toBe('AA:BB:CC:DD:EE:FF');
  });
});

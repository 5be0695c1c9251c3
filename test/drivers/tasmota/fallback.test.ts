import { describe, expect, it } from 'vitest';
import { driver, ofKind, seen, state } from './helpers.js';

/**
 * `cmnd/<MqttClient>_fb/POWER TOGGLE` makes a plug answer on
 * `stat/<MqttClient>_fb/…` (research §1.1); the default MqttClient is
 * `DVES_` + the last 6 hex digits of the MAC.
 */
const REPLY = 'stat/DVES_043A71_fb/RESULT';

/** A discovery config for Topic `plug` with MAC 24:62:AB:04:3A:71. */
const DISCOVERY = [
  'tasmota/discovery/2462AB043A71/config',
  JSON.stringify({ t: 'plug', mac: '2462AB043A71', ft: '%prefix%/%topic%/', rl: [1] }),
] as const;

const STATUS5 =
  '{"StatusNET":{"Hostname":"plug-1","IPAddress":"10.0.0.5","Mac":"24:62:AB:04:3A:71"}}';

describe('replies on the fallback topic', () => {
  it('from a device the driver does not know yet: ignored, never a new device', () => {
    const { decode } = driver();
    expect(decode(REPLY, '{"POWER":"ON"}')).toEqual([]);
    expect(decode('stat/DVES_043A71_fb/POWER', 'ON')).toEqual([]);
    expect(decode('stat/DVES_043A71_fb/STATUS5', STATUS5)).toEqual([]);
    expect(decode('tele/DVES_043A71_fb/STATE', '{"POWER":"ON"}')).toEqual([]);
    expect(decode('stat/DVES_043a71_fb/RESULT', '{"POWER":"ON"}')).toEqual([]);
  });

  it('once discovery told the MAC: the reply is the real device’s', () => {
    const { decode } = driver();
    decode(...DISCOVERY);
    expect(decode(REPLY, '{"POWER":"OFF"}')).toEqual([seen('plug'), state('plug', 1, false)]);
    expect(decode('stat/DVES_043A71_fb/POWER', 'ON')).toEqual([
      seen('plug'),
      state('plug', 1, true),
    ]);
    // Lower-case hex digits are the same device.
    expect(ofKind(decode('stat/DVES_043a71_fb/RESULT', '{"POWER":"ON"}'), 'state')).toEqual([
      state('plug', 1, true),
    ]);
    // Another MAC's fallback topic is still nobody's.
    expect(decode('stat/DVES_FFFFFF_fb/RESULT', '{"POWER":"ON"}')).toEqual([]);
  });

  it('once STATUS5 told the MAC', () => {
    const { decode } = driver();
    decode('stat/plug/STATUS5', STATUS5);
    expect(decode(REPLY, '{"POWER":"ON"}')).toEqual([seen('plug'), state('plug', 1, true)]);
  });

  it('a custom MqttClient, learned from INFO1 FallbackTopic', () => {
    const { decode } = driver();
    // Until then it cannot be told from a Topic that ends in _fb.
    expect(decode('stat/kitchen-client_fb/RESULT', '{"POWER":"ON"}')[0]).toEqual(
      seen('kitchen-client_fb'),
    );
    decode(
      'tele/plug/INFO1',
      '{"Info1":{"Module":"Sonoff Basic","Version":"13.1.0(tasmota)",' +
        '"FallbackTopic":"cmnd/kitchen-client_fb/","GroupTopic":"cmnd/tasmotas/"}}',
    );
    expect(decode('stat/kitchen-client_fb/RESULT', '{"POWER":"ON"}')).toEqual([
      seen('plug'),
      state('plug', 1, true),
    ]);
  });

  it('the default MqttClient, learned from INFO1 before any MAC is known', () => {
    const { decode } = driver();
    decode(
      'tele/plug/INFO1',
      '{"Info1":{"Module":"Sonoff Basic","FallbackTopic":"cmnd/DVES_043A71_fb/"}}',
    );
    expect(ofKind(decode(REPLY, '{"POWER":"ON"}'), 'state')).toEqual([state('plug', 1, true)]);
  });

  it('a custom MqttClient, learned from STATUS6', () => {
    const { decode } = driver();
    const events = decode(
      'stat/plug/STATUS6',
      '{"StatusMQT":{"MqttHost":"10.0.0.1","MqttPort":1883,"MqttClientMask":"garage-%06X",' +
        '"MqttClient":"garage-043A71","MqttUser":"DVES_USER","MqttCount":1}}',
    );
    expect(events).toEqual([seen('plug')]);
    expect(decode('stat/garage-043A71_fb/RESULT', '{"POWER2":"ON"}')).toEqual([
      seen('plug'),
      state('plug', 2, true),
    ]);
  });

  it('a device renamed (same MAC) takes its fallback topic along', () => {
    const { decode } = driver();
    decode(...DISCOVERY);
    decode(DISCOVERY[0], DISCOVERY[1].replace('"t":"plug"', '"t":"lamp"'));
    expect(ofKind(decode(REPLY, '{"POWER":"ON"}'), 'state')).toEqual([state('lamp', 1, true)]);
  });

  it('a custom fallback id follows a rename too', () => {
    const { decode } = driver();
    decode(...DISCOVERY);
    decode('tele/plug/INFO1', '{"Info1":{"FallbackTopic":"cmnd/garage_fb/"}}');
    decode(DISCOVERY[0], DISCOVERY[1].replace('"t":"plug"', '"t":"lamp"'));
    expect(ofKind(decode('stat/garage_fb/RESULT', '{"POWER":"ON"}'), 'state')).toEqual([
      state('lamp', 1, true),
    ]);
  });

  it('what one driver learned is not another’s', () => {
    const a = driver();
    const b = driver();
    a.decode(...DISCOVERY);
    expect(b.decode(REPLY, '{"POWER":"ON"}')).toEqual([]);
  });

  it('a Topic that merely ends in _fb is still a device', () => {
    const { decode } = driver();
    expect(decode('stat/garden_fb/POWER', 'ON')).toEqual([
      seen('garden_fb'),
      state('garden_fb', 1, true),
    ]);
    expect(decode('stat/_fb/POWER', 'ON')[0]).toEqual(seen('_fb'));
  });

  it('a FallbackTopic of another form teaches nothing', () => {
    const { decode } = driver();
    decode(
      'tele/plug/INFO1',
      '{"Module":"Sonoff Pow","Version":"6.3.0","FallbackTopic":"DVES_043A71"}',
    );
    decode('tele/plug/INFO1', '{"Info1":{"FallbackTopic":"cmnd/_fb/"}}');
    expect(decode(REPLY, '{"POWER":"ON"}')).toEqual([]);
    expect(decode('stat/_fb/RESULT', '{"POWER":"ON"}')[0]).toEqual(seen('_fb'));
  });
});

import { describe, expect, it } from 'vitest';
import { planProvisioning, type ProvisionSettings } from '../../src/provision/moko/validate.js';

const good: ProvisionSettings = {
  plug: '192.168.4.1:8266',
  mqttUrl: 'mqtt://DVES_USER:DVES_PASS@45.32.33.42:1883',
  keepalive: 120,
  qos: 2,
  cleanSession: true,
  wifiSsid: 'Fitpolo',
  wifiPassword: 'fitpolo1234.',
  wifiSecurity: 3,
};

describe('provision moko: what is sent, checked before anything is', () => {
  it('builds the spec examples of 4001, 4002 and 4003 exactly (§2.1-2.3)', () => {
    const plan = planProvisioning(good);
    expect(plan.plugHost).toBe('192.168.4.1');
    expect(plan.plugPort).toBe(8266);
    expect(JSON.stringify(plan.requests.info)).toBe('{"header":4001}');
    expect(JSON.stringify(plan.requests.mqtt)).toBe(
      '{"header":4002,"host":"45.32.33.42","port":1883,"connect_mode":0,"username":"DVES_USER",' +
        '"password":"DVES_PASS","keepalive":120,"qos":2,"clean_session":1}',
    );
    expect(JSON.stringify(plan.requests.wifi)).toBe(
      '{"header":4003,"wifi_ssid":"Fitpolo","wifi_pwd":"fitpolo1234.","wifi_security":3}',
    );
  });

  it('mqtts is connect_mode 1 on 8883 by default; %-escaped credentials are sent as meant', () => {
    const plan = planProvisioning({ ...good, mqttUrl: 'mqtts://us%40r:p%3Ass@broker.example.com' });
    expect(plan.requests.mqtt).toMatchObject({
      host: 'broker.example.com',
      port: 8883,
      connect_mode: 1,
      username: 'us@r',
      password: 'p:ss',
    });
  });

  it.each([
    [{ plug: '192.168.4.1' }, /--plug must be HOST:PORT/],
    [{ mqttUrl: 'ws://u:p@h:1' }, /mqtt:\/\/ \(TCP\) or mqtts:\/\/ \(SSL\)/],
    [{ mqttUrl: 'not a url' }, /--mqtt-url is not a URL/],
    [
      { mqttUrl: `mqtt://u:p@${'h'.repeat(65)}:1883` },
      /MQTT host in --mqtt-url must be 1 to 64 bytes, got 65/,
    ],
    [{ mqttUrl: 'mqtt://h:1883' }, /needs a user and password/],
    [{ mqttUrl: 'mqtt://u@h:1883' }, /needs a password/],
    [
      { mqttUrl: `mqtt://${'u'.repeat(33)}:p@h:1883` },
      /MQTT user name in --mqtt-url must be 1 to 32 bytes, got 33/,
    ],
    [{ keepalive: 59 }, /--keepalive \(seconds\) must be a whole number from 60 to 120, got 59/],
    [{ keepalive: 121 }, /got 121/],
    [{ qos: 3 }, /--qos must be a whole number from 0 to 2, got 3/],
    [{ wifiSsid: '' }, /--wifi-ssid must not be empty/],
    [{ wifiSsid: 'x'.repeat(33) }, /--wifi-ssid must be 1 to 32 bytes/],
    [{ wifiSecurity: 5 }, /--wifi-security .* must be a whole number from 0 to 4, got 5/],
    [{ wifiPassword: '' }, /--wifi-password is needed for --wifi-security 3 \(WPA2_PSK\)/],
    [{ clientId: 'c'.repeat(33) }, /--client-id must be at most 32 bytes/],
  ] as [Partial<ProvisionSettings>, RegExp][])('refuses %o', (bad, why) => {
    expect(() => planProvisioning({ ...good, ...bad })).toThrow(why);
  });

  it('never repeats a password in its complaint', () => {
    const secret = 'S'.repeat(40);
    expect(() => planProvisioning({ ...good, mqttUrl: `mqtt://u:${secret}@h:1883` })).toThrow(
      /MQTT password in --mqtt-url must be 1 to 32 bytes, got 40$/,
    );
  });

  it('an open network needs no password', () => {
    expect(planProvisioning({ ...good, wifiSecurity: 0, wifiPassword: '' }).requests.wifi).toEqual({
      header: 4003,
      wifi_ssid: 'Fitpolo',
      wifi_pwd: '',
      wifi_security: 0,
    });
  });
});

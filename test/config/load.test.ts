import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveConfig } from '../../src/config/load.js';

const none = { env: {}, flags: {} };

describe('configuration', () => {
  it('has embedded defaults that run with nothing given', () => {
    const r = resolveConfig(none);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.mqtt).toMatchObject({ host: '127.0.0.1', port: 1883, baseTopic: 'wattbridge' });
    expect(r.config.mqtt.url).toBeUndefined();
    expect(r.config.http.port).toBe(8080);
    expect(r.config.dataDir).toBe('./wattbridge-data');
    expect(r.config.commandTimeoutMs).toBe(5000);
    expect(r.config.demo).toBe(false);
  });

  it('lets flags override the environment, which overrides the file', () => {
    const file = { mqtt: { port: 1900, host: '0.0.0.0' }, http: { port: 9000 }, logLevel: 'debug' };
    const r = resolveConfig({
      file,
      env: { WATTBRIDGE_MQTT_PORT: '2000', WATTBRIDGE_HTTP_PORT: '9100' },
      flags: { 'mqtt-port': '3000' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.mqtt.port).toBe(3000); // flag beats env and file
    expect(r.config.http.port).toBe(9100); // env beats file
    expect(r.config.mqtt.host).toBe('0.0.0.0'); // file beats default
    expect(r.config.logLevel).toBe('debug');
  });

  it('reads booleans and camelCase keys from flags and variables', () => {
    const r = resolveConfig({
      env: { WATTBRIDGE_DEMO: 'true', WATTBRIDGE_MQTT_BASE_TOPIC: 'site1' },
      flags: { 'command-timeout': '2500' },
    });
    expect(r.ok && r.config.demo).toBe(true);
    expect(r.ok && r.config.mqtt.baseTopic).toBe('site1');
    expect(r.ok && r.config.commandTimeoutMs).toBe(2500);
  });

  it('lists every problem with its path, its source and the allowed values', () => {
    const r = resolveConfig({
      file: { http: { port: 'eighty' }, logLevel: 'loud', mqtt: { colour: 'blue' } },
      fileName: 'site.yaml',
      env: { WATTBRIDGE_MQTT_URL: 'http://example.invalid' },
      flags: { 'mqtt-port': '70000' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.problems.join('\n');
    expect(r.problems).toHaveLength(5);
    expect(text).toMatch(/http\.port: .*"eighty".*site\.yaml.*allowed: an integer/);
    expect(text).toMatch(
      /logLevel: .*"loud".*allowed: one of fatal, error, warn, info, debug, trace, silent/,
    );
    expect(text).toMatch(/mqtt\.colour: unknown setting in site\.yaml/);
    expect(text).toMatch(
      /mqtt\.url: must be a URL with scheme mqtt, mqtts, ws, wss.*WATTBRIDGE_MQTT_URL/,
    );
    expect(text).toMatch(/mqtt\.port: .*70000.*--mqtt-port/);
  });

  it('names a setting given where a section belongs, and the allowed range', () => {
    const r = resolveConfig({
      env: {},
      flags: {},
      file: { http: 5, store: { batchSize: 0 } },
      fileName: 'f.yaml',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(
      /http: must be a mapping of settings \(http\.host, http\.token, http\.liveBufferKb, http\.port\) in f\.yaml/,
    );
    expect(r.problems.join('\n')).toMatch(
      /store\.batchSize: .*allowed: an integer from 1 to 100000/,
    );
  });

  it('accepts every broker URL scheme the hub can speak', () => {
    for (const url of ['mqtt://h:1883', 'mqtts://u:p@h:8883', 'ws://h/mqtt', 'wss://h/mqtt']) {
      expect(resolveConfig({ env: {}, flags: { 'mqtt-url': url } }).ok).toBe(true);
    }
  });

  it('hides passwords in problems', () => {
    const r = resolveConfig({ env: {}, flags: {}, file: { mqtt: { password: 12345 } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join()).not.toContain('12345');
  });

  it('reports a config file that is not YAML instead of crashing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cfg-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'mqtt: [unclosed\n');
    const r = readConfigFile(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(/bad\.yaml: not valid YAML/);
    const missing = readConfigFile(join(dir, 'nope.yaml'));
    expect(!missing.ok && missing.problem).toMatch(/cannot read config file/);
  });
});

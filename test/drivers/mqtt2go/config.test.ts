import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { createDrivers } from '../../../src/drivers/index.js';

function configFrom(flags: Record<string, string>) {
  const res = resolveConfig({ env: {}, flags });
  if (!res.ok) throw new Error(res.problems.join('\n'));
  return res.config;
}

describe('MQTT2GO options', () => {
  it('defaults: every home and gateway, both layouts, 3 silent periods', () => {
    const cfg = configFrom({});
    expect(cfg.mqtt2go).toEqual({ version: 'auto' });
    expect(cfg.availability.mqtt2goSilencePeriods).toBe(3);
    const drivers = createDrivers(cfg);
    expect(drivers.map((d) => d.name)).toEqual(['tasmota', 'moko', 'mqtt2go', 'senml']);
    expect(drivers.find((d) => d.name === 'mqtt2go')!.subscriptions()).toContain('+/+/+/socket/+');
  });

  it('homes, gateways and version from flags reach the driver', () => {
    const cfg = configFrom({
      'mqtt2go-homes': 'BRQ,OVA',
      'mqtt2go-gateways': 'BUT',
      'mqtt2go-version': '2.1',
      'mqtt2go-silence-periods': '5',
    });
    expect(cfg.availability.mqtt2goSilencePeriods).toBe(5);
    const filters = createDrivers(cfg)
      .find((d) => d.name === 'mqtt2go')!
      .subscriptions();
    expect(filters).toContain('BRQ/BUT/+/switch/out');
    expect(filters).toContain('OVA/BUT/+/consumption/out');
    expect(filters.every((f) => f.startsWith('BRQ/BUT/') || f.startsWith('OVA/BUT/'))).toBe(true);
    expect(filters.some((f) => f.includes('/socket/'))).toBe(false);
  });

  it.each([
    ['mqtt2go-homes', 'BRQ/x', 'mqtt2go.homes: must be topic levels separated by commas'],
    ['mqtt2go-gateways', 'BUT,', 'mqtt2go.gateways: must be topic levels separated by commas'],
    ['mqtt2go-version', '3', 'mqtt2go.version:'],
    ['mqtt2go-silence-periods', '1', 'availability.mqtt2goSilencePeriods:'],
  ])('--%s %s is refused, naming the setting', (flag, value, problem) => {
    const res = resolveConfig({ env: {}, flags: { [flag]: value } });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.problems.join('\n')).toContain(problem);
  });
});

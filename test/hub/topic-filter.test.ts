import { describe, expect, it } from 'vitest';
import { TopicFilter } from '../../src/hub/topic-filter.js';

describe('TopicFilter', () => {
  const cases: [string, string, boolean][] = [
    ['tele/+/SENSOR', 'tele/kitchen/SENSOR', true],
    ['tele/+/SENSOR', 'tele/kitchen/STATE', false],
    ['tele/+/SENSOR', 'tele/a/b/SENSOR', false],
    ['tele/+/SENSOR', 'tele/kitchen/SENSOR/x', false],
    ['stat/+/+', 'stat/plug/POWER2', true],
    ['stat/+/+', 'stat/plug', false],
    ['tasmota/discovery/+/config', 'tasmota/discovery/AABBCCDDEEFF/config', true],
    ['kitchen/#', 'kitchen/tele/STATE', true],
    ['kitchen/#', 'kitchen', true],
    ['#', '$SYS/broker', false],
    ['+/x', '$SYS/x', false],
    ['a/+', 'a/', true],
    ['a/b', 'a/bc', false],
  ];
  it.each(cases)('%s vs %s -> %s', (filter, topic, want) => {
    expect(new TopicFilter(filter).matches(topic)).toBe(want);
  });
});

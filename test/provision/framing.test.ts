import { describe, expect, it } from 'vitest';
import { JsonObjectSplitter, MAX_OBJECT_CHARS } from '../../src/provision/moko/framing.js';

const objects = (s: JsonObjectSplitter, ...chunks: (string | Buffer)[]) =>
  chunks.flatMap((c) => s.push(typeof c === 'string' ? Buffer.from(c) : c));

describe('Moko AP socket framing: objects by brace balance', () => {
  it('cuts back-to-back objects, ignoring NUL padding and whitespace between them', () => {
    const s = new JsonObjectSplitter();
    expect(objects(s, '{"a":1}\u0000\u0000{"b":{"c":[1,{"d":2}]}}\r\n')).toEqual([
      { kind: 'object', text: '{"a":1}' },
      { kind: 'object', text: '{"b":{"c":[1,{"d":2}]}}' },
    ]);
  });

  it('braces and quotes inside strings do not count', () => {
    const s = new JsonObjectSplitter();
    const text = '{"wifi_ssid":"a}b{\\"c\\\\","x":"}"}';
    expect(objects(s, text)).toEqual([{ kind: 'object', text }]);
    expect(JSON.parse(text)).toEqual({ wifi_ssid: 'a}b{"c\\', x: '}' });
  });

  it('an object split over reads (even inside a UTF-8 character) comes out whole, once', () => {
    const s = new JsonObjectSplitter();
    const bytes = Buffer.from('{"wifi_ssid":"Café ☕"}');
    const cut = bytes.indexOf(0xe2) + 1; // inside ☕
    expect(objects(s, bytes.subarray(0, cut))).toEqual([]);
    expect(s.partial).toBe(true);
    expect(objects(s, bytes.subarray(cut))).toEqual([
      { kind: 'object', text: '{"wifi_ssid":"Café ☕"}' },
    ]);
    expect(s.partial).toBe(false);
  });

  it('text outside any object is garbage; an endless object is garbage, not a memory leak', () => {
    const s = new JsonObjectSplitter();
    expect(objects(s, 'ERROR busy {"code":0}')).toEqual([
      { kind: 'garbage', text: 'ERROR busy' },
      { kind: 'object', text: '{"code":0}' },
    ]);
    const long = objects(s, '{"x":"' + 'y'.repeat(MAX_OBJECT_CHARS));
    expect(long.length).toBeGreaterThan(0);
    expect(long.every((p) => p.kind === 'garbage')).toBe(true);
    expect(s.partial).toBe(false);
    expect(objects(s, '{}')).toEqual([{ kind: 'object', text: '{}' }]);
  });
});

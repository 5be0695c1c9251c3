import { describe, expect, it } from 'vitest';
import {
  coarsestFor,
  HOUR_MS as H,
  MINUTE_MS as M,
  planSegments,
} from '../../src/store/query/plan.js';
import { prng } from '../dsmr/fixtures.js';

const T = 1_767_225_600_000; // an hour start

describe('planSegments: which level answers which part of a range', () => {
  it('uses hours for whole hours, minutes for whole minutes, raw points for the ragged ends', () => {
    expect(planSegments(T + 30_500, T + 3 * H + 2 * M + 10)).toEqual([
      { level: 'raw', from: T + 30_500, to: T + M },
      { level: 'minute', from: T + M, to: T + H },
      { level: 'hour', from: T + H, to: T + 3 * H },
      { level: 'minute', from: T + 3 * H, to: T + 3 * H + 2 * M },
      { level: 'raw', from: T + 3 * H + 2 * M, to: T + 3 * H + 2 * M + 10 },
    ]);
    expect(planSegments(T, T + 2 * H)).toEqual([{ level: 'hour', from: T, to: T + 2 * H }]);
    expect(planSegments(T + M, T + 5 * M)).toEqual([
      { level: 'minute', from: T + M, to: T + 5 * M },
    ]);
    expect(planSegments(T + 5, T + M - 5)).toEqual([{ level: 'raw', from: T + 5, to: T + M - 5 }]);
    expect(planSegments(T + 59 * M + 1, T + H + 1)).toEqual([
      { level: 'raw', from: T + 59 * M + 1, to: T + H + 1 },
    ]);
    expect(planSegments(T, T)).toEqual([]);
  });

  it('caps the level for intervals that hours or minutes would straddle', () => {
    expect(planSegments(T, T + 2 * H, 'minute')).toEqual([
      { level: 'minute', from: T, to: T + 2 * H },
    ]);
    expect(planSegments(T, T + 2 * H, 'raw')).toEqual([{ level: 'raw', from: T, to: T + 2 * H }]);
    expect(coarsestFor(undefined)).toBe('hour');
    expect(coarsestFor(24 * H)).toBe('hour');
    expect(coarsestFor(15 * M)).toBe('minute');
    expect(coarsestFor(90_000)).toBe('raw');
  });

  it('covers any range exactly, in order, with rollup spans on bucket edges', () => {
    const rand = prng(3);
    for (let i = 0; i < 2000; i++) {
      const from = T + Math.floor(rand() * 5 * H) - 2 * H;
      const to = from + Math.floor(rand() * (rand() < 0.5 ? 2 * M : 10 * H));
      const segs = planSegments(from, to);
      let at = from;
      for (const s of segs) {
        expect(s.from).toBe(at);
        expect(s.to).toBeGreaterThan(s.from);
        const width = s.level === 'hour' ? H : s.level === 'minute' ? M : 1;
        expect(s.from % width).toBe(0);
        expect(s.to % width).toBe(0);
        at = s.to;
      }
      expect(at).toBe(from < to ? to : from);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { smooth } from './smoothing.js';

describe('smooth', () => {
  const xs = [0, 1, 2, 3, 4];
  const ys = [0, 10, 0, 10, 0];

  it('returns the input for none or weight 0', () => {
    expect(Array.from(smooth(xs, ys, 'none', 0.9))).toEqual(ys);
    expect(Array.from(smooth(xs, ys, 'ema', 0))).toEqual(ys);
  });
  it('ema is bias-corrected: the first point is the first value, the curve stays inside the data range', () => {
    const out = smooth(xs, ys, 'ema', 0.6);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(10 / 1.6);
    for (const v of out) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(10);
    }
  });
  it('twema equals ema on evenly spaced x and does not depend on point density', () => {
    expect(Array.from(smooth(xs, ys, 'twema', 0.6))).toEqual(Array.from(smooth(xs, ys, 'ema', 0.6)));
    const constant = smooth([0, 1, 5, 6, 100], [3, 3, 3, 3, 3], 'twema', 0.9);
    for (const v of constant) expect(v).toBeCloseTo(3);
  });
  it('running average and gaussian flatten an alternating series', () => {
    const long = Array.from({ length: 100 }, (_, i) => (i % 2) * 10);
    const xsLong = long.map((_, i) => i);
    const r = smooth(xsLong, long, 'running', 0.5);
    expect(r[99]).toBeGreaterThan(4);
    expect(r[99]).toBeLessThan(6);
    const g = smooth(xsLong, long, 'gaussian', 0.5);
    expect(g[50]).toBeCloseTo(5, 0);
  });
  it('passes NaN through without polluting later points', () => {
    const out = smooth([0, 1, 2], [1, Number.NaN, 1], 'ema', 0.5);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(1);
  });
});

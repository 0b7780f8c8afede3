import { describe, expect, it } from 'vitest';
import { pointsForWidth } from './sampled-history.js';

describe('pointsForWidth', () => {
  it('asks about two points per pixel for a few runs, within the endpoint bounds', () => {
    expect(pointsForWidth(600)).toBe(1200);
    expect(pointsForWidth(600, 10)).toBe(1200);
    expect(pointsForWidth(5000)).toBe(2500);
    expect(pointsForWidth(10)).toBe(50);
  });

  it('shares a budget of points among many overlaid runs', () => {
    expect(pointsForWidth(1200, 1000)).toBe(200);
    expect(pointsForWidth(1200, 100)).toBe(2000);
    expect(pointsForWidth(1200, 100_000)).toBe(50);
  });
});

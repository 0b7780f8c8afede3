/**
 * Grouping of charted runs (Aim's three groupings): by any param or tag into colour, dash and subplot,
 * and the aggregate of a group's curves: the mean line with a min–max or ±1 std band. Pure functions
 * over sampled series; the chart draws what they return.
 */
import { unionOf } from './align.js';

export type BandKind = 'minmax' | 'std' | 'none';

export interface GroupSettings {
  /** Column ids (`params.<key>`, `tags.<key>`) or '' for no grouping. */
  color: string;
  dash: string;
  facet: string;
  /** Draw each group's mean (with `band`) instead of every run. */
  mean: boolean;
  band: BandKind;
}

/** Group settings live in the URL: `groupColor`, `groupDash`, `groupFacet`, `groupMean`, `groupBand`. */
export function groupSettings(query: URLSearchParams): GroupSettings {
  const band = query.get('groupBand');
  return {
    color: query.get('groupColor') ?? '',
    dash: query.get('groupDash') ?? '',
    facet: query.get('groupFacet') ?? '',
    mean: query.get('groupMean') === 'true',
    band: band === 'std' || band === 'none' ? band : 'minmax',
  };
}

const DASHES: number[][] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 6]];

/** The stroke dash of the i-th dash group (solid first). */
export function dashPattern(i: number): number[] {
  return DASHES[i % DASHES.length] ?? [];
}

/** Distinct values in first-seen order, each with its index: stable colours and dashes per group. */
export function groupIndex(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) if (!out.has(v)) out.set(v, out.size);
  return out;
}

export interface GroupAggregate {
  x: Float64Array;
  mean: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * The mean of several series at each x any of them has (series are the server's samples, taken at
 * the same steps within a request), and the band: min–max, or mean ± population std. NaN and ±Infinity
 * values are left out of a point's statistics; a point no series has a finite value at is NaN.
 */
export function aggregateSeries(
  xs: readonly Float64Array[],
  ys: readonly Float64Array[],
  band: BandKind,
): GroupAggregate {
  const unique = unionOf(xs);
  const at = new Map<number, number>();
  unique.forEach((v, i) => at.set(v, i));
  const n = unique.length;
  const count = new Float64Array(n);
  const sum = new Float64Array(n);
  const sq = new Float64Array(n);
  const min = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const max = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  xs.forEach((x, s) => {
    const y = ys[s]!;
    for (let i = 0; i < x.length; i++) {
      const v = y[i]!;
      if (!Number.isFinite(v)) continue;
      const j = at.get(x[i]!)!;
      count[j]! += 1;
      sum[j]! += v;
      sq[j]! += v * v;
      if (v < min[j]!) min[j] = v;
      if (v > max[j]!) max[j] = v;
    }
  });
  const out: GroupAggregate = {
    x: Float64Array.from(unique),
    mean: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
  };
  for (let j = 0; j < n; j++) {
    const c = count[j]!;
    const mean = c > 0 ? sum[j]! / c : Number.NaN;
    out.mean[j] = mean;
    if (band === 'minmax') {
      out.lower[j] = c > 0 ? min[j]! : Number.NaN;
      out.upper[j] = c > 0 ? max[j]! : Number.NaN;
    } else if (band === 'std') {
      const sd = c > 0 ? Math.sqrt(Math.max(0, sq[j]! / c - mean * mean)) : Number.NaN;
      out.lower[j] = mean - sd;
      out.upper[j] = mean + sd;
    } else {
      out.lower[j] = Number.NaN;
      out.upper[j] = Number.NaN;
    }
  }
  return out;
}

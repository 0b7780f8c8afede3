/**
 * uPlot wants one shared, ascending x array with a y array per series (null where a series has no
 * point). Merges the series' x values (a k-way merge of sorted arrays) and places each y.
 */
export function alignSeries(xs: ArrayLike<number>[], ys: ArrayLike<number>[]): [number[], ...(number | null)[][]] {
  const shared = unionOf(xs);
  const index = new Map<number, number>();
  shared.forEach((v, i) => index.set(v, i));
  const out: (number | null)[][] = ys.map((y, s) => {
    const col: (number | null)[] = new Array(shared.length).fill(null);
    const x = xs[s];
    if (!x) return col;
    for (let i = 0; i < y.length; i++) {
      const at = index.get(Number(x[i]));
      const v = Number(y[i]);
      if (at !== undefined) col[at] = Number.isFinite(v) ? v : null;
    }
    return col;
  });
  return [shared, ...out];
}

/** Every x value of the series, ascending, once each. */
export function unionOf(xs: readonly ArrayLike<number>[]): number[] {
  let total = 0;
  for (const x of xs) total += x.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const x of xs) for (let i = 0; i < x.length; i++) all[k++] = Number(x[i]);
  all.sort();
  const shared: number[] = [];
  for (const v of all) if (shared.length === 0 || shared[shared.length - 1] !== v) shared.push(v);
  return shared;
}

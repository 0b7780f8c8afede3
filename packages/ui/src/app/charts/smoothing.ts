/**
 * Line smoothing over a sampled series (x ascending), computed on the client:
 * - `twema`: W&B's time-weighted EMA. The decay is scaled by each step's Δx relative to the mean Δx,
 *   so the curve looks the same at any point density, with EMA's start-up bias corrected.
 * - `ema`: classic exponential moving average with bias correction.
 * - `running`: trailing running average over a window.
 * - `gaussian`: Gaussian kernel over x, sigma a fraction of the x range.
 * `weight` is in [0, 1): 0 returns the input. Non-finite values pass through and do not pollute.
 */
export type SmoothingKind = 'none' | 'twema' | 'ema' | 'running' | 'gaussian';

export function smooth(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  kind: SmoothingKind,
  weight: number,
): Float64Array {
  const n = ys.length;
  const out = new Float64Array(n);
  if (kind === 'none' || weight <= 0 || n === 0) {
    for (let i = 0; i < n; i++) out[i] = ys[i] ?? Number.NaN;
    return out;
  }
  const w = Math.min(weight, 0.999);
  if (kind === 'ema' || kind === 'twema') {
    const span = n > 1 ? (Number(xs[n - 1]) - Number(xs[0])) / (n - 1) : 1;
    let acc = 0;
    let norm = 0;
    let lastX = Number(xs[0]);
    for (let i = 0; i < n; i++) {
      const y = Number(ys[i]);
      const x = Number(xs[i]);
      if (!Number.isFinite(y)) {
        out[i] = y;
        continue;
      }
      const decay = kind === 'twema' && span > 0 ? w ** ((x - lastX) / span) : w;
      acc = acc * decay + y;
      norm = norm * decay + 1;
      lastX = x;
      out[i] = acc / norm;
    }
    return out;
  }
  if (kind === 'running') {
    const win = Math.max(1, Math.round(1 + w * Math.min(n, 200)));
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const y = Number(ys[i]);
      if (Number.isFinite(y)) {
        sum += y;
        count++;
      }
      const j = i - win;
      if (j >= 0) {
        const old = Number(ys[j]);
        if (Number.isFinite(old)) {
          sum -= old;
          count--;
        }
      }
      out[i] = Number.isFinite(y) && count > 0 ? sum / count : y;
    }
    return out;
  }
  // Gaussian: a window of ±3 sigma around each point (linear in n for a bounded window).
  const range = n > 1 ? Number(xs[n - 1]) - Number(xs[0]) : 1;
  const sigma = Math.max(range * w * 0.05, Number.MIN_VALUE);
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const x = Number(xs[i]);
    const y = Number(ys[i]);
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    while (lo < n && Number(xs[lo]) < x - 3 * sigma) lo++;
    if (hi < i) hi = i;
    while (hi + 1 < n && Number(xs[hi + 1]) <= x + 3 * sigma) hi++;
    let s = 0;
    let ws = 0;
    for (let j = lo; j <= hi; j++) {
      const yj = Number(ys[j]);
      if (!Number.isFinite(yj)) continue;
      const d = (Number(xs[j]) - x) / sigma;
      const k = Math.exp(-0.5 * d * d);
      s += k * yj;
      ws += k;
    }
    out[i] = ws > 0 ? s / ws : y;
  }
  return out;
}

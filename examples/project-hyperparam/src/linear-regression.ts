/** A tiny linear regression trained by full-batch gradient descent on seeded synthetic data. */

export interface Dataset {
  x: number[][];
  y: number[];
}

/** mulberry32: a small deterministic PRNG, so a run with the same seed reproduces exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** y = 3·x0 − 2·x1 + 0.5·x2 + 1 + noise. */
export function makeDataset(samples: number, seed: number): Dataset {
  const next = rng(seed);
  const trueW = [3, -2, 0.5];
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < samples; i++) {
    const row = trueW.map(() => next() * 2 - 1);
    x.push(row);
    y.push(row.reduce((s, v, j) => s + v * (trueW[j] ?? 0), 1) + (next() - 0.5) * 0.1);
  }
  return { x, y };
}

export interface TrainResult {
  weights: number[];
  bias: number;
  /** Mean squared error after each epoch. */
  losses: number[];
}

function mse(data: Dataset, w: number[], b: number): number {
  let sum = 0;
  data.x.forEach((row, i) => {
    const err = row.reduce((s, v, j) => s + v * (w[j] ?? 0), b) - (data.y[i] ?? 0);
    sum += err * err;
  });
  return sum / data.y.length;
}

export function train(data: Dataset, learningRate: number, epochs: number): TrainResult {
  const features = data.x[0]?.length ?? 0;
  const w = new Array<number>(features).fill(0);
  let b = 0;
  const losses: number[] = [];
  const n = data.y.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gw = new Array<number>(features).fill(0);
    let gb = 0;
    data.x.forEach((row, i) => {
      const err = row.reduce((s, v, j) => s + v * (w[j] ?? 0), b) - (data.y[i] ?? 0);
      row.forEach((v, j) => {
        gw[j] = (gw[j] ?? 0) + (2 * err * v) / n;
      });
      gb += (2 * err) / n;
    });
    for (let j = 0; j < features; j++) w[j] = (w[j] ?? 0) - learningRate * (gw[j] ?? 0);
    b -= learningRate * gb;
    losses.push(mse(data, w, b));
  }
  return { weights: w, bias: b, losses };
}

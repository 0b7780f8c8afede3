import { describe, expect, it } from 'vitest';
import { isFloatList, markFloatList, toPythonJson } from '@mlflow-ts/format';
import type { EnforcedInput } from '@mlflow-ts/format';
import { createDynamicBatcher } from './dynamic-batcher.js';

const rowsOf = (values: number[][]): EnforcedInput => ({
  kind: 'tensor',
  tensor: { dtype: 'float32', shape: [values.length, values[0]!.length], data: Float32Array.from(values.flat()) },
});

// A "model" that doubles each row's sum; records every call it receives.
function fakeModel() {
  const calls: number[] = [];
  const run = async (input: EnforcedInput) => {
    if (input.kind !== 'tensor') throw new Error('tensor expected');
    const [n, d] = input.tensor.shape as [number, number];
    calls.push(n);
    await new Promise((r) => setTimeout(r, 5));
    const data = input.tensor.data as Float32Array;
    if (data.some((v) => v < 0)) throw new Error('negative input');
    return Array.from({ length: n }, (_, r) => 2 * data.slice(r * d, r * d + d).reduce((a, b) => a + b, 0));
  };
  return { calls, run };
}

describe('createDynamicBatcher', () => {
  it('merges concurrent requests into one call and splits the answers back', async () => {
    const m = fakeModel();
    const batches: [number, number][] = [];
    const b = createDynamicBatcher(m.run, {
      maxBatchSize: 64,
      maxBatchDelayMs: 5,
      onBatch: (r, n) => batches.push([r, n]),
    });
    const inputs = [
      [[1, 2]],
      [
        [3, 4],
        [5, 6],
      ],
      [[7, 8]],
    ];
    const answers = await Promise.all(inputs.map((rows) => b.submit(rowsOf(rows))));
    expect(answers).toEqual([[6], [14, 22], [30]]);
    expect(m.calls).toEqual([4]);
    expect(batches).toEqual([[4, 3]]);
  });

  it("keeps a float output's marker on each request's share, so batched answers are written like unbatched ones", async () => {
    const m = fakeModel();
    const floats = async (input: EnforcedInput) => ({ y: markFloatList(await m.run(input)) });
    const b = createDynamicBatcher(floats, { maxBatchSize: 64, maxBatchDelayMs: 5 });
    const answers = await Promise.all(
      [
        [[1, 1]],
        [
          [2, 2],
          [3, 3],
        ],
      ].map((rows) => b.submit(rowsOf(rows))),
    );
    expect(m.calls).toEqual([3]);
    expect(answers.map((a) => toPythonJson(a))).toEqual(['{"y": [4.0]}', '{"y": [8.0, 12.0]}']);
    expect(answers.every((a) => isFloatList((a as { y: number[] }).y))).toBe(true);
  });

  it('respects maxBatchSize and keeps different feature shapes apart', async () => {
    const m = fakeModel();
    const b = createDynamicBatcher(m.run, { maxBatchSize: 2, maxBatchDelayMs: 5 });
    const answers = await Promise.all([
      b.submit(rowsOf([[1, 1]])),
      b.submit(rowsOf([[2, 2]])),
      b.submit(rowsOf([[3, 3]])),
      b.submit(rowsOf([[1, 1, 1]])),
    ]);
    expect(answers).toEqual([[4], [8], [12], [6]]);
    expect(Math.max(...m.calls)).toBeLessThanOrEqual(2);
    expect(m.calls.reduce((a, c) => a + c, 0)).toBe(4);
  });

  it('a failing request fails alone', async () => {
    const m = fakeModel();
    const b = createDynamicBatcher(m.run, { maxBatchSize: 64, maxBatchDelayMs: 5 });
    const results = await Promise.allSettled([
      b.submit(rowsOf([[1, 1]])),
      b.submit(rowsOf([[-1, 1]])),
      b.submit(rowsOf([[2, 2]])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<unknown>).value).toEqual([8]);
    await b.drain();
  });

  it('splits map-shaped predictions per output', async () => {
    const b = createDynamicBatcher(
      async (input) => {
        const n = (input as { tensor: { shape: number[] } }).tensor.shape[0]!;
        return { a: Array.from({ length: n }, (_, i) => i), b: Array.from({ length: n }, (_, i) => 10 - i) };
      },
      { maxBatchSize: 8, maxBatchDelayMs: 5 },
    );
    const [x, y] = await Promise.all([b.submit(rowsOf([[0]])), b.submit(rowsOf([[0], [0]]))]);
    expect(x).toEqual({ a: [0], b: [10] });
    expect(y).toEqual({ a: [1, 2], b: [9, 8] });
  });
});

describe('createDynamicBatcher scheduling', () => {
  it('runs a lone request on an idle model without waiting for the batch delay', async () => {
    const m = fakeModel();
    // A delay far beyond the test timeout: waiting it out fails the test instead of timing it.
    const b = createDynamicBatcher(m.run, { maxBatchSize: 64, maxBatchDelayMs: 3_600_000 });
    expect(await b.submit(rowsOf([[1, 2]]))).toEqual([6]);
  });

  it('waits for requests on their way, up to the delay, and goes once they are all in', async () => {
    const m = fakeModel();
    let onTheWay = 2;
    const b = createDynamicBatcher(m.run, { maxBatchSize: 64, maxBatchDelayMs: 5_000, arriving: () => onTheWay });
    const first = b.submit(rowsOf([[1, 1]]));
    await new Promise((r) => setTimeout(r, 30));
    expect(m.calls).toEqual([]); // still waiting for the two on their way
    onTheWay = 1;
    const second = b.submit(rowsOf([[2, 2]]));
    onTheWay = 0;
    const third = b.submit(rowsOf([[3, 3]]));
    expect(await Promise.all([first, second, third])).toEqual([[4], [8], [12]]);
    expect(m.calls).toEqual([3]);

    const capped = createDynamicBatcher(m.run, { maxBatchSize: 64, maxBatchDelayMs: 20, arriving: () => 1 });
    const t = performance.now();
    expect(await capped.submit(rowsOf([[1, 0]]))).toEqual([2]);
    expect(performance.now() - t).toBeGreaterThanOrEqual(15);
  });

  it('sends what queued during a model call as the next batch as soon as the call completes', async () => {
    const m = fakeModel();
    const b = createDynamicBatcher(m.run, { maxBatchSize: 64, maxBatchDelayMs: 5_000 });
    const first = b.submit(rowsOf([[1, 1]]));
    await new Promise((r) => setImmediate(r)); // the first call has started
    const rest = [b.submit(rowsOf([[2, 2]])), b.submit(rowsOf([[3, 3]])), b.submit(rowsOf([[4, 4]]))];
    expect(await Promise.all([first, ...rest])).toEqual([[4], [8], [12], [16]]);
    expect(m.calls).toEqual([1, 3]);
  });
});

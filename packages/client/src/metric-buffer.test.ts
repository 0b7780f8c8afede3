import { describe, expect, it } from 'vitest';
import type { Metric } from '@mlflow-ts/format';
import { MetricBuffer } from './metric-buffer.js';

const m = (i: number): Metric => ({ key: 'k', value: i, timestamp: i, step: i });

describe('MetricBuffer', () => {
  it('sends full batches of at most 1000, in order, and the rest on flush', async () => {
    const batches: Metric[][] = [];
    const buffer = new MetricBuffer(
      async (ms) => {
        batches.push(ms);
      },
      { flushIntervalMs: 60_000 },
    );
    for (let i = 0; i < 2500; i++) await buffer.add([m(i)]);
    expect(batches.map((b) => b.length)).toEqual([1000, 1000]);
    expect(buffer.pending).toBe(500);
    await buffer.flush();
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat().map((x) => x.value)).toEqual([...Array(2500).keys()]);
  });

  it('flushes on its own after the interval', async () => {
    const sent: Metric[] = [];
    const buffer = new MetricBuffer(
      async (ms) => {
        sent.push(...ms);
      },
      { flushIntervalMs: 10 },
    );
    await buffer.add([m(1), m(2)]);
    expect(sent).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(2);
  });

  it('keeps a background send error and rethrows it on the next call', async () => {
    const buffer = new MetricBuffer(
      async () => {
        throw new Error('store down');
      },
      { flushIntervalMs: 5 },
    );
    await buffer.add([m(1)]);
    await new Promise((r) => setTimeout(r, 30));
    await expect(buffer.add([m(2)])).rejects.toThrow('store down');
    // the rejected call queued nothing, and the error is reported once
    expect(buffer.pending).toBe(0);
    await expect(buffer.add([m(3)])).resolves.toBeUndefined();
    expect(buffer.pending).toBe(1);
  });
});

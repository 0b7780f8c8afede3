import { describe, expect, it } from 'vitest';
import type { Metric } from '../entities.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { seededRandom } from '../testing/seeded-random.js';
import { sampleMetricHistoryBulkInterval, validateMetricHistoryBulkIntervalRequest } from './bulk-interval.js';

const point = (step: number, timestamp = step, value = step): Metric => ({ key: 'loss', value, timestamp, step });
const steps = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => point(from + i));

type Runs = Array<{ run_id: string; history: Metric[] }>;

/** The algorithm as MLflow's handler spells it, written for clarity rather than speed. */
function reference(runs: Runs, opts: { start_step?: number; end_step?: number; max_results?: number } = {}) {
  const maxResults = opts.max_results ?? 2500;
  const all = runs
    .flatMap((r) => r.history.map((m) => m.step))
    .sort((a, b) => a - b)
    .filter((s, i, sorted) => i === 0 || s !== sorted[i - 1]);
  const start = opts.start_step ?? 0;
  const end = opts.end_step ?? all.at(-1) ?? 0;
  const inRange = all.filter((s) => s >= start && s <= end);
  const n = inRange.length;
  const chosen = new Set(
    n <= maxResults ? inRange : Array.from({ length: maxResults }, (_, i) => inRange[Math.trunc(i * (n / maxResults))]),
  );
  for (const { history } of runs) {
    if (history.length === 0) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of history) {
      lo = Math.min(lo, m.step);
      hi = Math.max(hi, m.step);
    }
    for (const s of [lo, hi]) if (s >= start && s <= end) chosen.add(s);
  }
  return runs.flatMap(({ run_id, history }) => {
    const picked = history.map((m, i) => ({ m, i })).filter(({ m }) => chosen.has(m.step));
    picked.sort((a, b) => a.m.step - b.m.step || a.m.timestamp - b.m.timestamp || a.i - b.i);
    return picked.map(({ m }) => ({ ...m, run_id }));
  });
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const x = items[i];
    const y = items[j];
    if (x === undefined || y === undefined) continue;
    items[i] = y;
    items[j] = x;
  }
  return items;
}

/** Same points, same order, same fields; compared field-wise because toEqual on 1M objects is slow. */
function expectSame(
  actual: ReturnType<typeof sampleMetricHistoryBulkInterval>,
  expected: ReturnType<typeof reference>,
) {
  expect(actual.length).toBe(expected.length);
  const mismatch = actual.findIndex((m, i) => {
    const e = expected[i];
    return (
      !e ||
      m.run_id !== e.run_id ||
      m.step !== e.step ||
      m.timestamp !== e.timestamp ||
      !Object.is(m.value, e.value) ||
      m.key !== e.key
    );
  });
  expect(mismatch === -1 ? null : { at: mismatch, actual: actual[mismatch], expected: expected[mismatch] }).toBeNull();
}

describe('sampleMetricHistoryBulkInterval', () => {
  it('returns everything when under max_results, per run sorted by step then timestamp', () => {
    const a = [point(2, 5), point(0, 1), point(1, 9), point(1, 3)];
    const out = sampleMetricHistoryBulkInterval([
      { run_id: 'a', history: a },
      { run_id: 'b', history: [point(3)] },
    ]);
    expect(out.map((m) => [m.run_id, m.step, m.timestamp])).toEqual([
      ['a', 0, 1],
      ['a', 1, 3],
      ['a', 1, 9],
      ['a', 2, 5],
      ['b', 3, 3],
    ]);
    expect(out[0]?.key).toBe('loss');
  });

  it('samples evenly spaced steps from the union and adds each run’s min and max back', () => {
    // Union 0..99 (run a: 0..49, run b: 50..99); 10 samples → every 10th step, plus 49 and 50 and 99.
    const out = sampleMetricHistoryBulkInterval(
      [
        { run_id: 'a', history: steps(0, 49) },
        { run_id: 'b', history: steps(50, 99) },
      ],
      { max_results: 10 },
    );
    const byRun = (id: string) => out.filter((m) => m.run_id === id).map((m) => m.step);
    expect(byRun('a')).toEqual([0, 10, 20, 30, 40, 49]);
    expect(byRun('b')).toEqual([50, 60, 70, 80, 90, 99]);
  });

  it('keeps only steps within [start_step, end_step], including mins and maxes', () => {
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: steps(0, 100) }], {
      start_step: 10,
      end_step: 20,
      max_results: 5,
    });
    // 11 steps in range, 5 samples: indices 0,2,4,6,8 → 10,12,14,16,18; the run's min 0 and max 100 are outside.
    expect(out.map((m) => m.step)).toEqual([10, 12, 14, 16, 18]);
  });

  it('defaults the range to [0, max step], dropping negative steps that are not a run min', () => {
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: [point(-5), point(0), point(3)] }]);
    expect(out.map((m) => m.step)).toEqual([0, 3]);
  });

  it('handles runs without history', () => {
    expect(sampleMetricHistoryBulkInterval([{ run_id: 'a', history: [] }])).toEqual([]);
  });

  it('rejects half-open ranges, reversed ranges and bad max_results', () => {
    const h = [{ run_id: 'a', history: [point(1)] }];
    expect(catchMlflowError(() => sampleMetricHistoryBulkInterval(h, { start_step: 1 })).message).toContain(
      'If either start step or end step are specified, both must be specified',
    );
    expect(
      catchMlflowError(() => sampleMetricHistoryBulkInterval(h, { start_step: 5, end_step: 1 })).message,
    ).toContain('end_step must be greater than start_step');
    expect(catchMlflowError(() => sampleMetricHistoryBulkInterval(h, { max_results: 2501 })).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect(catchMlflowError(() => sampleMetricHistoryBulkInterval(h, { max_results: 0 })).message).toContain('got 0');
  });

  it('validates requests like the handler: 1..100 run ids and a metric key', () => {
    expect(() => validateMetricHistoryBulkIntervalRequest({ run_ids: ['a'], metric_key: 'm' })).not.toThrow();
    expect(
      catchMlflowError(() => validateMetricHistoryBulkIntervalRequest({ run_ids: [], metric_key: 'm' })).code,
    ).toBe('INVALID_PARAMETER_VALUE');
    const many = Array.from({ length: 101 }, (_, i) => `r${i}`);
    expect(
      catchMlflowError(() => validateMetricHistoryBulkIntervalRequest({ run_ids: many, metric_key: 'm' })).message,
    ).toContain('Received 101 run_ids');
    expect(catchMlflowError(() => validateMetricHistoryBulkIntervalRequest({ run_ids: ['a'] })).message).toContain(
      'metric_key',
    );
  });
});

describe('sampleMetricHistoryBulkInterval against a straightforward reference', () => {
  it('samples with MLflow’s float index int(i * (n / max_results)), not exact integer division', () => {
    // 98 steps, 22 samples: 11 * (98 / 22) is 48.99999999999999 in floats, so MLflow takes index 48, not 49.
    const out = sampleMetricHistoryBulkInterval([{ run_id: 'a', history: steps(0, 97) }], { max_results: 22 });
    const picked = out.map((m) => m.step);
    expect(picked).toContain(48);
    expect(picked).not.toContain(49);
    expectSame(out, reference([{ run_id: 'a', history: steps(0, 97) }], { max_results: 22 }));
  });

  it('agrees on 2000 random small inputs: sorted and shuffled runs, duplicates, fractional and sparse steps', () => {
    const rand = seededRandom(20240611);
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    for (let trial = 0; trial < 2000; trial++) {
      // Step shapes reach every internal path: dense integers, fractions, and huge sparse integers.
      const shape = trial % 3;
      const stepOf = (k: number) => (shape === 0 ? k : shape === 1 ? k / 4 : k * 1e9 + 7);
      const runs: Runs = Array.from({ length: int(1, 4) }, (_, r) => {
        const history = Array.from({ length: int(0, 60) }, (_, i) => ({
          key: 'm',
          value: r * 1000 + i,
          timestamp: int(0, 5),
          step: stepOf(int(-5, 40)),
        }));
        if (rand() < 0.6) history.sort((a, b) => a.step - b.step);
        else shuffle(history, rand);
        return { run_id: `r${r}`, history };
      });
      const opts: { start_step?: number; end_step?: number; max_results?: number } = { max_results: int(1, 30) };
      if (rand() < 0.4) {
        const a = stepOf(int(-6, 42));
        const b = stepOf(int(-6, 42));
        opts.start_step = Math.min(a, b);
        opts.end_step = Math.max(a, b);
      }
      const actual = sampleMetricHistoryBulkInterval(runs, opts);
      const expected = reference(runs, opts);
      if (
        actual.length !== expected.length ||
        actual.some((m, i) => m.value !== expected[i]?.value || m.run_id !== expected[i]?.run_id)
      ) {
        expect({ trial, runs, opts, actual }).toEqual({ trial, runs, opts, actual: expected });
      }
    }
  });

  it('handles a 1M-point single run (step = i)', () => {
    const history = Array.from({ length: 1_000_000 }, (_, i) => ({
      key: 'loss',
      value: i / 7,
      timestamp: 1_700_000_000_000 + i,
      step: i,
    }));
    const runs = [{ run_id: 'a', history }];
    const out = sampleMetricHistoryBulkInterval(runs);
    expect(out.length).toBe(2501); // 2500 samples + the run's max step 999999
    expect(out[1]?.step).toBe(400);
    expectSame(out, reference(runs));
    expectSame(
      sampleMetricHistoryBulkInterval(runs, { start_step: 1000, end_step: 5000, max_results: 100 }),
      reference(runs, { start_step: 1000, end_step: 5000, max_results: 100 }),
    );
  });

  it('handles a 3-run 300k-point history with duplicate steps, in step order and shuffled', () => {
    const rand = seededRandom(7);
    // Each step is logged 1–3 times with jittered timestamps; the runs' step ranges overlap.
    const sortedRuns: Runs = [0, 1, 2].map((r) => ({ run_id: `run-${r}`, history: [] }));
    for (const [r, run] of sortedRuns.entries()) {
      for (let step = r * 10_000; run.history.length < 100_000; step++) {
        const copies = 1 + Math.floor(rand() * 3);
        for (let c = 0; c < copies && run.history.length < 100_000; c++) {
          run.history.push({
            key: 'acc',
            value: r * 1e6 + run.history.length,
            timestamp: 1000 + Math.floor(rand() * 4),
            step,
          });
        }
      }
    }
    const shuffledRuns = sortedRuns.map(({ run_id, history }) => ({ run_id, history: shuffle([...history], rand) }));
    for (const runs of [sortedRuns, shuffledRuns]) {
      const out = sampleMetricHistoryBulkInterval(runs);
      expectSame(out, reference(runs));
      expect(new Set(out.map((m) => m.run_id))).toEqual(new Set(['run-0', 'run-1', 'run-2']));
      expectSame(
        sampleMetricHistoryBulkInterval(runs, { start_step: 15_000, end_step: 40_000, max_results: 777 }),
        reference(runs, { start_step: 15_000, end_step: 40_000, max_results: 777 }),
      );
    }
  });
});

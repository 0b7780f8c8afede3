/**
 * get-history-bulk-interval sampling (mlflow/server/handlers.py), as a pure function over each run's
 * metric history so every store and client gets the same points MLflow's server returns.
 *
 * Histories can hold millions of points and the server must answer in tens of milliseconds, so the
 * work is a few linear passes over plain numbers: no per-point objects are allocated and only the
 * selected points are copied or sorted. Histories are usually already in step order (that is how
 * they are logged), which is detected and exploited; other inputs take slower but still
 * allocation-light paths.
 */
import type { Metric } from '../entities.js';
import { MlflowError } from '../errors.js';
import type { MetricWithRunId } from '../tracking-store.js';

export const BULK_INTERVAL_LIMITS = { maxRunIds: 100, maxResults: 2500 } as const;

export interface BulkIntervalOptions {
  start_step?: number;
  end_step?: number;
  /** 1..2500; default 2500. */
  max_results?: number;
}

function fail(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/** The request checks MLflow's handler makes before touching the store. */
export function validateMetricHistoryBulkIntervalRequest(
  req: BulkIntervalOptions & { run_ids: readonly string[]; metric_key?: string },
): void {
  if (!req.run_ids || req.run_ids.length === 0)
    fail('GetMetricHistoryBulkInterval request must specify at least one run_id.');
  if (req.run_ids.length > BULK_INTERVAL_LIMITS.maxRunIds) {
    fail(
      `GetMetricHistoryBulkInterval request cannot specify more than ${BULK_INTERVAL_LIMITS.maxRunIds} run_ids. Received ${req.run_ids.length} run_ids.`,
    );
  }
  if (!req.metric_key) fail("Missing value for required parameter 'metric_key'.");
  checkOptions(req);
}

function checkOptions(opts: BulkIntervalOptions): void {
  const { start_step, end_step, max_results } = opts;
  if ((start_step === undefined) !== (end_step === undefined)) {
    fail(
      `If either start step or end step are specified, both must be specified (start_step=${start_step}, end_step=${end_step}).`,
    );
  }
  if (start_step !== undefined && end_step !== undefined && start_step > end_step) {
    fail(`end_step must be greater than start_step. Found start_step=${start_step} and end_step=${end_step}.`);
  }
  if (
    max_results !== undefined &&
    (!Number.isInteger(max_results) || max_results < 1 || max_results > BULK_INTERVAL_LIMITS.maxResults)
  ) {
    fail(`max_results must be between 1 and ${BULK_INTERVAL_LIMITS.maxResults}, got ${max_results}.`);
  }
}

type History = readonly Metric[];

/**
 * One linear pass over a run: its steps copied into a typed array (so later passes read contiguous
 * doubles instead of chasing a pointer per point, which matters when a history is not in step
 * order), whether they are in step order, their range, and whether all are integers.
 */
interface RunSteps {
  steps: Float64Array;
  sorted: boolean;
  integers: boolean;
  lo: number;
  hi: number;
}

function scanRun(history: History): RunSteps {
  const steps = new Float64Array(history.length);
  let sorted = true;
  let integers = true;
  let lo = Infinity;
  let hi = -Infinity;
  let prev = -Infinity;
  let i = 0;
  for (const { step: s } of history) {
    steps[i++] = s;
    if (s < prev) sorted = false;
    prev = s;
    if (s < lo) lo = s;
    if (s > hi) hi = s;
    if (integers && !Number.isInteger(s)) integers = false;
  }
  return { steps, sorted, integers, lo, hi };
}

/** Index of the first element of sorted `a[from..to)` that is >= x (upper: > x). */
function bound(a: Float64Array, x: number, upper: boolean, from = 0, to = a.length): number {
  while (from < to) {
    const mid = (from + to) >>> 1;
    const v = a[mid] ?? Number.NaN;
    if (v < x || (upper && v === x)) from = mid + 1;
    else to = mid;
  }
  return from;
}

/** Distinct values of sorted `a`, in order (a new array; `a` is left alone). */
function dedupeSorted(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  let n = 0;
  for (const v of a) if (n === 0 || v !== out[n - 1]) out[n++] = v;
  return out.subarray(0, n);
}

function mergeDistinct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  for (;;) {
    const x = a[i];
    const y = b[j];
    let s: number;
    if (x !== undefined && (y === undefined || x <= y)) {
      s = x;
      i++;
    } else if (y !== undefined) {
      s = y;
      j++;
    } else break;
    if (n === 0 || s !== out[n - 1]) out[n++] = s;
  }
  return out.subarray(0, n);
}

/** Presence bitmap over [lo, hi] for integer steps whose span is not much larger than the point count. */
function distinctByBitmap(runs: readonly RunSteps[], lo: number, hi: number): Float64Array {
  const seen = new Uint8Array(hi - lo + 1);
  let count = 0;
  for (const { steps } of runs) {
    for (const step of steps) {
      const k = step - lo;
      if (seen[k] === 0) {
        seen[k] = 1;
        count++;
      }
    }
  }
  const out = new Float64Array(count);
  for (let k = 0, n = 0; n < count; k++) if (seen[k] === 1) out[n++] = lo + k;
  return out;
}

/**
 * The sorted union of every run's steps. A typed-array sort is the last resort: V8's takes ~100 ms
 * per million elements even on sorted input, so step-ordered runs are deduplicated and merged
 * linearly, and dense integer steps go through a bitmap.
 */
function distinctSteps(all: readonly RunSteps[]): Float64Array {
  const runs = all.filter((r) => r.steps.length > 0);
  if (runs.length === 0) return new Float64Array(0);
  const only = runs[0];
  if (runs.length === 1 && only?.sorted) return dedupeSorted(only.steps);

  const lo = Math.min(...runs.map((r) => r.lo));
  const hi = Math.max(...runs.map((r) => r.hi));
  const total = runs.reduce((n, r) => n + r.steps.length, 0);
  const span = hi - lo + 1;
  if (runs.every((r) => r.integers) && Number.isSafeInteger(span) && span <= 4 * total + 4096 && span <= 2 ** 28) {
    return distinctByBitmap(runs, lo, hi);
  }
  let parts = runs.map((r) => dedupeSorted(r.sorted ? r.steps : r.steps.slice().sort()));
  // Pairwise rounds keep the merge at O(points * log runs).
  while (parts.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const a = parts[i];
      const b = parts[i + 1];
      if (a) next.push(b ? mergeDistinct(a, b) : a);
    }
    parts = next;
  }
  return parts[0] ?? new Float64Array(0);
}

/**
 * Up to `maxResults` evenly spaced steps out of the sorted distinct `steps` within [start, end].
 * The index is computed as MLflow does, `int(i * (n / max_results))` in float arithmetic, which
 * differs from exact integer division for some (n, max_results), e.g. n=98, max_results=22, i=11.
 */
function sampleSteps(start: number, end: number, maxResults: number, steps: Float64Array): number[] {
  const from = bound(steps, start, false);
  const to = bound(steps, end, true, from);
  const n = to - from;
  if (n <= maxResults) return Array.from(steps.subarray(from, to));
  const interval = n / maxResults;
  const out: number[] = [];
  for (let i = 0; i < maxResults; i++) {
    const step = steps[from + Math.trunc(i * interval)];
    if (step !== undefined) out.push(step);
  }
  return out;
}

function timestampAt(history: History, i: number | undefined): number {
  return i === undefined ? Number.NaN : (history[i]?.timestamp ?? Number.NaN);
}

/** Sorts `idx[from..to)`, indices of points sharing one step, by timestamp then log order, if needed. */
function orderGroup(history: History, idx: Int32Array | number[], from: number, to: number): void {
  let inOrder = true;
  for (let k = from + 1; k < to && inOrder; k++)
    if (timestampAt(history, idx[k]) < timestampAt(history, idx[k - 1])) inOrder = false;
  if (inOrder) return;
  const group = Array.from(idx.slice(from, to)).sort(
    (a, b) => timestampAt(history, a) - timestampAt(history, b) || a - b,
  );
  group.forEach((g, k) => {
    idx[from + k] = g;
  });
}

/** Indices of a step-sorted run's points at `chosen` steps, by binary search per chosen step. */
function pickFromSorted(history: History, steps: Float64Array, chosen: Float64Array): number[] {
  const out: number[] = [];
  let pos = 0;
  for (const step of chosen) {
    if (pos >= steps.length) break;
    const first = out.length;
    let i = bound(steps, step, false, pos);
    while (i < steps.length && steps[i] === step) out.push(i++);
    orderGroup(history, out, first, out.length);
    pos = i;
  }
  return out;
}

/**
 * Indices of an unordered run's points at `chosen` steps, in (step, timestamp, log order): a stable
 * counting sort on the chosen step's rank, so even a run whose every point is picked stays linear.
 */
function pickFromUnsorted(history: History, steps: Float64Array, rankOf: ReadonlyMap<number, number>): Int32Array {
  const ranks = new Int32Array(steps.length);
  const starts = new Int32Array(rankOf.size + 1);
  let i = 0;
  for (const step of steps) {
    const r = rankOf.get(step);
    ranks[i++] = r ?? -1;
    if (r !== undefined) starts[r + 1] = (starts[r + 1] ?? 0) + 1;
  }
  let sum = 0;
  for (let r = 0; r < starts.length; r++) {
    sum += starts[r] ?? 0;
    starts[r] = sum;
  }
  const out = new Int32Array(starts.at(-1) ?? 0);
  const next = starts.slice(0, -1);
  i = 0;
  for (const r of ranks) {
    if (r >= 0) {
      const at = next[r] ?? 0;
      next[r] = at + 1;
      out[at] = i;
    }
    i++;
  }
  for (let r = 0; r < rankOf.size; r++) {
    const from = starts[r] ?? 0;
    const to = starts[r + 1] ?? 0;
    if (to - from > 1) orderGroup(history, out, from, to);
  }
  return out;
}

/**
 * Union of all steps logged across runs, restricted to [start_step, end_step] (default
 * [0, max step]), thinned to `max_results` evenly spaced steps, plus each run's own min and max step
 * (when in range). Each run's points at those steps, sorted by (step, timestamp), run by run in
 * the order given.
 */
export function sampleMetricHistoryBulkInterval(
  histories: ReadonlyArray<{ run_id: string; history: readonly Metric[] }>,
  opts: BulkIntervalOptions = {},
): MetricWithRunId[] {
  checkOptions(opts);
  const maxResults = opts.max_results ?? BULK_INTERVAL_LIMITS.maxResults;
  const runs = histories.map((h) => scanRun(h.history));
  const allSteps = distinctSteps(runs);
  const start = opts.start_step ?? 0;
  const end = opts.end_step ?? allSteps.at(-1) ?? 0;

  const picked = sampleSteps(start, end, maxResults, allSteps);
  for (const { steps, lo, hi } of runs) {
    if (steps.length === 0) continue;
    if (lo >= start && lo <= end) picked.push(lo);
    if (hi >= start && hi <= end) picked.push(hi);
  }
  const chosen = dedupeSorted(Float64Array.from(picked).sort());
  let rankOf: Map<number, number> | undefined;

  const out: MetricWithRunId[] = [];
  histories.forEach(({ run_id, history }, r) => {
    const run = runs[r];
    if (!run) return;
    const { steps, sorted } = run;
    const indices = sorted
      ? pickFromSorted(history, steps, chosen)
      : pickFromUnsorted(history, steps, (rankOf ??= new Map(Array.from(chosen, (s, k) => [s, k]))));
    for (const i of indices) {
      const m = history[i];
      if (m) out.push({ ...m, run_id });
    }
  });
  return out;
}

/**
 * get-history-bulk-interval sampling (mlflow/server/handlers.py), as a pure function over each run's
 * metric history so every store and client gets the same points MLflow's server returns.
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
export function validateMetricHistoryBulkIntervalRequest(req: BulkIntervalOptions & { run_ids: readonly string[]; metric_key?: string }): void {
  if (!req.run_ids || req.run_ids.length === 0) fail('GetMetricHistoryBulkInterval request must specify at least one run_id.');
  if (req.run_ids.length > BULK_INTERVAL_LIMITS.maxRunIds) {
    fail(`GetMetricHistoryBulkInterval request cannot specify more than ${BULK_INTERVAL_LIMITS.maxRunIds} run_ids. Received ${req.run_ids.length} run_ids.`);
  }
  if (!req.metric_key) fail("Missing value for required parameter 'metric_key'.");
  checkOptions(req);
}

function checkOptions(opts: BulkIntervalOptions): void {
  const { start_step, end_step, max_results } = opts;
  if ((start_step === undefined) !== (end_step === undefined)) {
    fail(`If either start step or end step are specified, both must be specified (start_step=${start_step}, end_step=${end_step}).`);
  }
  if (start_step !== undefined && end_step !== undefined && start_step > end_step) {
    fail(`end_step must be greater than start_step. Found start_step=${start_step} and end_step=${end_step}.`);
  }
  if (max_results !== undefined && (!Number.isInteger(max_results) || max_results < 1 || max_results > BULK_INTERVAL_LIMITS.maxResults)) {
    fail(`max_results must be between 1 and ${BULK_INTERVAL_LIMITS.maxResults}, got ${max_results}.`);
  }
}

/** Up to `maxResults` evenly spaced steps out of the sorted `steps` within [start, end]. */
function sampleSteps(start: number, end: number, maxResults: number, steps: readonly number[]): number[] {
  const inRange = steps.filter((s) => s >= start && s <= end);
  const n = inRange.length;
  if (n <= maxResults) return inRange;
  const out: number[] = [];
  for (let i = 0; i < maxResults; i++) out.push(inRange[Math.floor((i * n) / maxResults)]);
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
  const minsAndMaxes = new Set<number>();
  const all = new Set<number>();
  for (const { history } of histories) {
    if (history.length === 0) continue;
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of history) {
      all.add(m.step);
      lo = Math.min(lo, m.step);
      hi = Math.max(hi, m.step);
    }
    minsAndMaxes.add(lo).add(hi);
  }
  const allSteps = [...all].sort((a, b) => a - b);
  const start = opts.start_step ?? 0;
  const end = opts.end_step ?? (allSteps.length > 0 ? allSteps[allSteps.length - 1] : 0);
  const chosen = new Set(sampleSteps(start, end, maxResults, allSteps));
  for (const s of minsAndMaxes) if (s >= start && s <= end) chosen.add(s);

  const out: MetricWithRunId[] = [];
  for (const { run_id, history } of histories) {
    const points = history
      .map((m, i) => ({ m, i }))
      .filter(({ m }) => chosen.has(m.step))
      .sort((a, b) => a.m.step - b.m.step || a.m.timestamp - b.m.timestamp || a.i - b.i);
    for (const { m } of points) out.push({ ...m, run_id });
  }
  return out;
}

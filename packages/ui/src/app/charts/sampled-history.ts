/**
 * Sampled metric histories from MLflow's `metrics/get-history-bulk-interval`: at most 100 runs per
 * request (the endpoint's limit), at most 2,500 points per run, optionally a step range (zoom).
 */
import { api } from '../lib/api.js';
import type { Metric } from '../lib/types.js';
import { metricNumber } from '../lib/types.js';

export const MAX_RUNS_PER_REQUEST = 100;
export const MAX_POINTS = 2500;

export interface Series {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/** Points to ask for: about two per horizontal pixel, within the endpoint's bounds. */
export function pointsForWidth(width: number): number {
  return Math.max(50, Math.min(MAX_POINTS, Math.round(width * 2)));
}

export async function fetchSampledHistories(
  runIds: readonly string[],
  metricKey: string,
  maxResults: number,
  range?: { start: number; end: number },
): Promise<Map<string, Series>> {
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += MAX_RUNS_PER_REQUEST) chunks.push(runIds.slice(i, i + MAX_RUNS_PER_REQUEST));
  const parts = await Promise.all(
    chunks.map((ids) =>
      api.get<{ metrics?: Metric[] }>('metrics/get-history-bulk-interval', {
        run_ids: ids,
        metric_key: metricKey,
        max_results: maxResults,
        start_step: range ? Math.floor(range.start) : undefined,
        end_step: range ? Math.ceil(range.end) : undefined,
      }),
    ),
  );
  const grouped = new Map<string, Metric[]>();
  for (const part of parts) {
    for (const m of part.metrics ?? []) {
      const id = m.run_id ?? '';
      let list = grouped.get(id);
      if (!list) grouped.set(id, (list = []));
      list.push(m);
    }
  }
  const out = new Map<string, Series>();
  for (const [id, list] of grouped) {
    list.sort((a, b) => (a.step ?? 0) - (b.step ?? 0) || a.timestamp - b.timestamp);
    const n = list.length;
    const s: Series = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const m = list[i];
      if (!m) continue;
      s.steps[i] = m.step ?? 0;
      s.timestamps[i] = Number(m.timestamp);
      s.values[i] = metricNumber(m.value);
    }
    out.set(id, s);
  }
  return out;
}

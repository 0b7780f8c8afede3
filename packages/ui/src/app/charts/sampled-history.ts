/**
 * Sampled metric histories: mlflow-ts's columnar `mlflow-ts/metrics/get-history-bulk-interval` (up to
 * 1,000 runs per request, arrays per run) when the server has it, else MLflow's
 * `metrics/get-history-bulk-interval` (at most 100 runs per request, one JSON object per point). At
 * most 2,500 points per run, optionally a step range (zoom).
 */
import { ApiError, api, inChunks, request } from '../lib/api.js';
import type { Metric } from '../lib/types.js';
import { metricNumber } from '../lib/types.js';

export const MAX_RUNS_PER_REQUEST = 100;
const COLUMNAR = 'ajax-api/2.0/mlflow-ts/metrics/get-history-bulk-interval';
const COLUMNAR_RUNS_PER_REQUEST = 1000;
export const MAX_POINTS = 2500;
/**
 * Points of one chart, all runs together: 1,000 overlaid runs get 200 points each (more would draw
 * the same pixels, and cost bytes to send and parse and series to build).
 */
const POINT_BUDGET = 200_000;

export interface Series {
  steps: Float64Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/** Points per run to ask for: about two per horizontal pixel, within the endpoint's bounds and the chart's budget. */
export function pointsForWidth(width: number, runs = 1): number {
  const budget = Math.floor(POINT_BUDGET / Math.max(1, runs));
  return Math.max(50, Math.min(MAX_POINTS, Math.round(width * 2), budget));
}

let columnarMissing = false;

interface ColumnarSeries {
  run_id: string;
  steps: number[];
  timestamps: number[];
  values: (number | string)[];
}

async function fetchColumnar(
  runIds: readonly string[],
  metricKey: string,
  maxResults: number,
  range: { start: number; end: number } | undefined,
): Promise<Map<string, Series>> {
  const chunks: string[][] = [];
  for (let i = 0; i < runIds.length; i += COLUMNAR_RUNS_PER_REQUEST)
    chunks.push(runIds.slice(i, i + COLUMNAR_RUNS_PER_REQUEST));
  const parts = await Promise.all(
    chunks.map((ids) =>
      request<{ series?: ColumnarSeries[] }>(COLUMNAR, {
        method: 'POST',
        body: {
          run_ids: ids,
          metric_key: metricKey,
          max_results: maxResults,
          start_step: range ? Math.floor(range.start) : undefined,
          end_step: range ? Math.ceil(range.end) : undefined,
        },
      }),
    ),
  );
  const out = new Map<string, Series>();
  for (const part of parts)
    for (const c of part.series ?? []) {
      const n = c.steps.length;
      const order = Array.from({ length: n }, (_, i) => i);
      if (c.steps.some((v, i) => i > 0 && v < (c.steps[i - 1] ?? 0)))
        order.sort((a, b) => (c.steps[a] ?? 0) - (c.steps[b] ?? 0) || (c.timestamps[a] ?? 0) - (c.timestamps[b] ?? 0));
      const s: Series = { steps: new Float64Array(n), timestamps: new Float64Array(n), values: new Float64Array(n) };
      order.forEach((k, i) => {
        s.steps[i] = c.steps[k] ?? 0;
        s.timestamps[i] = c.timestamps[k] ?? 0;
        s.values[i] = metricNumber(c.values[k] ?? Number.NaN);
      });
      out.set(c.run_id, s);
    }
  return out;
}

export async function fetchSampledHistories(
  runIds: readonly string[],
  metricKey: string,
  maxResults: number,
  range?: { start: number; end: number },
): Promise<Map<string, Series>> {
  if (!columnarMissing && runIds.length > 0) {
    try {
      return await fetchColumnar(runIds, metricKey, maxResults, range);
    } catch (e) {
      if (!(e instanceof ApiError && e.isMissingEndpoint)) throw e;
      columnarMissing = true;
    }
  }
  const parts = await Promise.all(
    inChunks(runIds, MAX_RUNS_PER_REQUEST).map((ids) =>
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

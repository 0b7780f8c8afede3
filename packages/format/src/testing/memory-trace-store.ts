/**
 * The in-memory reference TraceStore (MLflow's SQL-store semantics: spans kept by the store).
 * `experimentOf` resolves an experiment id (and rejects unknown or deleted ones).
 */
import type { Experiment } from '../entities.js';
import { MlflowError } from '../errors.js';
import { searchTracesInMemory } from '../search/trace-search.js';
import type { SpanRecord, Trace, TraceInfo } from '../trace-entities.js';
import { TRACE_KEYS, traceExperimentId } from '../trace-entities.js';
import { traceIdOfSpan } from '../trace-json.js';
import {
  assertTraceId,
  checkSpanBatch,
  isTraceComplete,
  mergeSpans,
  startedTraceInfo,
  traceArtifactLocation,
  traceInfoAfterSpans,
  validateDeleteTraces,
  validateTraceTag,
} from '../trace-logic.js';
import type { TraceStore } from '../trace-store.js';

interface TraceRecord {
  info: TraceInfo;
  spans: SpanRecord[];
}

const copy = <T>(v: T): T => structuredClone(v);

export function createMemoryTraceStore(experimentOf: (experimentId: string) => Promise<Experiment>): TraceStore {
  const traces = new Map<string, TraceRecord>();

  function get(traceId: string): TraceRecord {
    const r = traces.get(assertTraceId(traceId));
    if (!r) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
    return r;
  }
  async function activeExperiment(id: string | undefined): Promise<Experiment> {
    if (!id)
      throw MlflowError.invalidParameter(
        'A trace must be located in an MLflow experiment (trace_location.mlflow_experiment).',
      );
    const exp = await experimentOf(id);
    if (exp.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(`The experiment ${id} must be in the 'active' lifecycle_stage to log traces.`);
    }
    return exp;
  }

  return {
    specificationVersion: 'v1',
    async startTrace(info) {
      const exp = await activeExperiment(traceExperimentId(info));
      const stored = startedTraceInfo(
        info,
        traceArtifactLocation(exp.artifact_location, info.trace_id),
        traces.get(info.trace_id)?.info,
      );
      traces.set(stored.trace_id, { info: stored, spans: traces.get(stored.trace_id)?.spans ?? [] });
      return copy(stored);
    },
    async getTraceInfo(traceId) {
      return copy(get(traceId).info);
    },
    async batchGetTraces(traceIds) {
      const out: Trace[] = [];
      for (const id of traceIds) {
        const r = traces.get(assertTraceId(id));
        if (r && isTraceComplete(r.info, r.spans.length)) out.push(copy({ info: r.info, spans: r.spans }));
      }
      return out;
    },
    async searchTraces(req) {
      for (const id of req.experiment_ids) await experimentOf(id);
      const ids = new Set(req.experiment_ids);
      const infos = [...traces.values()].map((r) => r.info).filter((i) => ids.has(traceExperimentId(i) ?? ''));
      const page = searchTracesInMemory(infos, req);
      return { ...page, items: page.items.map(copy) };
    },
    async setTraceTag(traceId, key, value) {
      const r = get(traceId);
      const tag = validateTraceTag(key, value);
      r.info.tags[tag.key] = tag.value;
    },
    async deleteTraceTag(traceId, key) {
      const r = get(traceId);
      if (!(key in r.info.tags)) throw MlflowError.notFound(`No tag with name: ${key} in trace with ID ${traceId}.`);
      delete r.info.tags[key];
    },
    async deleteTraces(req) {
      validateDeleteTraces(req);
      await experimentOf(req.experiment_id);
      const inExp = [...traces.values()].filter((r) => traceExperimentId(r.info) === req.experiment_id);
      if (req.trace_ids?.length) {
        let n = 0;
        for (const id of req.trace_ids) {
          const r = traces.get(id);
          if (r && traceExperimentId(r.info) === req.experiment_id && traces.delete(id)) n++;
        }
        return n;
      }
      const max = req.max_timestamp_millis as number;
      const old = inExp
        .filter((r) => r.info.request_time <= max)
        .sort((a, b) => a.info.request_time - b.info.request_time);
      const victims = old.slice(0, req.max_traces ?? old.length);
      for (const r of victims) traces.delete(r.info.trace_id);
      return victims.length;
    },
    async linkTracesToRun(traceIds, runId) {
      const records = traceIds.map(get);
      for (const r of records) r.info.trace_metadata[TRACE_KEYS.sourceRun] = runId;
    },
    async logSpans(experimentId, spans) {
      const traceId = assertTraceId(checkSpanBatch(spans.map(traceIdOfSpan)));
      const exp = await activeExperiment(experimentId);
      const r = traces.get(traceId);
      const info = traceInfoAfterSpans(
        experimentId,
        traceId,
        spans,
        traceArtifactLocation(exp.artifact_location, traceId),
        r?.info,
      );
      traces.set(traceId, { info, spans: mergeSpans(r?.spans ?? [], spans) });
    },
  };
}

/**
 * Traces (MLflow 3) of one experiment: info and spans. Trace ids are global (`tr-…`) and kept; a
 * trace the target already has is left as it is. Run links (`mlflow.sourceRun`) and logged-model
 * references are renamed to the target's ids.
 */
import { MlflowError, TRACE_KEYS, type TraceInfo } from '@mlflow-ts/format';
import type { CopyContext } from './copy-context.js';
import { allPages, chunks } from './paging.js';

const MODEL_ID_METADATA = 'mlflow.modelId';

async function exists(ctx: CopyContext, traceId: string): Promise<boolean> {
  try {
    await ctx.target.tracking.traces!.getTraceInfo(traceId);
    return true;
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return false;
    throw e;
  }
}

export async function copyTraces(
  ctx: CopyContext,
  sourceExperimentId: string,
  targetExperimentId: string,
): Promise<void> {
  const from = ctx.source.tracking.traces;
  const to = ctx.target.tracking.traces;
  if (!from) return;
  const infos: TraceInfo[] = [];
  for await (const info of allPages((page_token) =>
    from.searchTraces({ experiment_ids: [sourceExperimentId], max_results: 500, page_token }),
  )) {
    if (!ctx.cp.has('doneTrace', info.trace_id)) infos.push(info);
  }
  if (infos.length === 0) return;
  if (!to) {
    ctx.warn(`Experiment ${sourceExperimentId}: the target has no trace store; ${infos.length} traces not copied`);
    return;
  }
  for (const batch of chunks(infos, 50)) {
    const traces = await from.batchGetTraces(batch.map((i) => i.trace_id));
    const byId = new Map(traces.map((t) => [t.info.trace_id, t]));
    for (const info of batch) {
      {
        const present = await exists(ctx, info.trace_id);
        const metadata = { ...info.trace_metadata };
        const run = metadata[TRACE_KEYS.sourceRun];
        if (run) metadata[TRACE_KEYS.sourceRun] = ctx.runId(run);
        const model = metadata[MODEL_ID_METADATA];
        if (model) metadata[MODEL_ID_METADATA] = ctx.modelId(model) ?? model;
        const tags = { ...info.tags };
        // The target decides where it keeps artifacts and spans.
        delete tags[TRACE_KEYS.artifactLocation];
        delete tags[TRACE_KEYS.spansLocation];
        const spans = byId.get(info.trace_id)?.spans ?? [];
        // Spans first (they create the trace), then the info with every field as the source had it
        // (StartTrace is an upsert: a trace whose spans arrived before a stop gets its info now).
        if (!present && spans.length > 0) await ctx.write(() => to.logSpans(targetExperimentId, spans));
        await ctx.write(() =>
          to.startTrace({
            ...info,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: targetExperimentId } },
            trace_metadata: metadata,
            tags,
          }),
        );
        if (!present) ctx.summary.traces++;
      }
      ctx.cp.put('doneTrace', info.trace_id);
    }
  }
}

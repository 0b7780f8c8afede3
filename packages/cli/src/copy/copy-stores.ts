/**
 * `copyStores`: everything in one set of stores into another, over the format contracts only, so any
 * pair works (mlruns, SQL, a REST server): experiments (ids kept where the target can import them,
 * else matched by name), runs (ids kept with `importRun`, else mapped and tagged), every metric
 * point, params, tags, datasets, logged models, traces, the registry and optionally artifacts.
 * Resumable and idempotent through the checkpoint (see checkpoint.ts); running it again after a
 * finished copy writes nothing, after a stopped one completes what is missing.
 */
import { MlflowError, type Experiment, type Run } from '@mlflow-ts/format';
import { createCopyContext, type CopyContext } from './copy-context.js';
import { copyLoggedModels } from './copy-models.js';
import { copyRegistry } from './copy-registry.js';
import { copyRunData, ensureRunShells, isSettled, type FreshRuns } from './copy-runs.js';
import { copyTraces } from './copy-traces.js';
import { collectAll } from './paging.js';
import { emptySummary, type CopyOptions, type CopySummary, type StoreSet } from './types.js';

async function sourceExperiments(ctx: CopyContext): Promise<Experiment[]> {
  const all = await collectAll((page_token) =>
    ctx.source.tracking.searchExperiments({ view_type: 'ALL', max_results: 1000, page_token }),
  );
  const wanted = ctx.opts.experimentIds ? new Set(ctx.opts.experimentIds) : null;
  if (wanted) {
    for (const id of wanted) if (!all.some((e) => e.experiment_id === id)) await ctx.source.tracking.getExperiment(id);
  }
  // The Default experiment first, then by creation: ids in a store that assigns them follow the source's order.
  return all
    .filter((e) => !wanted || wanted.has(e.experiment_id))
    .sort((a, b) =>
      a.experiment_id === '0' ? -1 : b.experiment_id === '0' ? 1 : (a.creation_time ?? 0) - (b.creation_time ?? 0),
    );
}

async function targetExperimentFor(ctx: CopyContext, exp: Experiment): Promise<string> {
  const known = ctx.cp.get('experiment', exp.experiment_id);
  if (known) return known;
  const t = ctx.target.tracking;
  const byName = await t.getExperimentByName(exp.name);
  let id: string;
  if (byName) {
    id = byName.experiment_id;
  } else {
    const location = ctx.opts.artifactLocations === 'keep' ? { artifact_location: exp.artifact_location } : {};
    id = '';
    if (t.importExperiment) {
      try {
        id = await ctx.write(() =>
          t.importExperiment!({
            experiment_id: exp.experiment_id,
            name: exp.name,
            tags: exp.tags,
            ...location,
            ...(exp.creation_time !== undefined ? { creation_time: exp.creation_time } : {}),
            ...(exp.last_update_time !== undefined ? { last_update_time: exp.last_update_time } : {}),
          }),
        );
      } catch (e) {
        // The id is taken by another experiment there: the target picks one.
        if (!MlflowError.isInstance(e) || e.code !== 'RESOURCE_ALREADY_EXISTS') throw e;
      }
    }
    if (!id) id = await ctx.write(() => t.createExperiment({ name: exp.name, tags: exp.tags, ...location }));
  }
  ctx.cp.put('experiment', exp.experiment_id, id);
  return id;
}

async function sourceRunsOf(ctx: CopyContext, experimentId: string): Promise<Run[]> {
  return collectAll((page_token) =>
    ctx.source.tracking.searchRuns({
      experiment_ids: [experimentId],
      run_view_type: 'ALL',
      max_results: 1000,
      page_token,
    }),
  );
}

/** Parents before children, so a child's `mlflow.parentRunId` can name the parent's target id. */
function parentsFirst(runs: Run[]): Run[] {
  return [...runs].sort((a, b) => a.info.start_time - b.info.start_time);
}

export async function copyStores(source: StoreSet, target: StoreSet, opts: CopyOptions): Promise<CopySummary> {
  const summary = emptySummary();
  const ctx = createCopyContext(source, target, opts, summary);
  const progress = opts.onProgress ?? (() => undefined);
  progress({ phase: 'planning', runsDone: 0, runsTotal: 0 });

  const experiments = await sourceExperiments(ctx);
  const plan: { exp: Experiment; runs: Run[] }[] = [];
  for (const exp of experiments) plan.push({ exp, runs: parentsFirst(await sourceRunsOf(ctx, exp.experiment_id)) });
  summary.runs.total = plan.reduce((n, p) => n + p.runs.length, 0);
  let runsDone = 0;

  for (const { exp, runs } of plan) {
    progress({ phase: 'runs', runsDone, runsTotal: summary.runs.total, experiment: exp.name });
    const targetId = await targetExperimentFor(ctx, exp);
    summary.experiments++;
    const pending = runs.filter((r) => !ctx.cp.has('doneRun', r.info.run_id));
    const needsWrites = pending.length > 0;
    let targetExp = await target.tracking.getExperiment(targetId);
    // Tags added in the source since (or an experiment matched by name) are brought over.
    const haveTags = new Map(targetExp.tags.map((t) => [t.key, t.value]));
    for (const tag of exp.tags) {
      if (haveTags.get(tag.key) !== tag.value) await ctx.write(() => target.tracking.setExperimentTag(targetId, tag));
    }
    // Runs go into an active experiment; a deleted one is deleted again at the end.
    if (needsWrites && targetExp.lifecycle_stage === 'deleted') {
      await ctx.write(() => target.tracking.restoreExperiment(targetId));
      targetExp = await target.tracking.getExperiment(targetId);
    }

    const fresh: FreshRuns = new Set();
    await ensureRunShells(ctx, pending, targetId, fresh);
    if (opts.loggedModels !== false) await copyLoggedModels(ctx, exp.experiment_id, targetId);
    for (const run of runs) {
      if (ctx.cp.has('doneRun', run.info.run_id)) {
        summary.runs.alreadyDone++;
      } else {
        await copyRunData(ctx, run, fresh.has(run.info.run_id));
        if (ctx.runId(run.info.run_id) !== run.info.run_id)
          summary.runIdChanges[run.info.run_id] = ctx.runId(run.info.run_id);
        if (isSettled(run)) ctx.cp.put('doneRun', run.info.run_id);
        summary.runs.copied++;
      }
      runsDone++;
      progress({ phase: 'runs', runsDone, runsTotal: summary.runs.total, experiment: exp.name });
    }
    if (opts.traces !== false) await copyTraces(ctx, exp.experiment_id, targetId);
    if (exp.lifecycle_stage === 'deleted' && targetExp.lifecycle_stage !== 'deleted') {
      await ctx.write(() => target.tracking.deleteExperiment(targetId));
    }
  }

  if (opts.registry !== false) {
    progress({ phase: 'registry', runsDone, runsTotal: summary.runs.total });
    await copyRegistry(ctx);
  }
  progress({ phase: 'done', runsDone, runsTotal: summary.runs.total });
  return summary;
}

/**
 * `mlflow-ts gc` (MLflow's `mlflow gc`): permanently deletes runs in the `deleted` lifecycle stage
 * and deleted experiments, artifacts first, then metadata. `--older-than` keeps recent deletions,
 * `--run-ids` / `--experiment-ids` narrow it, `--dry-run` only lists. Each run is removed in one
 * atomic step of the store, so gc may be interrupted and run again.
 */
import path from 'node:path';
import { Command } from 'commander';
import { MlflowError, type TrackingStore } from '@mlflow-ts/format';
import { createFsArtifactRepository } from '@mlflow-ts/store-fs';
import type { CliContext } from '../../cli-context.js';
import { withJsonOption, withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';

interface GcOptions {
  backendStoreUri?: string;
  olderThan?: string;
  runIds?: string;
  experimentIds?: string;
  artifactsDestination?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** MLflow's `--older-than` grammar: `[<n>d][<n>h][<n>m][<n>s]`, e.g. `30d`, `2d8h5m20s`; → ms. */
export function parseOlderThan(text: string): number {
  const m = /^(?:([\d.]+)d)?(?:([\d.]+)h)?(?:([\d.]+)m)?(?:([\d.]+)s)?$/.exec(text);
  if (!m || text === '' || m.slice(1).some((x) => x !== undefined && !Number.isFinite(Number(x)))) {
    throw MlflowError.invalidParameter(
      `Could not parse any time information from '${text}'. Examples of valid strings: '8h', '2d8h5m20s', '2m4s'`,
    );
  }
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number];
  return Math.round((((d * 24 + h) * 60 + min) * 60 + s) * 1000);
}

const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '')
    : undefined;

export function gcCommand(ctx: CliContext): Command {
  return withJsonOption(withStoreOption(new Command('gc')))
    .description('permanently delete runs in the deleted stage and deleted experiments, with their artifacts')
    .option('--older-than <age>', "only what was deleted longer ago than this, e.g. '30d', '2d8h5m20s'")
    .option('--run-ids <ids>', 'comma-separated ids of deleted runs (default: every deleted run)')
    .option('--experiment-ids <ids>', 'comma-separated ids of deleted experiments (default: every deleted experiment)')
    .option('--artifacts-destination <dir>', "where the server stored proxied ('mlflow-artifacts:') artifacts")
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .action(async (o: GcOptions) => {
      const client = ctx.client(o.backendStoreUri);
      const tracking = await client.trackingStore();
      if (!tracking.listDeletedRuns || !tracking.hardDeleteRun) {
        throw new UsageError('This backend cannot delete runs permanently');
      }
      const plan = await planGc(tracking, o);
      const artifactsOf = async (uri: string) => {
        // The run's artifact folder is removed from its parent (a repository never deletes its own root).
        const cut = uri.replace(/\/+$/, '').lastIndexOf('/');
        const [parent, name] = [uri.slice(0, cut), uri.slice(cut + 1)];
        if (uri.startsWith('mlflow-artifacts:')) {
          if (!o.artifactsDestination) return undefined;
          const rel = parent.replace(/^mlflow-artifacts:\/*/, '');
          return { repo: createFsArtifactRepository(path.resolve(o.artifactsDestination, rel)), name };
        }
        try {
          return { repo: await client.artifactRepository(parent), name };
        } catch {
          return undefined;
        }
      };
      const done: string[] = [];
      for (const runId of plan.runIds) {
        if (!o.dryRun) {
          const run = await tracking.getRun(runId);
          const target = await artifactsOf(run.info.artifact_uri);
          if (target?.repo.deleteArtifacts) await target.repo.deleteArtifacts(target.name);
          else if (!o.json)
            ctx.print(
              `Artifacts of run ${runId} at ${run.info.artifact_uri} were not deleted (give --artifacts-destination for mlflow-artifacts: URIs)`,
            );
          await tracking.hardDeleteRun(runId);
        }
        done.push(runId);
        if (!o.json) ctx.print(`${o.dryRun ? 'Would delete' : 'Deleted'} run ${runId}`);
      }
      for (const id of plan.experimentIds) {
        if (!o.dryRun) await tracking.hardDeleteExperiment?.(id);
        if (!o.json) ctx.print(`${o.dryRun ? 'Would delete' : 'Deleted'} experiment ${id}`);
      }
      if (o.json)
        ctx.print(JSON.stringify({ dry_run: !!o.dryRun, run_ids: done, experiment_ids: plan.experimentIds }, null, 2));
      else if (done.length === 0 && plan.experimentIds.length === 0) ctx.print('Nothing to delete');
    });
}

/** Which runs and experiments go, checked as MLflow's gc checks them (deleted stage, old enough). */
async function planGc(tracking: TrackingStore, o: GcOptions): Promise<{ runIds: string[]; experimentIds: string[] }> {
  const olderThan = o.olderThan !== undefined ? parseOlderThan(o.olderThan) : 0;
  const threshold = Date.now() - olderThan;
  const deleted = await tracking.listDeletedRuns!();
  const oldEnough = new Set(
    deleted
      .filter((r) => o.olderThan === undefined || r.deleted_time === undefined || r.deleted_time <= threshold)
      .map((r) => r.run_id),
  );
  const runIds = list(o.runIds) ?? [];
  for (const id of runIds) {
    if (!deleted.some((r) => r.run_id === id)) {
      await tracking.getRun(id); // RESOURCE_DOES_NOT_EXIST for an unknown run
      throw MlflowError.invalidParameter(
        `Run ${id} is not in \`deleted\` lifecycle stage. Only runs in \`deleted\` lifecycle stage can be deleted.`,
      );
    }
    if (!oldEnough.has(id))
      throw MlflowError.invalidParameter(
        `Run ${id} is not older than the required age. Only runs older than ${o.olderThan} can be deleted.`,
      );
  }
  let experimentIds: string[] = [];
  if (tracking.hardDeleteExperiment) {
    const asked = list(o.experimentIds);
    if (asked) {
      const exps = await Promise.all(asked.map((id) => tracking.getExperiment(id)));
      const active = exps.filter((e) => e.lifecycle_stage !== 'deleted').map((e) => e.experiment_id);
      if (active.length > 0) {
        throw MlflowError.invalidParameter(
          `Experiments [${active.join(', ')}] are not in the deleted lifecycle stage. Only experiments in the deleted lifecycle stage can be hard-deleted.`,
        );
      }
      const recent = exps
        .filter((e) => o.olderThan !== undefined && (e.last_update_time ?? Date.now()) >= threshold)
        .map((e) => e.experiment_id);
      if (recent.length > 0) {
        throw MlflowError.invalidParameter(
          `Experiments [${recent.join(', ')}] are not older than the required age. Only experiments older than ${o.olderThan} can be deleted.`,
        );
      }
      experimentIds = asked;
    } else if (!o.runIds) {
      const all: string[] = [];
      let token: string | undefined;
      do {
        const page = await tracking.searchExperiments({
          view_type: 'DELETED_ONLY',
          page_token: token,
          max_results: 1000,
        });
        for (const e of page.items)
          if (o.olderThan === undefined || (e.last_update_time ?? Date.now()) < threshold) all.push(e.experiment_id);
        token = page.next_page_token || undefined;
      } while (token);
      experimentIds = all;
    }
  }
  // With no --run-ids: every old-enough deleted run, plus every run of the experiments going.
  const chosen = o.runIds
    ? runIds
    : deleted.filter((r) => oldEnough.has(r.run_id) || experimentIds.includes(r.experiment_id)).map((r) => r.run_id);
  return { runIds: [...new Set(chosen)], experimentIds };
}

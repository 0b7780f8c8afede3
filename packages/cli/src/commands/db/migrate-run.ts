/**
 * What `db migrate` and `sync` share: open both sides, run the copier with its journal, draw a
 * progress bar on a terminal, print a human summary or `--json`.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { copyStores, openCheckpoint, type CopyOptions, type CopySummary } from '../../copy/index.js';
import type { CliContext } from '../../cli-context.js';
import { formatBytes } from '../../output.js';
import { assertDifferent, defaultJournal, openSide, type OpenedSide } from './migrate-stores.js';

export interface MigrateCliOptions {
  artifacts?: boolean;
  state?: string;
  json?: boolean;
  experimentIds?: string;
  registry?: boolean;
  traces?: boolean;
  loggedModels?: boolean;
  defaultArtifactRoot?: string;
}

export interface MigrateSetup {
  verb: 'migrate' | 'sync';
  /** The side whose folder holds the journal by default. */
  journalSide: 'source' | 'target';
  check?: (source: OpenedSide, target: OpenedSide) => void;
  /** How artifact locations are chosen (see CopyOptions). */
  artifactLocations: (o: MigrateCliOptions, target: OpenedSide) => CopyOptions['artifactLocations'];
}

export async function runMigration(
  ctx: CliContext,
  from: string,
  to: string,
  o: MigrateCliOptions,
  setup: MigrateSetup,
): Promise<CopySummary> {
  const env = ctx.io.env as Record<string, string | undefined>;
  const source = await openSide(from, { env });
  let target: OpenedSide | undefined;
  let bar: cliProgress.SingleBar | undefined;
  try {
    target = await openSide(to, {
      env,
      ...(o.defaultArtifactRoot ? { defaultArtifactRoot: o.defaultArtifactRoot } : {}),
    });
    assertDifferent(source, target);
    setup.check?.(source, target);
    const journalFile = defaultJournal(
      setup.journalSide === 'source' ? source : target,
      source.display,
      target.display,
      `mlflow-ts-${setup.verb}`,
      o.state,
    );
    const checkpoint = openCheckpoint(journalFile, source.display, target.display);
    const tty = ctx.io.stderrIsTTY && !o.json;
    if (tty) {
      bar = new cliProgress.SingleBar(
        {
          format: `${setup.verb} [{bar}] {value}/{total} runs | {phase} {experiment}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(0, 0, { phase: 'planning', experiment: '' });
    }
    let summary: CopySummary;
    try {
      summary = await copyStores(source.stores, target.stores, {
        checkpoint,
        artifacts: !!o.artifacts,
        artifactLocations: setup.artifactLocations(o, target),
        ...(o.experimentIds
          ? {
              experimentIds: o.experimentIds
                .split(',')
                .map((s) => s.trim())
                .filter((s) => s !== ''),
            }
          : {}),
        registry: o.registry !== false,
        traces: o.traces !== false,
        loggedModels: o.loggedModels !== false,
        onProgress: (p) => {
          if (!bar) return;
          bar.setTotal(p.runsTotal);
          bar.update(p.runsDone, { phase: p.phase, experiment: p.experiment ?? '' });
        },
      });
    } finally {
      checkpoint.close();
      bar?.stop();
      bar = undefined;
    }
    if (o.json) {
      ctx.print(
        JSON.stringify(
          { source: source.display, target: target.display, state_file: journalFile, ...summary },
          null,
          2,
        ),
      );
    } else {
      const r = summary.runs;
      ctx.print(`${setup.verb === 'sync' ? 'Synced' : 'Migrated'} ${source.display} → ${target.display}`);
      ctx.print(
        `  experiments: ${summary.experiments}, runs: ${r.copied} copied, ${r.alreadyDone} already done (${r.total} in all)`,
      );
      ctx.print(
        `  metric points: ${summary.metricPoints}, params: ${summary.params}, tags: ${summary.tags}, datasets: ${summary.datasets}`,
      );
      ctx.print(
        `  logged models: ${summary.loggedModels}, traces: ${summary.traces}, registered models: ${summary.registeredModels}, model versions: ${summary.modelVersions}`,
      );
      if (o.artifacts)
        ctx.print(`  artifacts: ${summary.artifacts.files} files, ${formatBytes(summary.artifacts.bytes)}`);
      const changed = Object.keys(summary.runIdChanges).length;
      if (changed > 0)
        ctx.print(
          `  ${changed} runs got new ids in the target (tagged mlflow-ts.sync.sourceRunId; mapping in ${journalFile})`,
        );
      for (const w of summary.warnings) ctx.print(`  warning: ${w}`);
      ctx.print(`  state: ${journalFile} (run the same command again to resume or to bring new runs over)`);
    }
    return summary;
  } finally {
    bar?.stop();
    await target?.close().catch(() => undefined);
    await source.close().catch(() => undefined);
  }
}

/** `--state`, `--experiment-ids`, `--no-registry`, `--no-traces`, `--no-logged-models` and `--json` of migrate and sync. */
export function withCopyScopeOptions(
  cmd: Command,
  help: { state: string; experimentIds: string; json: string },
): Command {
  return cmd
    .option('--state <dir>', help.state)
    .option('--experiment-ids <ids>', help.experimentIds)
    .option('--no-registry', 'leave the model registry out')
    .option('--no-traces', 'leave traces out')
    .option('--no-logged-models', 'leave logged models out')
    .option('--json', help.json);
}

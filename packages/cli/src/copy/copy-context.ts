/** State shared by the copier's parts during one copy. */
import type { Checkpoint } from './checkpoint.js';
import type { CopyOptions, CopySummary, StoreSet } from './types.js';

export interface CopyContext {
  source: StoreSet;
  target: StoreSet;
  opts: CopyOptions;
  cp: Checkpoint;
  summary: CopySummary;
  /** Every write to the target goes through here (the test hook, one place to count). */
  write<T>(fn: () => Promise<T>): Promise<T>;
  warn(message: string): void;
  /** The target's id for a source logged model; undefined when it is not in the target (not copied). */
  modelId(sourceId: string): string | undefined;
  /** The target's id for a source run (the same id when unknown). */
  runId(sourceId: string): string;
  /**
   * Run metric points that are logged-model metrics, by `metricLinkKey` (a run's history may not say
   * which model a point was for; the model's metrics do).
   */
  modelMetricLinks: Map<string, { model_id: string; dataset_name?: string; dataset_digest?: string }>;
}

export function metricLinkKey(
  runId: string,
  m: { key: string; timestamp: number; step: number; value: number },
): string {
  return `${runId}\u0000${m.key}\u0000${m.timestamp}\u0000${m.step}\u0000${String(m.value)}`;
}

export function createCopyContext(
  source: StoreSet,
  target: StoreSet,
  opts: CopyOptions,
  summary: CopySummary,
): CopyContext {
  const cp = opts.checkpoint;
  return {
    source,
    target,
    opts,
    cp,
    summary,
    write(fn) {
      opts.beforeWrite?.();
      return fn();
    },
    warn(message) {
      summary.warnings.push(message);
    },
    modelId: (id) => cp.get('model', id),
    runId: (id) => cp.get('run', id) ?? id,
    modelMetricLinks: new Map(),
  };
}

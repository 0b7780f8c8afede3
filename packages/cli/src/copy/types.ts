/** What the store-to-store copier works on, what it is told, and what it reports. */
import type { ResolvedStores } from '@mlflow-ts/client';
import type { Checkpoint } from './checkpoint.js';

/** One side of a copy: the stores a tracking URI resolves to. */
export type StoreSet = ResolvedStores;

/** Tag on a target run that could not keep its source id (MLflow's REST CreateRun cannot set one). */
export const SOURCE_RUN_TAG = 'mlflow-ts.sync.sourceRunId';
/** Tag on a target logged model: model ids are assigned by the target store. */
export const SOURCE_MODEL_TAG = 'mlflow-ts.migrate.sourceModelId';
/** Tag on a target model version: its source version number (numbers may differ after gaps). */
export const SOURCE_VERSION_TAG = 'mlflow-ts.migrate.sourceVersion';

export interface CopyOptions {
  checkpoint: Checkpoint;
  /** Copy artifact files of runs and logged models (default false: metadata only). */
  artifacts?: boolean;
  /**
   * 'keep': target experiments and runs keep the source's artifact locations (a metadata move: the
   * files stay where they are). 'target': the target store picks locations (needed with `artifacts`).
   */
  artifactLocations: 'keep' | 'target';
  /** Only these source experiments (default: all, deleted ones included). */
  experimentIds?: string[];
  /** Default true each. */
  registry?: boolean;
  loggedModels?: boolean;
  traces?: boolean;
  onProgress?: (p: CopyProgress) => void;
  /** Called before each write to the target (tests use it to stop a copy at an arbitrary point). */
  beforeWrite?: () => void;
}

export interface CopyProgress {
  phase: 'planning' | 'runs' | 'registry' | 'done';
  runsDone: number;
  runsTotal: number;
  /** The experiment being copied. */
  experiment?: string;
}

export interface CopySummary {
  experiments: number;
  runs: { copied: number; alreadyDone: number; total: number };
  metricPoints: number;
  params: number;
  tags: number;
  datasets: number;
  loggedModels: number;
  traces: number;
  registeredModels: number;
  modelVersions: number;
  artifacts: { files: number; bytes: number };
  /** source run id → target run id, where they differ. */
  runIdChanges: Record<string, string>;
  warnings: string[];
}

export function emptySummary(): CopySummary {
  return {
    experiments: 0,
    runs: { copied: 0, alreadyDone: 0, total: 0 },
    metricPoints: 0,
    params: 0,
    tags: 0,
    datasets: 0,
    loggedModels: 0,
    traces: 0,
    registeredModels: 0,
    modelVersions: 0,
    artifacts: { files: 0, bytes: 0 },
    runIdChanges: {},
    warnings: [],
  };
}

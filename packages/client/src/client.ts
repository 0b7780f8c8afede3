/**
 * `MlflowClient`: the whole tracking and registry surface in MLflow-Python's shape (camelCase names,
 * positional ids, option objects for the optional arguments). Stores are resolved lazily from the
 * tracking URI, so `new MlflowClient()` is cheap and never throws.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MlflowError, registerModelVersion, type RegisterModelVersionOptions } from '@mlflow-ts/format';
import type {
  ArtifactRepository,
  DatasetInput,
  Experiment,
  FileInfo,
  Metric,
  ModelInputRef,
  ModelRegistryStore,
  ModelVersion,
  Page,
  Run,
  RunInfo,
  RunStatus,
  TrackingStore,
  ViewType,
} from '@mlflow-ts/format';
import { downloadArtifacts, logLocalDirectory, logLocalFile } from '@mlflow-ts/format/node';
import { stringify as toYaml } from 'yaml';
import { authFromEnv, trackingUriFromEnv, type Env } from './env.js';
import { RegistryMethods } from './registry-methods.js';
import { loggedModelLocationOfRun, splitModelPath } from './run-logged-models.js';
import { defaultStoreRegistry, type ResolvedStores, type StoreRegistry } from './store-registry.js';

/** MLflow's client page size for metric history (`GET_METRIC_HISTORY_MAX_RESULTS`). */
export const METRIC_HISTORY_PAGE_SIZE = 25_000;

export type ArtifactProgress = NonNullable<Parameters<typeof logLocalFile>[3]>;
export type DownloadProgress = NonNullable<Parameters<typeof downloadArtifacts>[3]>;
export type Tags = Record<string, string | number | boolean>;

export interface MlflowClientOptions {
  /** Default: MLFLOW_TRACKING_URI, else `./mlruns`. */
  trackingUri?: string;
  /** Where the model registry lives; default: the tracking URI. */
  registryUri?: string;
  /** Resolves URIs to stores; default `defaultStoreRegistry()`. */
  storeRegistry?: StoreRegistry;
  /** Already-built stores (skips URI resolution). */
  stores?: ResolvedStores;
  env?: Env;
}

export interface SearchExperimentsOptions {
  viewType?: ViewType;
  maxResults?: number;
  filterString?: string;
  orderBy?: string[];
  pageToken?: string;
}

export interface SearchRunsOptions {
  filterString?: string;
  runViewType?: ViewType;
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface LogMetricOptions {
  timestamp?: number;
  step?: number;
  datasetName?: string;
  datasetDigest?: string;
  modelId?: string;
}

function tagList(tags: Tags | undefined): { key: string; value: string }[] {
  return Object.entries(tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
}

export function metricOf(key: string, value: number, opts: LogMetricOptions = {}): Metric {
  if (typeof value !== 'number') {
    throw MlflowError.invalidParameter(
      `Got invalid value ${JSON.stringify(value)} for metric '${key}' (expected a number)`,
    );
  }
  const metric: Metric = { key, value, timestamp: opts.timestamp ?? Date.now(), step: opts.step ?? 0 };
  if (opts.datasetName !== undefined) metric.dataset_name = opts.datasetName;
  if (opts.datasetDigest !== undefined) metric.dataset_digest = opts.datasetDigest;
  if (opts.modelId !== undefined) metric.model_id = opts.modelId;
  return metric;
}

export class MlflowClient extends RegistryMethods {
  readonly trackingUri: string;
  readonly registryUri: string;
  private readonly env: Env;
  private readonly storeRegistry: StoreRegistry;
  private storesPromise?: Promise<ResolvedStores>;
  private registryPromise?: Promise<ModelRegistryStore | undefined>;

  constructor(options: MlflowClientOptions = {}) {
    super();
    this.env = options.env ?? process.env;
    this.trackingUri = options.trackingUri ?? trackingUriFromEnv(this.env);
    this.registryUri = options.registryUri ?? this.trackingUri;
    this.storeRegistry = options.storeRegistry ?? defaultStoreRegistry();
    if (options.stores) this.storesPromise = Promise.resolve(options.stores);
  }

  /** `mlflow.register_model`: registers `modelUri` (`runs:/…`, `models:/…`, an artifact location) as a new version of `name`. */
  async registerModel(modelUri: string, name: string, opts?: RegisterModelVersionOptions): Promise<ModelVersion> {
    return registerModelVersion(
      { tracking: await this.trackingStore(), registry: await this.registry() },
      modelUri,
      name,
      opts,
    );
  }

  /** The resolved stores (tracking, optional registry, artifact repositories). */
  stores(): Promise<ResolvedStores> {
    this.storesPromise ??= this.storeRegistry.resolve(this.trackingUri, {
      env: this.env,
      ...(authFromEnv(this.env) ? { auth: authFromEnv(this.env) } : {}),
    });
    return this.storesPromise;
  }

  async trackingStore(): Promise<TrackingStore> {
    return (await this.stores()).tracking;
  }

  protected override registryStore(): Promise<ModelRegistryStore | undefined> {
    this.registryPromise ??= (async () => {
      if (this.registryUri === this.trackingUri) return (await this.stores()).registry;
      const resolved = await this.storeRegistry.resolve(this.registryUri, { env: this.env });
      return resolved.registry;
    })();
    return this.registryPromise;
  }

  /** Releases store resources (file handles, connections). */
  async close(): Promise<void> {
    if (!this.storesPromise) return;
    const stores = await this.storesPromise.catch(() => undefined);
    await stores?.tracking.close?.();
    await stores?.registry?.close?.();
  }

  // ---- experiments ----

  async createExperiment(name: string, opts: { artifactLocation?: string; tags?: Tags } = {}): Promise<string> {
    const req: Parameters<TrackingStore['createExperiment']>[0] = { name, tags: tagList(opts.tags) };
    if (opts.artifactLocation !== undefined) req.artifact_location = opts.artifactLocation;
    return (await this.trackingStore()).createExperiment(req);
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.trackingStore()).getExperiment(experimentId);
  }

  async getExperimentByName(name: string): Promise<Experiment | null> {
    return (await this.trackingStore()).getExperimentByName(name);
  }

  async searchExperiments(opts: SearchExperimentsOptions = {}): Promise<Page<Experiment>> {
    return (await this.trackingStore()).searchExperiments({
      view_type: opts.viewType ?? 'ACTIVE_ONLY',
      max_results: opts.maxResults ?? 1000,
      ...(opts.filterString ? { filter: opts.filterString } : {}),
      ...(opts.orderBy?.length ? { order_by: opts.orderBy } : {}),
      ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
    });
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await (await this.trackingStore()).renameExperiment(experimentId, newName);
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await (await this.trackingStore()).deleteExperiment(experimentId);
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await (await this.trackingStore()).restoreExperiment(experimentId);
  }

  async setExperimentTag(experimentId: string, key: string, value: string | number | boolean): Promise<void> {
    await (await this.trackingStore()).setExperimentTag(experimentId, { key, value: String(value) });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    await (await this.trackingStore()).deleteExperimentTag(experimentId, key);
  }

  // ---- runs ----

  async createRun(
    experimentId: string,
    opts: { startTime?: number; tags?: Tags; runName?: string; userId?: string } = {},
  ): Promise<Run> {
    return (await this.trackingStore()).createRun({
      experiment_id: experimentId,
      start_time: opts.startTime ?? Date.now(),
      tags: tagList(opts.tags),
      ...(opts.runName !== undefined ? { run_name: opts.runName } : {}),
      ...(opts.userId !== undefined ? { user_id: opts.userId } : {}),
    });
  }

  async getRun(runId: string): Promise<Run> {
    return (await this.trackingStore()).getRun(runId);
  }

  async updateRun(runId: string, opts: { status?: RunStatus; endTime?: number; name?: string } = {}): Promise<RunInfo> {
    return (await this.trackingStore()).updateRun(runId, {
      ...(opts.status !== undefined ? { status: opts.status } : {}),
      ...(opts.endTime !== undefined ? { end_time: opts.endTime } : {}),
      ...(opts.name !== undefined ? { run_name: opts.name } : {}),
    });
  }

  /** Ends a run: status (default FINISHED) and end time (default now). */
  async setTerminated(runId: string, status: RunStatus = 'FINISHED', endTime: number = Date.now()): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime });
  }

  async deleteRun(runId: string): Promise<void> {
    await (await this.trackingStore()).deleteRun(runId);
  }

  async restoreRun(runId: string): Promise<void> {
    await (await this.trackingStore()).restoreRun(runId);
  }

  async searchRuns(experimentIds: string | string[], opts: SearchRunsOptions = {}): Promise<Page<Run>> {
    return (await this.trackingStore()).searchRuns({
      experiment_ids: Array.isArray(experimentIds) ? experimentIds : [experimentIds],
      run_view_type: opts.runViewType ?? 'ACTIVE_ONLY',
      max_results: opts.maxResults ?? 1000,
      ...(opts.filterString ? { filter: opts.filterString } : {}),
      ...(opts.orderBy?.length ? { order_by: opts.orderBy } : {}),
      ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
    });
  }

  async logMetric(runId: string, key: string, value: number, opts: LogMetricOptions = {}): Promise<void> {
    await (await this.trackingStore()).logMetric(runId, metricOf(key, value, opts));
  }

  async logParam(runId: string, key: string, value: unknown): Promise<void> {
    await (await this.trackingStore()).logParam(runId, { key, value: String(value) });
  }

  async setTag(runId: string, key: string, value: unknown): Promise<void> {
    await (await this.trackingStore()).setTag(runId, { key, value: String(value) });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await (await this.trackingStore()).deleteTag(runId, key);
  }

  /** One atomic batch; callers keep within LOG_BATCH limits (1000 metrics, 100 params, 100 tags). */
  async logBatch(
    runId: string,
    batch: { metrics?: Metric[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] },
  ): Promise<void> {
    await (await this.trackingStore()).logBatch(runId, batch);
  }

  async logInputs(runId: string, opts: { datasets?: DatasetInput[]; models?: ModelInputRef[] }): Promise<void> {
    await (await this.trackingStore()).logInputs(runId, opts);
  }

  /** One page of a metric's history, in log order. */
  async getMetricHistoryPage(
    runId: string,
    key: string,
    opts: { maxResults?: number; pageToken?: string } = {},
  ): Promise<Page<Metric>> {
    return (await this.trackingStore()).getMetricHistory(runId, key, {
      max_results: opts.maxResults ?? METRIC_HISTORY_PAGE_SIZE,
      ...(opts.pageToken ? { page_token: opts.pageToken } : {}),
    });
  }

  /** The whole history of a metric, following page tokens as MLflow's client does. */
  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const all: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.getMetricHistoryPage(runId, key, pageToken ? { pageToken } : {});
      all.push(...page.items);
      pageToken = page.next_page_token;
    } while (pageToken);
    return all;
  }

  // ---- artifacts ----

  /** The artifact repository rooted at a run's `artifact_uri`. */
  async runArtifactRepository(runId: string): Promise<ArtifactRepository> {
    const [stores, run] = await Promise.all([this.stores(), this.getRun(runId)]);
    return stores.artifacts(run.info.artifact_uri);
  }

  /** A repository for any artifact URI the tracking store can reach. */
  async artifactRepository(artifactUri: string): Promise<ArtifactRepository> {
    return (await this.stores()).artifacts(artifactUri);
  }

  async logArtifact(
    runId: string,
    localPath: string,
    artifactPath?: string,
    onProgress?: ArtifactProgress,
  ): Promise<void> {
    await logLocalFile(await this.runArtifactRepository(runId), localPath, artifactPath, onProgress);
  }

  async logArtifacts(
    runId: string,
    localDir: string,
    artifactPath?: string,
    onProgress?: ArtifactProgress,
  ): Promise<void> {
    await logLocalDirectory(await this.runArtifactRepository(runId), localDir, artifactPath, onProgress);
  }

  async listArtifacts(runId: string, artifactPath?: string): Promise<FileInfo[]> {
    const own = await (await this.runArtifactRepository(runId)).listArtifacts(artifactPath);
    // MLflow 3: under `<name>/`, the files of the logged model `<name>` this run produced too.
    const model = await this.runLoggedModel(runId, artifactPath);
    if (!model) return own;
    const files = await (await this.artifactRepository(model.location)).listArtifacts(model.rest || undefined);
    return [...own, ...files.map((f) => ({ ...f, path: `${model.name}/${f.path}` }))];
  }

  private async runLoggedModel(
    runId: string,
    artifactPath?: string,
  ): Promise<{ name: string; rest: string; location: string } | undefined> {
    const split = splitModelPath(artifactPath);
    if (!split) return undefined;
    const [tracking, run] = await Promise.all([this.trackingStore(), this.getRun(runId)]);
    const location = await loggedModelLocationOfRun(tracking, run.info.experiment_id, runId, split[0]);
    return location ? { name: split[0], rest: split[1], location } : undefined;
  }

  /**
   * Downloads a file or directory of a run's artifacts (`''` = all) into `dstPath` (default: a new
   * temporary directory). Returns the local path of the downloaded artifact.
   */
  async downloadArtifacts(
    runId: string,
    artifactPath = '',
    dstPath?: string,
    onProgress?: DownloadProgress,
  ): Promise<string> {
    const repo = await this.runArtifactRepository(runId);
    const dst = dstPath ?? (await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-artifacts-')));
    // MLflow 3: a logged model of this run named like the first segment; its files win over run
    // artifacts of the same name, as MLflow's RunsArtifactRepository overwrites them.
    const model = await this.runLoggedModel(runId, artifactPath);
    let local: string | undefined;
    try {
      local = await downloadArtifacts(repo, artifactPath, dst, onProgress);
    } catch (e) {
      if (!model) throw e;
    }
    if (!model) return local as string;
    const modelDst = path.join(dst, model.name);
    const fromModel = await downloadArtifacts(
      await this.artifactRepository(model.location),
      model.rest,
      modelDst,
      onProgress,
    );
    return local ?? fromModel;
  }

  /** Downloads everything under an artifact URI (e.g. a model version's source) into `dstPath`. */
  async downloadArtifactsFromUri(
    artifactUri: string,
    dstPath?: string,
    onProgress?: DownloadProgress,
  ): Promise<string> {
    const repo = await this.artifactRepository(artifactUri);
    const dst = dstPath ?? (await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-artifacts-')));
    return downloadArtifacts(repo, '', dst, onProgress);
  }

  /** Writes `text` as the run artifact `artifactFile` (e.g. `notes/readme.txt`). */
  async logText(runId: string, text: string, artifactFile: string): Promise<void> {
    const repo = await this.runArtifactRepository(runId);
    await repo.writeArtifact(artifactFile, new TextEncoder().encode(text));
  }

  /** Writes a dictionary as JSON (indent 2), or YAML when `artifactFile` ends in .yaml/.yml. */
  async logDict(runId: string, dictionary: unknown, artifactFile: string): Promise<void> {
    const text = /\.ya?ml$/i.test(artifactFile) ? toYaml(dictionary) : JSON.stringify(dictionary, null, 2);
    await this.logText(runId, text, artifactFile);
  }
}

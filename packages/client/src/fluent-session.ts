/**
 * The state behind the fluent API (`startRun`, `logMetric`, …): tracking URI, active experiment,
 * the stack of active runs and their metric buffers. The module-level functions in `fluent.ts` use
 * one default session; embedders and tests can build their own.
 */
import { MlflowError } from '@mlflow-ts/format';
import type { Experiment, Run, RunStatus } from '@mlflow-ts/format';
import { ActiveRun } from './active-run.js';
import { MlflowClient, metricOf, type LogMetricOptions, type Tags } from './client.js';
import { MLFLOW_PARENT_RUN_ID, MLFLOW_RUN_NAME, MLFLOW_RUN_NOTE, resolveContextTags } from './context-tags.js';
import { experimentIdFromEnv, experimentNameFromEnv, runIdFromEnv, trackingUriFromEnv, type Env } from './env.js';
import { MetricBuffer, type MetricBufferOptions } from './metric-buffer.js';
import { defaultStoreRegistry, type StoreRegistry } from './store-registry.js';

export interface StartRunOptions {
  /** Resume this existing run instead of creating one (MLFLOW_RUN_ID does the same for the first run). */
  runId?: string;
  experimentId?: string;
  runName?: string;
  /** Start inside the active run (tag `mlflow.parentRunId`); without it an active run is an error. */
  nested?: boolean;
  /** Explicit parent (implies nesting under that run even when it is not active here). */
  parentRunId?: string;
  tags?: Tags;
  /** Stored as tag `mlflow.note.content`. */
  description?: string;
  /** Add mlflow.user / mlflow.source.* / git tags (default true). */
  logSystemTags?: boolean;
}

interface StackEntry {
  run: ActiveRun;
  buffer: MetricBuffer;
}

/** Per-request chunk sizes from MLflow's log-batch limits. */
const MAX_PARAMS_PER_BATCH = 100;
const MAX_TAGS_PER_BATCH = 100;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class FluentSession {
  private trackingUri: string | undefined;
  private storeRegistry: StoreRegistry = defaultStoreRegistry();
  private clientCache: MlflowClient | undefined;
  private activeExperimentId: string | undefined;
  private readonly stack: StackEntry[] = [];
  private lastRunId: string | undefined;
  private envRunIdConsumed = false;
  private exitHookInstalled = false;

  constructor(
    private readonly env: Env = process.env,
    private readonly bufferOptions: MetricBufferOptions = {},
  ) {}

  // ---- configuration ----

  setTrackingUri(uri: string): void {
    this.trackingUri = uri;
    this.clientCache = undefined;
  }

  getTrackingUri(): string {
    return this.trackingUri ?? trackingUriFromEnv(this.env);
  }

  /** Replaces the scheme → store registry (e.g. one that also knows grpc:// and http://). */
  setStoreRegistry(registry: StoreRegistry): void {
    this.storeRegistry = registry;
    this.clientCache = undefined;
  }

  getStoreRegistry(): StoreRegistry {
    return this.storeRegistry;
  }

  /** The client the fluent calls use, for the current tracking URI. */
  client(): MlflowClient {
    const uri = this.getTrackingUri();
    if (!this.clientCache || this.clientCache.trackingUri !== uri) {
      this.clientCache = new MlflowClient({ trackingUri: uri, storeRegistry: this.storeRegistry, env: this.env });
    }
    return this.clientCache;
  }

  /** Makes `name` the active experiment, creating it when it does not exist. */
  async setExperiment(nameOrOpts: string | { experimentName?: string; experimentId?: string }): Promise<Experiment> {
    const opts = typeof nameOrOpts === 'string' ? { experimentName: nameOrOpts } : nameOrOpts;
    const client = this.client();
    let experiment: Experiment | null;
    if (opts.experimentId !== undefined) {
      experiment = await client.getExperiment(opts.experimentId);
    } else if (opts.experimentName) {
      experiment = await client.getExperimentByName(opts.experimentName);
      if (!experiment) experiment = await client.getExperiment(await client.createExperiment(opts.experimentName));
    } else {
      throw MlflowError.invalidParameter('setExperiment needs an experiment name or id');
    }
    if (experiment.lifecycle_stage !== 'active') {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Cannot set a deleted experiment '${experiment.name}' as the active experiment. ` +
          'Restore it first or use another experiment name.',
      );
    }
    this.activeExperimentId = experiment.experiment_id;
    return experiment;
  }

  /** Active experiment, else MLFLOW_EXPERIMENT_NAME (created if missing), else MLFLOW_EXPERIMENT_ID, else "0". */
  async resolveExperimentId(): Promise<string> {
    if (this.activeExperimentId !== undefined) return this.activeExperimentId;
    const client = this.client();
    const name = experimentNameFromEnv(this.env);
    const id = experimentIdFromEnv(this.env);
    if (name !== undefined) {
      const experiment = await client.getExperimentByName(name);
      if (!experiment) return client.createExperiment(name);
      if (id !== undefined && id !== experiment.experiment_id) {
        throw MlflowError.invalidParameter(
          `MLFLOW_EXPERIMENT_ID '${id}' does not match the id '${experiment.experiment_id}' of MLFLOW_EXPERIMENT_NAME '${name}'`,
        );
      }
      return experiment.experiment_id;
    }
    if (id !== undefined) {
      await client.getExperiment(id); // RESOURCE_DOES_NOT_EXIST when the id is wrong
      return id;
    }
    return '0';
  }

  // ---- runs ----

  activeRun(): ActiveRun | undefined {
    return this.stack.at(-1)?.run;
  }

  /** The last run started (or still active) in this session, fetched fresh from the store. */
  async lastActiveRun(): Promise<Run | undefined> {
    const id = this.activeRun()?.runId ?? this.lastRunId;
    return id === undefined ? undefined : this.client().getRun(id);
  }

  async startRun(opts: StartRunOptions = {}): Promise<ActiveRun> {
    const parent = this.activeRun();
    if (parent && !opts.nested) {
      throw new MlflowError(
        'INVALID_STATE',
        `Run with UUID ${parent.runId} is already active. To start a new run, first end the current run ` +
          'with endRun(). To start a nested run, call startRun with { nested: true }',
      );
    }
    let existingRunId = opts.runId;
    if (existingRunId === undefined && !this.envRunIdConsumed) {
      existingRunId = runIdFromEnv(this.env);
      // MLflow deletes MLFLOW_RUN_ID after using it once: only the first run of a process resumes it.
      this.envRunIdConsumed = true;
    }
    const run =
      existingRunId !== undefined ? await this.resumeRun(existingRunId, opts) : await this.createRun(opts, parent);
    const runId = run.info.run_id;
    const client = this.client();
    const entry: StackEntry = {
      run: new ActiveRun(run, (r, status) => this.endRunsDownTo(r, status)),
      buffer: new MetricBuffer((metrics) => client.logBatch(runId, { metrics }), this.bufferOptions),
    };
    this.stack.push(entry);
    this.installExitHook();
    return entry.run;
  }

  private async createRun(opts: StartRunOptions, parent: ActiveRun | undefined): Promise<Run> {
    const client = this.client();
    const experimentId =
      opts.experimentId ??
      (parent && opts.nested ? parent.info.experiment_id : undefined) ??
      (await this.resolveExperimentId());
    const tags: Record<string, string> = opts.logSystemTags === false ? {} : await resolveContextTags(this.env);
    for (const [k, v] of Object.entries(opts.tags ?? {})) tags[k] = String(v);
    const parentRunId = opts.parentRunId ?? (opts.nested ? parent?.runId : undefined);
    if (parentRunId !== undefined) tags[MLFLOW_PARENT_RUN_ID] = parentRunId;
    if (opts.runName !== undefined) tags[MLFLOW_RUN_NAME] = opts.runName;
    if (opts.description !== undefined) tags[MLFLOW_RUN_NOTE] = opts.description;
    return client.createRun(experimentId, { tags, ...(opts.runName !== undefined ? { runName: opts.runName } : {}) });
  }

  private async resumeRun(runId: string, opts: StartRunOptions): Promise<Run> {
    const client = this.client();
    const existing = await client.getRun(runId);
    if (existing.info.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(`Cannot start run with ID ${runId} because it is in the deleted state.`);
    }
    if (opts.experimentId !== undefined && opts.experimentId !== existing.info.experiment_id) {
      throw MlflowError.invalidParameter(
        `The run ${runId} belongs to experiment ${existing.info.experiment_id}, not to ${opts.experimentId}`,
      );
    }
    await client.updateRun(runId, { status: 'RUNNING', ...(opts.runName !== undefined ? { name: opts.runName } : {}) });
    const tags = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value: String(value) }));
    if (opts.description !== undefined) tags.push({ key: MLFLOW_RUN_NOTE, value: opts.description });
    for (const part of chunks(tags, MAX_TAGS_PER_BATCH)) await client.logBatch(runId, { tags: part });
    return client.getRun(runId);
  }

  /** Ends the innermost active run (no-op when none is active). */
  async endRun(status: RunStatus = 'FINISHED'): Promise<void> {
    const top = this.stack.at(-1);
    if (top) await this.endRunsDownTo(top.run, status);
  }

  /** Ends `run` and every run nested above it on the stack, innermost first. */
  private async endRunsDownTo(run: ActiveRun, status: RunStatus): Promise<void> {
    if (!this.stack.some((e) => e.run === run)) return;
    let firstError: unknown;
    while (this.stack.length > 0) {
      const entry = this.stack.pop()!;
      try {
        await entry.buffer.flush();
      } catch (e) {
        firstError ??= e;
      }
      try {
        await this.client().setTerminated(entry.run.runId, status);
      } catch (e) {
        firstError ??= e;
      }
      this.lastRunId = entry.run.runId;
      if (entry.run === run) break;
    }
    if (firstError !== undefined) throw firstError;
  }

  /** Runs `fn` inside a new run: FINISHED when it resolves, FAILED (and rethrown) when it throws. */
  async withRun<T>(opts: StartRunOptions, fn: (run: ActiveRun) => T | Promise<T>): Promise<T> {
    const run = await this.startRun(opts);
    let result: T;
    try {
      result = await fn(run);
    } catch (e) {
      await this.endRunsDownTo(run, 'FAILED').catch(() => undefined);
      throw e;
    }
    await this.endRunsDownTo(run, 'FINISHED');
    return result;
  }

  private async runForLogging(): Promise<StackEntry> {
    if (this.stack.length === 0) await this.startRun();
    return this.stack.at(-1)!;
  }

  // ---- logging into the active run ----

  async logMetric(key: string, value: number, opts: LogMetricOptions = {}): Promise<void> {
    const entry = await this.runForLogging();
    await entry.buffer.add([metricOf(key, value, opts)]);
  }

  async logMetrics(metrics: Record<string, number>, opts: LogMetricOptions = {}): Promise<void> {
    const entry = await this.runForLogging();
    const timestamp = opts.timestamp ?? Date.now();
    await entry.buffer.add(Object.entries(metrics).map(([k, v]) => metricOf(k, v, { ...opts, timestamp })));
  }

  async logParam(key: string, value: unknown): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().logParam(run.runId, key, value);
  }

  async logParams(params: Record<string, unknown>): Promise<void> {
    await this.logBatched('params', params, MAX_PARAMS_PER_BATCH);
  }

  async setTag(key: string, value: unknown): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().setTag(run.runId, key, value);
  }

  async setTags(tags: Record<string, unknown>): Promise<void> {
    await this.logBatched('tags', tags, MAX_TAGS_PER_BATCH);
  }

  /** Logs `values` as the active run's params or tags (values stringified), `perBatch` per logBatch. */
  private async logBatched(field: 'params' | 'tags', values: Record<string, unknown>, perBatch: number): Promise<void> {
    const { run } = await this.runForLogging();
    const list = Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));
    for (const part of chunks(list, perBatch)) await this.client().logBatch(run.runId, { [field]: part });
  }

  async deleteTag(key: string): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().deleteTag(run.runId, key);
  }

  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().logArtifact(run.runId, localPath, artifactPath);
  }

  async logArtifacts(localDir: string, artifactPath?: string): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().logArtifacts(run.runId, localDir, artifactPath);
  }

  async logDict(dictionary: unknown, artifactFile: string): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().logDict(run.runId, dictionary, artifactFile);
  }

  async logText(text: string, artifactFile: string): Promise<void> {
    const { run } = await this.runForLogging();
    await this.client().logText(run.runId, text, artifactFile);
  }

  /** The artifact URI of the active run, or of `artifactPath` inside it. */
  async getArtifactUri(artifactPath?: string): Promise<string> {
    const { run } = await this.runForLogging();
    const base = run.info.artifact_uri.replace(/\/+$/, '');
    return artifactPath ? `${base}/${artifactPath.replace(/^\/+/, '')}` : base;
  }

  /** Sends every buffered metric of every active run. */
  async flush(): Promise<void> {
    for (const entry of [...this.stack]) await entry.buffer.flush();
  }

  /**
   * When the event loop empties, flush buffered metrics and end still-active runs as FINISHED, as
   * MLflow's atexit hook does. `beforeExit` does not fire on `process.exit()` or a crash, so explicit
   * `endRun`/`flush` stay the reliable path.
   */
  private installExitHook(): void {
    if (this.exitHookInstalled) return;
    this.exitHookInstalled = true;
    process.on('beforeExit', () => {
      if (this.stack.length === 0) return;
      this.endRunsDownTo(this.stack[0]!.run, 'FINISHED').catch((e: unknown) => {
        process.stderr.write(`mlflow-ts: could not end the active run at exit: ${String(e)}\n`);
        process.exitCode ||= 1;
      });
    });
  }
}

/**
 * The fluent API, MLflow-Python style: module functions over one process-wide `FluentSession`.
 *
 *   await setExperiment('my-exp');
 *   await withRun({ runName: 'train' }, async () => { await logParam('lr', 0.1); await logMetric('loss', 0.4); });
 */
import type { Experiment, ModelVersion, RegisterModelVersionOptions, Run, RunStatus } from '@mlflow-ts/format';
import type { ActiveRun } from './active-run.js';
import type { LogMetricOptions, MlflowClient } from './client.js';
import { FluentSession, type StartRunOptions } from './fluent-session.js';
import type { StoreRegistry } from './store-registry.js';

let session = new FluentSession();

/** The session the module functions use. */
export function fluentSession(): FluentSession {
  return session;
}

/** Swaps the process-wide session (tests, embedders); returns the previous one. */
export function setFluentSession(next: FluentSession): FluentSession {
  const previous = session;
  session = next;
  return previous;
}

export const setTrackingUri = (uri: string): void => session.setTrackingUri(uri);
export const getTrackingUri = (): string => session.getTrackingUri();
export const setStoreRegistry = (registry: StoreRegistry): void => session.setStoreRegistry(registry);
/** The client behind the fluent functions (same tracking URI and store registry). */
export const getClient = (): MlflowClient => session.client();
/** `mlflow.register_model(model_uri, name)` against the current tracking URI's registry. */
export const registerModel = (
  modelUri: string,
  name: string,
  opts?: RegisterModelVersionOptions,
): Promise<ModelVersion> => session.client().registerModel(modelUri, name, opts);
export const setExperiment = (
  nameOrOpts: string | { experimentName?: string; experimentId?: string },
): Promise<Experiment> => session.setExperiment(nameOrOpts);

/**
 * Starts (or resumes) a run and makes it active. With a callback, runs it inside the run and ends the
 * run FINISHED, or FAILED when the callback throws (the error is rethrown).
 */
export function startRun(opts?: StartRunOptions): Promise<ActiveRun>;
export function startRun<T>(opts: StartRunOptions, fn: (run: ActiveRun) => T | Promise<T>): Promise<T>;
export function startRun<T>(
  opts: StartRunOptions = {},
  fn?: (run: ActiveRun) => T | Promise<T>,
): Promise<ActiveRun | T> {
  return fn ? session.withRun(opts, fn) : session.startRun(opts);
}

export const withRun = <T>(opts: StartRunOptions, fn: (run: ActiveRun) => T | Promise<T>): Promise<T> =>
  session.withRun(opts, fn);
export const endRun = (status: RunStatus = 'FINISHED'): Promise<void> => session.endRun(status);
export const activeRun = (): ActiveRun | undefined => session.activeRun();
export const lastActiveRun = (): Promise<Run | undefined> => session.lastActiveRun();

export const logParam = (key: string, value: unknown): Promise<void> => session.logParam(key, value);
export const logParams = (params: Record<string, unknown>): Promise<void> => session.logParams(params);
export const logMetric = (key: string, value: number, opts?: LogMetricOptions): Promise<void> =>
  session.logMetric(key, value, opts);
export const logMetrics = (metrics: Record<string, number>, opts?: LogMetricOptions): Promise<void> =>
  session.logMetrics(metrics, opts);
export const setTag = (key: string, value: unknown): Promise<void> => session.setTag(key, value);
export const setTags = (tags: Record<string, unknown>): Promise<void> => session.setTags(tags);
export const deleteTag = (key: string): Promise<void> => session.deleteTag(key);
export const logArtifact = (localPath: string, artifactPath?: string): Promise<void> =>
  session.logArtifact(localPath, artifactPath);
export const logArtifacts = (localDir: string, artifactPath?: string): Promise<void> =>
  session.logArtifacts(localDir, artifactPath);
export const logDict = (dictionary: unknown, artifactFile: string): Promise<void> =>
  session.logDict(dictionary, artifactFile);
export const logText = (text: string, artifactFile: string): Promise<void> => session.logText(text, artifactFile);
export const getArtifactUri = (artifactPath?: string): Promise<string> => session.getArtifactUri(artifactPath);
/** Sends buffered metrics now (endRun and process exit do this too). */
export const flush = (): Promise<void> => session.flush();

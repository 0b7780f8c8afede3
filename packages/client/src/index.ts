/** @mlflow-ts/client — the TypeScript logging API: fluent runs, MlflowClient, tracking-URI resolution. */
export {
  DEFAULT_TRACKING_URI,
  createFileStoreFactory,
  createStoreRegistry,
  defaultStoreRegistry,
  fileStoreFactory,
  localPathOfUri,
} from './store-registry.js';
export type {
  FileStoreFactoryOptions,
  ResolvedStores,
  StoreAuth,
  StoreFactory,
  StoreFactoryEnv,
  StoreRegistry,
} from './store-registry.js';
export { METRIC_HISTORY_PAGE_SIZE, MlflowClient, metricOf } from './client.js';
export type {
  ArtifactProgress,
  DownloadProgress,
  LogMetricOptions,
  MlflowClientOptions,
  SearchExperimentsOptions,
  SearchRunsOptions,
  Tags,
} from './client.js';
export type { SearchRegistryOptions } from './registry-methods.js';
export { ActiveRun } from './active-run.js';
export { FluentSession } from './fluent-session.js';
export type { StartRunOptions } from './fluent-session.js';
export { MAX_METRICS_PER_BATCH, MetricBuffer } from './metric-buffer.js';
export type { MetricBufferOptions } from './metric-buffer.js';
export {
  MLFLOW_GIT_COMMIT,
  MLFLOW_PARENT_RUN_ID,
  MLFLOW_RUN_NAME,
  MLFLOW_RUN_NOTE,
  MLFLOW_SOURCE_NAME,
  MLFLOW_SOURCE_TYPE,
  MLFLOW_USER,
  resolveContextTags,
} from './context-tags.js';
export { authFromEnv, trackingUriFromEnv } from './env.js';
export {
  activeRun,
  deleteTag,
  endRun,
  flush,
  fluentSession,
  getArtifactUri,
  getClient,
  getTrackingUri,
  lastActiveRun,
  logArtifact,
  logArtifacts,
  logDict,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  logText,
  registerModel,
  setExperiment,
  setFluentSession,
  setStoreRegistry,
  setTag,
  setTags,
  setTrackingUri,
  startRun,
  withRun,
} from './fluent.js';
export {
  createExperimentResponse,
  formatRestJson,
  getExperimentResponse,
  getMetricHistoryResponse,
  getRunResponse,
  listArtifactsResponse,
  searchExperimentsResponse,
  searchRunsResponse,
  toRestJson,
  updateRunResponse,
} from './rest-json.js';
export { run } from './projects.js';
export {
  ENV_MANAGERS,
  buildDockerContext,
  dockerInstalled,
  prepareProject,
  runProject,
  trackingUriForChild,
} from './projects/run-project.js';
export type { EnvManager, PreparedProject, RunProjectOptions } from './projects/run-project.js';
export { CompletedSubmittedRun, LocalSubmittedRun } from './projects/submitted-run.js';
export type { SubmittedRun } from './projects/submitted-run.js';
export type { ProjectOutput } from './projects/output.js';
export { defaultProjectsCacheDir, fetchProject, parseSubdirectory } from './projects/fetch-project.js';
export { loadProject } from './projects/load-project.js';
export type { LoadedProject } from './projects/load-project.js';
export { dockerRunCommand, generatedDockerfile } from './projects/docker.js';
export type { DockerBuildContext } from './projects/docker.js';
export { configureTracing, createMlflowTracing, flushTraces, startSpan, trace } from './tracing/mlflow-tracing.js';
export type { MlflowSpan, MlflowTracing, SpanOptions, TraceOptions, TracingOptions } from './tracing/mlflow-tracing.js';

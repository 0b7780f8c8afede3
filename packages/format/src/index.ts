/**
 * @mlflow-ts/format — the specification every other package builds on. No `node:` imports here:
 * this entry runs in a browser too.
 */
export {
  ERROR_CODES,
  GRPC_STATUS,
  MlflowError,
  errorCodeForGrpcStatus,
  errorCodeForHttpStatus,
  grpcStatusForErrorCode,
  httpStatusForErrorCode,
} from './errors.js';
export type { ErrorCode } from './errors.js';
export {
  Dataset,
  DatasetInput,
  Experiment,
  ExperimentTag,
  FileInfo,
  InputTag,
  KeyValue,
  LifecycleStage,
  MODEL_VERSION_STAGES,
  Metric,
  ModelInput as ModelInputRefSchema,
  ModelOutput as ModelOutputRefSchema,
  ModelVersion,
  ModelVersionStage,
  ModelVersionStatus,
  Param,
  RUN_STATUSES,
  RUN_STATUS_NUMBERS,
  RegisteredModel,
  RegisteredModelAlias,
  Run,
  RunData,
  RunInfo,
  RunInputs,
  RunOutputs,
  RunStatus,
  RunTag,
  TERMINAL_RUN_STATUSES,
  ViewType,
} from './entities.js';
export type { ModelInputRef, ModelOutputRef, Page } from './entities.js';
export type {
  CreateRunRequest,
  LogBatchRequest,
  MetricHistoryBulkIntervalRequest,
  MetricHistoryRequest,
  MetricWithRunId,
  SearchExperimentsRequest,
  SearchRunsRequest,
  TrackingStore,
  UpdateRunRequest,
} from './tracking-store.js';
export type { ImportExperimentRequest, ImportRunRequest } from './tracking-store.js';
export type { CreateModelVersionRequest, ModelRegistryStore, SearchRegistryRequest } from './registry-store.js';
export {
  SPANS_IN_TRACKING_STORE,
  SpanRecord,
  TRACE_KEYS,
  TRACE_STATES,
  TraceInfo,
  TraceLocation,
  TraceState,
  isValidTraceId,
  mlflowTraceIdFromOtel,
  traceExperimentId,
} from './trace-entities.js';
export type { Trace } from './trace-entities.js';
export type { DeleteTracesRequest, SearchTracesRequest, TraceStore } from './trace-store.js';
export {
  MAX_SPANS_PER_BATCH,
  MAX_TRACE_TAG_KEY_LENGTH,
  MAX_TRACE_TAG_VALUE_LENGTH,
  assertTraceId,
  checkSpanBatch,
  isTraceComplete,
  mergeSpans,
  orderSpans,
  startedTraceInfo,
  traceArtifactLocation,
  traceInfoAfterSpans,
  validateDeleteTraces,
  validateTraceTag,
} from './trace-logic.js';
export {
  base64ToHex,
  bytesToBase64,
  bytesToHex,
  formatProtoDuration,
  formatProtoTimestamp,
  fromAnyValue,
  hexToBytes,
  parseProtoDuration,
  parseProtoTimestamp,
  pythonJsonDumps,
  spanFromOtlp,
  spanToOtlpJson,
  toAnyValue,
  traceIdOfSpan,
  traceInfoFromJson,
  traceInfoToJson,
} from './trace-json.js';

export {
  LOGGED_MODEL_STATUSES,
  LOGGED_MODEL_STATUS_NAMES,
  LOGGED_MODEL_STATUS_NUMBERS,
  LoggedModel,
  LoggedModelData,
  LoggedModelInfo,
  LoggedModelParameter,
  LoggedModelRegistrationInfo,
  LoggedModelStatus,
  LoggedModelTag,
  MODEL_VERSIONS_TAG,
  checkLoggedModelId,
  modelVersionsTagValue,
  generateLoggedModelName,
  latestLoggedModelMetrics,
  loggedModelArtifactLocation,
  loggedModelStatusOf,
  newLoggedModelId,
  validateLoggedModelName,
} from './logged-model.js';
export { validateCreateLoggedModel } from './logged-model-create.js';
export type {
  CreateLoggedModelRequest,
  LoggedModelDatasetFilter,
  LoggedModelOrderBy,
  LoggedModelStore,
  SearchLoggedModelsRequest,
} from './logged-model-store.js';
export type { ArtifactRepository, ArtifactRepositoryFactory, ByteSource } from './artifact-repository.js';
export { createFlavorRegistry } from './flavor.js';
export { registerModelVersion } from './register-model-version.js';
export type { RegisterModelVersionOptions } from './register-model-version.js';
export type { Flavor, FlavorDependencies, FlavorRegistry, LoadedModel, SaveModelOptions } from './flavor.js';
export type {
  DataFrameInput,
  EnforcedInput,
  ModelInput,
  NamedTensorsInput,
  ParsedPayload,
  Prediction,
  Tensor,
  TensorData,
  TensorDType,
  TensorInput,
} from './model-input.js';

export { schemaJsonSchema, signatureJsonSchema } from './json-schema/signature-json-schema.js';

// Each area's own index.ts is a curated list of named exports.
export * from './mlmodel/index.js';
export * from './signature/index.js';
export * from './search/index.js';
export * from './model-uri/index.js';
export * from './validation/index.js';
export * from './project/index.js';

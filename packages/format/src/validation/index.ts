export {
  MAX_ENTITY_KEY_LENGTH,
  MAX_EXPERIMENT_TAG_VALUE_LENGTH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  pathNotUnique,
  posixNormpath,
  validateExperimentTag,
  validateLengthLimit,
  validateMetricKey,
  validateParam,
  validateParamKey,
  validateParamValue,
  validateTag,
  validateTagKey,
  validateTagValue,
} from './keys.js';
export type { TruncateOptions } from './keys.js';
export { latestMetrics, validateMetric } from './metric.js';
export {
  MAX_EXPERIMENT_NAME_LENGTH,
  validateExperimentId,
  validateExperimentName,
  validateRunId,
} from './experiment.js';
export {
  DATASET_LIMITS,
  MAX_INPUT_TAG_KEY_LENGTH,
  MAX_INPUT_TAG_VALUE_LENGTH,
  validateDataset,
  validateDatasetInput,
  validateInputTag,
} from './dataset.js';
export { LOG_BATCH_LIMITS, validateLogBatch } from './log-batch.js';
export type { ValidatedBatch } from './log-batch.js';
export {
  MAX_REGISTERED_MODEL_ALIAS_LENGTH,
  MAX_REGISTRY_TAG_VALUE_LENGTH,
  canonicalStage,
  validateModelAlias,
  validateModelVersion,
  validateRegisteredModelName,
  validateRegistryTagValue,
} from './registry.js';
export type { ModelAliasOptions } from './registry.js';
export { MAX_GENERATED_RUN_NAME_LENGTH, RUN_NAME_TAG, generateRunName, resolveRunName } from './run-name.js';
export {
  BULK_INTERVAL_LIMITS,
  sampleMetricHistoryBulkInterval,
  validateMetricHistoryBulkIntervalRequest,
} from './bulk-interval.js';
export type { BulkIntervalOptions } from './bulk-interval.js';

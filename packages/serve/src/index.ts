/**
 * @mlflow-ts/serve — MLflow's scoring server (`/invocations`), KServe v2 REST, dynamic batching,
 * Prometheus metrics; and pyfunc-style model loading through an explicit flavor registry.
 */
export { SERVE_VERSION, createScoringServer } from './scoring-server.js';
export type { ScoringServer, ScoringServerOptions } from './scoring-server.js';
export type { ServedModel } from './route-context.js';
export type { EnforcedRequest, ServableModel } from './servable-model.js';
export { loadModel, unenforcedInput } from './load-model.js';
export type { LoadModelOptions } from './load-model.js';
export { createDynamicBatcher } from './dynamic-batcher.js';
export type { DynamicBatcher, DynamicBatcherOptions, RunBatch } from './dynamic-batcher.js';
export { PROMETHEUS_CONTENT_TYPE, createServerMetrics } from './metrics.js';
export type { ServerMetrics } from './metrics.js';
export {
  predictionToV2Outputs,
  signatureToV2Metadata,
  v2Datatype,
  v2RequestToModelInput,
} from './kserve-v2-tensors.js';
export type { V2InferRequest, V2Tensor } from './kserve-v2-tensors.js';

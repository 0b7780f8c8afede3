/** Model URIs (runs:/, models:/, file:) and the one safety check for client-supplied paths and sources. */
export { formatModelUri, isModelsUri, isRunsUri, parseModelUri, uriScheme } from './model-uri.js';
export type { ModelUri, ModelsAliasUri, ModelsLatestUri, ModelsStageUri, ModelsVersionUri } from './model-uri.js';
export {
  assertSafeArtifactPath,
  normalizeArtifactPath,
  resolveArtifactUri,
  unsafeArtifactPathReason,
} from './artifact-path.js';
export { loggedModelLocationOfRun, resolveModelUri, resolveModelVersion } from './resolve-model-uri.js';
export type { ModelUriRegistry, ModelUriStores } from './resolve-model-uri.js';
export { assertSafeSourceUri } from './source-uri.js';
export { OBJECT_STORE_SCHEMES } from './object-store-schemes.js';
export type { SourceUriOptions } from './source-uri.js';
export { decodingStages, percentDecodeOnce } from './percent-decoding.js';

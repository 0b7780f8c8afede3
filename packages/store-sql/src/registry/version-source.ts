/**
 * A new model version's `source`, checked, and the `storage_location` and `run_id` MLflow's SQL
 * store derives from it: `models:/<model_id>` → the logged model's artifact location (and its
 * source run), `models:/<name>/<version>` → that version's download URI, anything else → itself.
 *
 * MLflow lets a client register any string as a source and then serves downloads from it
 * (CVE-2023-1177 and follow-ups); we accept the allowed URI schemes, and local paths only inside
 * the allowed roots or the artifact directory of the run the request names.
 */
import {
  IS_PROMPT_TAG,
  MlflowError,
  OBJECT_STORE_SCHEMES,
  assertSafeSourceUri,
  parseModelUri,
  resolveModelUri,
  uriScheme,
} from '@mlflow-ts/format';
import type { CreateModelVersionRequest, ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';

/** Non-local schemes a source may use by default: our own, and the object stores MLflow registers from. */
export const DEFAULT_SOURCE_SCHEMES: readonly string[] = [
  'runs',
  'models',
  'mlflow-artifacts',
  ...OBJECT_STORE_SCHEMES,
];

export interface SourcePolicy {
  schemes: readonly string[];
  /** Local directories (paths or file: URIs) a local source may lie inside. */
  allowedRoots: readonly string[];
  tracking?: Pick<TrackingStore, 'getRun' | 'getLoggedModel'>;
}

export interface ResolvedSource {
  storageLocation: string;
  runId?: string;
}

/** MLflow's model_versions columns (VARCHAR lengths): longer values are refused before any write. */
const LIMITS = { source: 500, storage_location: 500, run_link: 500, run_id: 32, description: 5000 } as const;

export function checkLength(
  what: keyof typeof LIMITS | 'registered model description',
  value: string | undefined,
): void {
  const limit = what === 'registered model description' ? 5000 : LIMITS[what];
  if (value !== undefined && value.length > limit) {
    throw MlflowError.invalidParameter(
      `'${what}' exceeds the maximum length of ${limit} characters (${value.length} characters)`,
    );
  }
}

async function loggedModel(
  getLoggedModel: NonNullable<TrackingStore['getLoggedModel']>,
  modelId: string,
): Promise<{ location: string; runId?: string }> {
  const model = await getLoggedModel(modelId);
  const runId = model.info.source_run_id;
  return { location: model.info.artifact_uri, ...(runId ? { runId } : {}) };
}

/** Checks `req.source` and returns where its files are (MLflow's `storage_location`) and the run id. */
export async function resolveVersionSource(
  req: CreateModelVersionRequest,
  policy: SourcePolicy,
  registry: ModelRegistryStore,
): Promise<ResolvedSource> {
  const source = req.source;
  if (typeof source !== 'string' || source === '')
    throw MlflowError.invalidParameter("Missing value for required parameter 'source'.");
  checkLength('source', source);
  let runId = req.run_id || undefined;
  // A prompt version's source is a placeholder ('dummy-source'); MLflow does not check it.
  if (req.tags?.some((t) => t.key === IS_PROMPT_TAG)) return { storageLocation: source, ...(runId ? { runId } : {}) };

  const scheme = uriScheme(source);
  const roots = [...policy.allowedRoots];
  if ((scheme === undefined || scheme === 'file') && runId && policy.tracking) {
    const artifactUri = await policy.tracking.getRun(runId).then(
      (r) => r.info.artifact_uri,
      () => undefined,
    );
    if (artifactUri && (uriScheme(artifactUri) ?? 'file') === 'file') roots.push(artifactUri);
  }
  assertSafeSourceUri(source, roots, { schemes: policy.schemes });

  let storageLocation = source;
  if (scheme === 'models') {
    const parsed = parseModelUri(source);
    try {
      if (parsed.kind === 'logged-model') {
        // Without a tracking store the logged model cannot be looked up: the URI stays the location
        // (clients resolve models:/<model_id> themselves).
        const getLoggedModel = policy.tracking?.getLoggedModel?.bind(policy.tracking);
        if (getLoggedModel) {
          const found = await loggedModel(getLoggedModel, parsed.modelId);
          storageLocation = found.location;
          runId ??= found.runId;
        }
      } else {
        storageLocation = await resolveModelUri(source, { registry });
      }
    } catch (e) {
      const why = MlflowError.isInstance(e) ? e.message : String(e);
      throw MlflowError.invalidParameter(
        `Unable to fetch model from model URI source artifact location '${source}'. Error: ${why}`,
      );
    }
  }
  const getLoggedModel = policy.tracking?.getLoggedModel?.bind(policy.tracking);
  if (!runId && req.model_id && getLoggedModel) {
    runId = (await loggedModel(getLoggedModel, req.model_id).catch(() => undefined))?.runId;
  }
  checkLength('storage_location', storageLocation);
  if (runId) checkLength('run_id', runId);
  return { storageLocation, ...(runId ? { runId } : {}) };
}

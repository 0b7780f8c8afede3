/**
 * `models:/…` and `runs:/…` URIs → the artifact location they name, through the store interfaces
 * only (any registry and tracking store will do), as MLflow's ModelsArtifactRepository and
 * RunsArtifactRepository resolve them (mlflow/store/artifact/utils/models.py).
 */
import { MlflowError, parseModelUri, resolveArtifactUri } from '@mlflow-ts/format';
import type {
  ModelRegistryStore, ModelVersion, ModelsAliasUri, ModelsLatestUri, ModelsStageUri, ModelsVersionUri, TrackingStore,
} from '@mlflow-ts/format';

export interface ResolveModelsUriOptions {
  /** Answers `models:/<name>/…` and `models:/<name>@<alias>`. */
  registry?: Pick<ModelRegistryStore, 'getModelVersion' | 'getModelVersionByAlias' | 'getLatestVersions' | 'getModelVersionDownloadUri'>;
  /** Answers `runs:/<run_id>/…` (through the run's artifact_uri). */
  tracking?: Pick<TrackingStore, 'getRun'>;
  /** Answers `models:/<logged model id>`; stores that know logged models pass it. */
  loggedModelLocation?: (modelId: string) => Promise<string>;
}

type ModelsUri = ModelsVersionUri | ModelsAliasUri | ModelsStageUri | ModelsLatestUri;

/** A registry's download URI may itself be a runs:/ or models:/ URI; a chain this long is a loop. */
const MAX_HOPS = 10;

const highest = (versions: ModelVersion[]) =>
  versions.reduce<ModelVersion | undefined>((a, v) => (!a || Number(v.version) > Number(a.version) ? v : a), undefined);

/** The model version a registered-model URI points at (version, alias, stage or latest). */
export async function resolveModelVersion(u: ModelsUri, registry: NonNullable<ResolveModelsUriOptions['registry']>): Promise<ModelVersion> {
  if ('version' in u) return registry.getModelVersion(u.name, u.version);
  if ('alias' in u) return registry.getModelVersionByAlias(u.name, u.alias);
  if ('stage' in u) {
    const found = highest(await registry.getLatestVersions(u.name, [u.stage]));
    if (!found) throw MlflowError.notFound(`No versions of model with name '${u.name}' and stage '${u.stage}' found`);
    return found;
  }
  const found = highest(await registry.getLatestVersions(u.name));
  if (!found) throw MlflowError.notFound(`No versions of model with name '${u.name}' found`);
  return found;
}

/**
 * The artifact location `uri` names, sub-path included: `models:/m/3/MLmodel` →
 * `file:///…/artifacts/MLmodel`. Local paths and other URIs come back unchanged.
 */
export async function resolveModelsUri(uri: string, opts: ResolveModelsUriOptions): Promise<string> {
  let current = uri;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const u = parseModelUri(current);
    switch (u.kind) {
      case 'runs': {
        if (!opts.tracking) throw MlflowError.invalidParameter(`Cannot resolve '${current}': no tracking store to look up run ${u.runId}`);
        const run = await opts.tracking.getRun(u.runId);
        return resolveArtifactUri(run.info.artifact_uri, u.path);
      }
      case 'logged-model': {
        if (!opts.loggedModelLocation) {
          throw MlflowError.invalidParameter(`Cannot resolve '${current}': this store cannot look up logged model ${u.modelId}`);
        }
        return opts.loggedModelLocation(u.modelId);
      }
      case 'models': {
        if (!opts.registry) throw MlflowError.invalidParameter(`Cannot resolve '${current}': no model registry`);
        const mv = await resolveModelVersion(u, opts.registry);
        const base = await opts.registry.getModelVersionDownloadUri(mv.name, mv.version);
        current = u.subPath ? resolveArtifactUri(base, u.subPath) : base;
        // Without a tracking store a runs:/ download URI is still a location MLflow understands.
        if (parseModelUri(current).kind === 'runs' && !opts.tracking) return current;
        continue;
      }
      default:
        return current;
    }
  }
  throw MlflowError.invalidParameter(`Cannot resolve '${uri}': model URIs refer to each other in a loop`);
}


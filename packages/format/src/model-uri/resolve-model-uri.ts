/**
 * THE model-URI resolver: `runs:/…`, `models:/…` (version, alias, stage, latest, logged-model id) →
 * the artifact location they name, through the store interfaces only, as MLflow's
 * RunsArtifactRepository and ModelsArtifactRepository resolve them (mlflow/store/artifact/utils/models.py).
 * Browser-safe: `downloadModel` in `@mlflow-ts/format/node` fetches the files of what this returns.
 */
import type { ModelVersion } from '../entities.js';
import { MlflowError } from '../errors.js';
import type { ArtifactRepositoryFactory } from '../artifact-repository.js';
import type { ModelRegistryStore } from '../registry-store.js';
import type { TrackingStore } from '../tracking-store.js';
import { resolveArtifactUri } from './artifact-path.js';
import { parseModelUri } from './model-uri.js';
import type { ModelsAliasUri, ModelsLatestUri, ModelsStageUri, ModelsVersionUri } from './model-uri.js';

/** The registry calls a registered-model URI needs. */
export type ModelUriRegistry = Pick<
  ModelRegistryStore,
  'getModelVersion' | 'getModelVersionByAlias' | 'getLatestVersions' | 'getModelVersionDownloadUri'
>;

/** What resolving (and downloading) a model URI may use; each part is needed only by the URIs that name it. */
export interface ModelUriStores {
  /** Answers `runs:/<run_id>/…`; one with the logged-model capability also answers `models:/<model_id>`. */
  tracking?: Pick<TrackingStore, 'getRun' | 'getLoggedModel' | 'searchLoggedModels'>;
  /** Answers `models:/<name>/…` and `models:/<name>@<alias>`. */
  registry?: ModelUriRegistry;
  /** Opens the artifact repository of a non-local location (only `downloadModel` uses it). */
  artifacts?: ArtifactRepositoryFactory;
}

type RegisteredModelUri = ModelsVersionUri | ModelsAliasUri | ModelsStageUri | ModelsLatestUri;

/** A registry's download URI may itself be a runs:/ or models:/ URI; a chain this long is a loop. */
const MAX_HOPS = 10;

const highest = (versions: ModelVersion[]) =>
  versions.reduce<ModelVersion | undefined>((a, v) => (!a || Number(v.version) > Number(a.version) ? v : a), undefined);

/** The model version a registered-model URI points at (version, alias, stage or latest). */
export async function resolveModelVersion(u: RegisteredModelUri, registry: ModelUriRegistry): Promise<ModelVersion> {
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

/** At most this many logged models named alike in one experiment are looked through for a run's. */
const MAX_NAMED_MODELS = 10_000;

/**
 * MLflow 3 (RunsArtifactRepository): a run's `<name>/…` also names the files of the logged model
 * `<name>` whose source run is `runId`. Its artifact location, or undefined when the store has no
 * logged models or none matches.
 */
export async function loggedModelLocationOfRun(
  tracking: Pick<TrackingStore, 'searchLoggedModels'>,
  experimentId: string,
  runId: string,
  name: string,
): Promise<string | undefined> {
  if (!tracking.searchLoggedModels || name === '' || /['\\]/.test(name)) return undefined;
  let pageToken: string | undefined;
  let seen = 0;
  do {
    const page = await tracking.searchLoggedModels({
      experiment_ids: [experimentId],
      filter: `name = '${name}'`,
      ...(pageToken ? { page_token: pageToken } : {}),
    });
    const match = page.items.find((m) => m.info.source_run_id === runId);
    if (match) return match.info.artifact_uri;
    seen += page.items.length;
    pageToken = page.next_page_token || undefined;
  } while (pageToken && seen < MAX_NAMED_MODELS);
  return undefined;
}

/**
 * The artifact location `uri` names, sub-path included: `models:/m/3/MLmodel` →
 * `file:///…/artifacts/MLmodel`. Local paths, `file:` and other artifact URIs come back unchanged.
 * Rejects INVALID_PARAMETER_VALUE when a store the URI needs is missing.
 */
export async function resolveModelUri(uri: string, stores: ModelUriStores = {}): Promise<string> {
  let current = uri;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const u = parseModelUri(current);
    switch (u.kind) {
      case 'runs': {
        if (!stores.tracking)
          throw MlflowError.invalidParameter(
            `Cannot resolve '${current}': no tracking store to look up run ${u.runId}`,
          );
        const run = await stores.tracking.getRun(u.runId);
        // MLflow 3: the logged model `<name>` the run produced wins over run artifacts of that name.
        const [name = '', ...rest] = u.path.replace(/^\/+|\/+$/g, '').split('/');
        const logged = await loggedModelLocationOfRun(stores.tracking, run.info.experiment_id, u.runId, name);
        return logged ? resolveArtifactUri(logged, rest.join('/')) : resolveArtifactUri(run.info.artifact_uri, u.path);
      }
      case 'logged-model': {
        // MLflow 3: `models:/<model_id>` is the logged model's files (an optional store capability).
        if (!stores.tracking?.getLoggedModel) {
          throw MlflowError.invalidParameter(
            `Cannot resolve '${current}': the tracking store cannot look up logged model ${u.modelId}`,
          );
        }
        return (await stores.tracking.getLoggedModel(u.modelId)).info.artifact_uri;
      }
      case 'models': {
        if (!stores.registry) throw MlflowError.invalidParameter(`Cannot resolve '${current}': no model registry`);
        const mv = await resolveModelVersion(u, stores.registry);
        const base = await stores.registry.getModelVersionDownloadUri(mv.name, mv.version);
        current = u.subPath ? resolveArtifactUri(base, u.subPath) : base;
        // Without a tracking store a runs:/ download URI is still a location MLflow understands.
        if (parseModelUri(current).kind === 'runs' && !stores.tracking) return current;
        continue;
      }
      default:
        return current;
    }
  }
  throw MlflowError.invalidParameter(`Cannot resolve '${uri}': model URIs refer to each other in a loop`);
}

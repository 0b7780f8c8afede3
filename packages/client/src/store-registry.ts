/**
 * Tracking-URI resolution through an explicit registry of store factories keyed by URI scheme.
 * Nothing registers itself on import: the caller builds the registry (`defaultStoreRegistry()` has
 * `file` only; the gRPC/HTTP store package adds its schemes with `registerStore`).
 */
import { MlflowError, uriScheme } from '@mlflow-ts/format';
import { localPathOfUri } from '@mlflow-ts/format/node';
import type { ArtifactRepository, ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { createFsArtifactRepository, createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';

/** Credentials from MLFLOW_TRACKING_USERNAME / _PASSWORD / _TOKEN, handed to every factory. */
export interface StoreAuth {
  username?: string;
  password?: string;
  token?: string;
}

export interface StoreFactoryEnv {
  /** The environment the URI was resolved in (process.env unless the caller passed another). */
  env: Readonly<Record<string, string | undefined>>;
  auth?: StoreAuth;
}

/** What a tracking URI resolves to. */
export interface ResolvedStores {
  tracking: TrackingStore;
  registry?: ModelRegistryStore;
  /** Builds a repository for one artifact URI (a run's `artifact_uri`, an experiment location, …). */
  artifacts: (artifactUri: string) => ArtifactRepository;
}

export type StoreFactory = (uri: string, env: StoreFactoryEnv) => ResolvedStores | Promise<ResolvedStores>;

export interface StoreRegistry {
  /** Adds or replaces the factory for `scheme` (without the colon, lower case). Returns the registry. */
  registerStore(scheme: string, factory: StoreFactory): StoreRegistry;
  schemes(): string[];
  /** Resolves a tracking URI; a plain path (no scheme) is a `file` URI. */
  resolve(uri: string, env?: StoreFactoryEnv): Promise<ResolvedStores>;
}

/** MLflow's default tracking URI when MLFLOW_TRACKING_URI is unset. */
export const DEFAULT_TRACKING_URI = './mlruns';

/** The store scheme of a URI: format's `uriScheme`, with plain paths (incl. `C:\`) being `file`. */
const storeScheme = (uri: string): string => uriScheme(uri) ?? 'file';

export function createStoreRegistry(factories: Record<string, StoreFactory> = {}): StoreRegistry {
  const byScheme = new Map<string, StoreFactory>();
  const registry: StoreRegistry = {
    registerStore(scheme, factory) {
      byScheme.set(scheme.replace(/:$/, '').toLowerCase(), factory);
      return registry;
    },
    schemes: () => [...byScheme.keys()],
    async resolve(uri, env = { env: process.env }) {
      const scheme = storeScheme(uri);
      const factory = byScheme.get(scheme);
      if (!factory) {
        throw MlflowError.invalidParameter(
          `Unsupported tracking URI '${uri}': no store is registered for scheme '${scheme}' ` +
            `(registered: ${[...byScheme.keys()].join(', ') || 'none'})`,
        );
      }
      return factory(uri, env);
    },
  };
  for (const [scheme, factory] of Object.entries(factories)) registry.registerStore(scheme, factory);
  return registry;
}

/** Local filesystem path of a `file:` URI or plain path (format's one rule), re-exported for the client's users. */
export { localPathOfUri };

export interface FileStoreFactoryOptions {
  /**
   * Builds the model registry for an `mlruns` root. Default: store-fs's registry in `<root>/models`,
   * as MLflow's file store keeps it; `false` leaves the URI without a registry (FEATURE_DISABLED).
   */
  registry?: ((opts: { root: string; tracking: TrackingStore }) => ModelRegistryStore) | false;
}

/** A `file` factory: an `mlruns/` directory read and written by @mlflow-ts/store-fs. */
export function createFileStoreFactory(options: FileStoreFactoryOptions = {}): StoreFactory {
  return (uri) => {
    const root = localPathOfUri(uri);
    // store-fs picks MLflow's default artifact root (the store root as a file: URI).
    const tracking = createFsTrackingStore({ root });
    const stores: ResolvedStores = {
      tracking,
      artifacts: (artifactUri: string) => {
        const scheme = storeScheme(artifactUri);
        if (scheme !== 'file') {
          throw MlflowError.invalidParameter(
            `Artifact URI '${artifactUri}' has scheme '${scheme}', which a file tracking store cannot reach`,
          );
        }
        return createFsArtifactRepository(artifactUri);
      },
    };
    const makeRegistry =
      options.registry ?? (({ root: r, tracking: t }) => createFsRegistryStore({ root: r, trackingStore: t }));
    if (makeRegistry) stores.registry = makeRegistry({ root, tracking });
    return stores;
  };
}

/** The `file` factory: store-fs tracking, artifacts and model registry. */
export const fileStoreFactory: StoreFactory = createFileStoreFactory();

/** A fresh registry with the `file` scheme (plain paths included). */
export function defaultStoreRegistry(options: FileStoreFactoryOptions = {}): StoreRegistry {
  return createStoreRegistry({ file: createFileStoreFactory(options) });
}

/**
 * `s3://` artifact URIs for every store the CLI opens: an experiment created with
 * `--default-artifact-root s3://…` (or an `s3://` artifact_location) has runs whose artifacts live
 * in S3 whatever the tracking store, as with MLflow's client, which picks the artifact repository
 * by the artifact URI's scheme. `@mlflow-ts/artifacts-s3` (and the AWS SDK) is loaded only when
 * such a URI is used, so other commands start as fast as before. S3 settings come from MLflow's
 * environment variables (MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …) of the CLI's environment.
 */
import type { StoreRegistry } from '@mlflow-ts/client';
import type { ArtifactRepository, ArtifactRepositoryFactory, ByteSource, FileInfo } from '@mlflow-ts/format';

type Env = Readonly<Record<string, string | undefined>>;

const isS3 = (uri: string): boolean => /^s3:\/\//i.test(uri);

/** A repository that loads the S3 package on first use (one client per environment). */
function lazyS3Repositories(env: Env): (uri: string) => ArtifactRepository {
  let factory: Promise<ArtifactRepositoryFactory> | undefined;
  const load = () => {
    factory ??= import('@mlflow-ts/artifacts-s3').then((s3) => s3.createS3ArtifactRepositoryFactory({ env }));
    return factory;
  };
  return (uri) => {
    const repo = async () => (await load())(uri);
    return {
      specificationVersion: 'v1',
      rootUri: uri,
      listArtifacts: async (path?: string): Promise<FileInfo[]> => (await repo()).listArtifacts(path),
      readArtifact: async (path: string): Promise<AsyncIterable<Uint8Array>> => (await repo()).readArtifact(path),
      writeArtifact: async (path: string, data: ByteSource): Promise<void> => (await repo()).writeArtifact(path, data),
      deleteArtifacts: async (path: string): Promise<void> => {
        const r = await repo();
        await r.deleteArtifacts?.(path);
      },
    };
  };
}

/** Makes every store the registry resolves reach `s3://` artifact URIs. Returns the same registry. */
export function withS3Artifacts(registry: StoreRegistry): StoreRegistry {
  const resolve = registry.resolve.bind(registry);
  registry.resolve = async (uri, factoryEnv) => {
    const stores = await resolve(uri, factoryEnv);
    const inner = stores.artifacts.bind(stores);
    const s3 = lazyS3Repositories(factoryEnv?.env ?? process.env);
    stores.artifacts = (artifactUri: string) => (isS3(artifactUri) ? s3(artifactUri) : inner(artifactUri));
    return stores;
  };
  return registry;
}

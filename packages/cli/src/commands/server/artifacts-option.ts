/**
 * Where `mlflow-ts server` keeps artifacts: a local directory (`--artifacts-destination ./mlartifacts`,
 * the default) or an S3 prefix (`--artifacts-destination s3://bucket/prefix`). For S3, proxied
 * `mlflow-artifacts:/<path>` URIs map to `s3://bucket/prefix/<path>` as in MLflow, run and model
 * URIs that are themselves `s3://` (experiments created with `--default-artifact-root s3://…`) are
 * read from S3 directly, and the bucket is checked before the server listens, so a typo'd bucket
 * or bad credentials are one error line at start, not a failure on the first upload.
 */
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository } from '@mlflow-ts/format';
import type { ArtifactsOption } from '@mlflow-ts/store-grpc/server';

const isS3 = (uri: string): boolean => /^s3:\/\//i.test(uri);

/** `mlflow-artifacts:/a/b`, `mlflow-artifacts://host/a/b` → `a/b` (checked like any request path). */
function proxiedPath(uri: string): string {
  let rest = uri.slice('mlflow-artifacts:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  rest = rest.replace(/^\/+/, '').replace(/\/+$/, '');
  return rest === '' ? '' : assertSafeArtifactPath(rest);
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Checks an `s3://` destination (bucket exists, credentials work) and rethrows any problem as one
 * MlflowError naming the flag; other destinations pass. For `--workers`, whose primary checks once.
 */
export async function checkArtifactsDestination(
  destination: string | undefined,
  env: Env = process.env,
): Promise<void> {
  if (destination === undefined || !isS3(destination)) return;
  const s3 = await import('@mlflow-ts/artifacts-s3');
  try {
    await s3.checkS3ArtifactRoot(destination.replace(/\/+$/, ''), { env });
  } catch (e) {
    if (MlflowError.isInstance(e))
      throw new MlflowError(e.code, `--artifacts-destination ${destination}: ${e.message}`);
    throw e;
  }
}

/**
 * The server's `artifacts` option for an `s3://` destination, checked first (see
 * `checkArtifactsDestination`); undefined for any other destination (a local directory). `env`
 * holds MLflow's S3 variables (MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, …). `s3://` run URIs are
 * served only inside the destination or an `s3://` `defaultArtifactRoot`: an experiment's location
 * is client input, and the server's credentials must not read other buckets for whoever asks.
 */
export async function s3ArtifactsOption(
  destination: string | undefined,
  env: Env = process.env,
  defaultArtifactRoot?: string,
): Promise<ArtifactsOption | undefined> {
  if (destination === undefined || !isS3(destination)) return undefined;
  await checkArtifactsDestination(destination, env);
  const s3 = await import('@mlflow-ts/artifacts-s3');
  const base = destination.replace(/\/+$/, '');
  const roots = [
    base,
    ...(defaultArtifactRoot !== undefined && isS3(defaultArtifactRoot) ? [defaultArtifactRoot] : []),
  ].map((r) => s3.parseS3Uri(r));
  const inside = (uri: string): boolean => {
    const { bucket, prefix } = s3.parseS3Uri(uri);
    return roots.some(
      (r) => r.bucket === bucket && (r.prefix === '' || prefix === r.prefix || prefix.startsWith(`${r.prefix}/`)),
    );
  };
  const repos = s3.createS3ArtifactRepositoryFactory({ env });
  return (uri: string): ArtifactRepository => {
    if (uri.startsWith('mlflow-artifacts:')) {
      const rel = proxiedPath(uri);
      return repos(rel === '' ? base : `${base}/${rel}`);
    }
    if (isS3(uri) && inside(uri)) return repos(uri);
    throw MlflowError.invalidParameter(
      `Artifact URI '${uri}' is outside this server's artifact destination ${destination}; the client must access it directly`,
    );
  };
}

/**
 * `s3://bucket/prefix` artifact URIs, split the way MLflow's `parse_s3_compliant_uri` does: the
 * bucket is the authority, the key prefix is the path without its leading '/'. The prefix is
 * checked with the format layer's artifact-path validator, so no URI can point a repository at
 * `..`-style keys.
 */
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';

export interface S3Location {
  bucket: string;
  /** Key prefix without leading or trailing '/', '' for the bucket's root. */
  prefix: string;
}

// S3's bucket naming rules (3-63 characters, lower case, digits, '.', '-'); also accepts the
// underscores and capitals that some S3-compatible stores allow, but never '/', '?', '#' or spaces.
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/;

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(uri);
  if (!m) throw MlflowError.invalidParameter(`Not an S3 URI: '${uri}' (expected s3://<bucket>/<path>)`);
  const bucket = m[1] ?? '';
  if (!BUCKET.test(bucket)) throw MlflowError.invalidParameter(`Invalid S3 bucket name '${bucket}' in '${uri}'`);
  const path = (m[2] ?? '').replace(/^\/+/, '');
  const prefix = path === '' ? '' : assertSafeArtifactPath(path);
  return { bucket, prefix };
}

/** The object key for a (validated, normalised) path relative to `prefix`. */
export function keyFor(prefix: string, relPath: string): string {
  if (prefix === '') return relPath;
  return relPath === '' ? prefix : `${prefix}/${relPath}`;
}

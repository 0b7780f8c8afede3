/**
 * Checks on URIs a request asks the server to store and later follow. The traversal rules live in
 * @mlflow-ts/format (`assertSafeSourceUri`, the one validator); this names which schemes each
 * field may use. Remote schemes are stored as given: this server never reads them (artifactsFor
 * refuses), a client with credentials for that storage does.
 */
import { MlflowError, assertSafeSourceUri } from '@mlflow-ts/format';

const REMOTE_SCHEMES = [
  'mlflow-artifacts',
  's3',
  'gs',
  'wasbs',
  'abfss',
  'hdfs',
  'viewfs',
  'dbfs',
  'http',
  'https',
  'sftp',
  'ftp',
  'oss',
];

/** MLflow: no fragment or params, not a `runs:/` URI; local paths only inside the server's roots. */
export function assertSafeArtifactLocation(location: string, allowedRoots: readonly string[]): void {
  if (location.length > 2048)
    throw MlflowError.invalidParameter(
      `Invalid artifact_location '${location.slice(0, 100)}…': longer than 2048 characters`,
    );
  if (location.includes(';'))
    throw MlflowError.invalidParameter(`Invalid artifact_location '${location}': URL params are not allowed`);
  assertSafeSourceUri(location, allowedRoots, { schemes: REMOTE_SCHEMES, label: 'artifact_location' });
}

/** A model version's `source`: `runs:/`, `models:/`, remote storage, or a local path inside the roots. */
export function assertSafeModelSource(source: string, allowedRoots: readonly string[]): void {
  assertSafeSourceUri(source, allowedRoots, { schemes: ['runs', 'models', ...REMOTE_SCHEMES] });
}

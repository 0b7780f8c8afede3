/**
 * Checks on URIs a request asks the server to store or follow. The traversal rules themselves live
 * in @mlflow-ts/format (`assertSafeSourceUri`), the one validator; this adds MLflow's extra
 * experiment-location rules.
 */
import { MlflowError, assertSafeSourceUri } from '@mlflow-ts/format';

/** MLflow: no URL fragment or params, not a `runs:/` URI; local paths only inside the server's roots. */
export function assertSafeArtifactLocation(location: string, allowedRoots: readonly string[]): void {
  if (location.length > 2048) throw MlflowError.invalidParameter(`Invalid artifact location '${location.slice(0, 100)}…': longer than 2048 characters`);
  if (/[#;]/.test(location)) throw MlflowError.invalidParameter(`Invalid artifact location '${location}': must not contain a fragment or params`);
  if (location.startsWith('runs:')) throw MlflowError.invalidParameter(`Invalid artifact location '${location}': runs:/ URIs are not allowed`);
  assertSafeSourceUri(location, allowedRoots);
}

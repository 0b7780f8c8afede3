/**
 * The artifact root itself is never a delete target. A path names the root when it, or any of its
 * percent-decodings, collapses to nothing: '', '.', './', './/.', '%2e', '%2e%2f', '%252e' … so
 * neither a literal dot nor an encoding that some later layer decodes can reach `rm -r <root>`.
 */
import { MlflowError, assertSafeArtifactPath, decodingStages } from '@mlflow-ts/format';

export function namesArtifactRoot(path: string): boolean {
  const stages = decodingStages(path, () => `Invalid artifact path: '${path}'`);
  return stages.some((stage) => stage.split('/').every((segment) => segment === '' || segment === '.'));
}

/** Validates a delete path (the one path validator first) and refuses every spelling of the root. */
export function assertDeletableArtifactPath(path: string): string {
  const normalized = assertSafeArtifactPath(path);
  if (normalized === '' || namesArtifactRoot(path)) {
    throw MlflowError.invalidParameter(
      `Invalid artifact path: '${path}'. Refusing to delete the artifact root; name a file or directory inside it`,
    );
  }
  return normalized;
}

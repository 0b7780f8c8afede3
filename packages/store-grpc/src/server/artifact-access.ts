/**
 * How the server reaches artifact bytes. `{ root }` is MLflow's `--artifacts-destination`: URIs
 * `mlflow-artifacts:/<p>` (and `file:` URIs inside the root) map to `<root>/<p>`. A factory hands
 * every URI to the caller's repositories instead.
 */
import { fileURLToPath } from 'node:url';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ArtifactRepositoryFactory } from '@mlflow-ts/format';
import { createLocalArtifactRoot, relativeInside } from './local-artifact-root.js';
import type { LocalArtifactRoot } from './local-artifact-root.js';
import { mlflowArtifactsPath } from '../protocol/artifact-uri.js';

export type ArtifactsOption = { root: string } | ArtifactRepositoryFactory;

export interface ArtifactAccess {
  artifactsFor(uri: string): ArtifactRepository;
  /** The repository behind `/api/2.0/mlflow-artifacts/artifacts/<path>`. */
  proxyRoot(): ArtifactRepository;
  allowedRoots: string[];
  local?: LocalArtifactRoot;
}

function localPathOf(uri: string): string | undefined {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice('file:'.length)}`);
    } catch {
      throw MlflowError.invalidParameter(`Invalid artifact URI '${uri}'`);
    }
  }
  if (uri.startsWith('/')) return uri;
  return undefined;
}

export function createArtifactAccess(option: ArtifactsOption): ArtifactAccess {
  if (typeof option === 'function') {
    return {
      artifactsFor: option,
      proxyRoot: () => option('mlflow-artifacts:/'),
      allowedRoots: ['mlflow-artifacts:/'],
    };
  }
  const local = createLocalArtifactRoot(option.root);
  const artifactsFor = (uri: string): ArtifactRepository => {
    if (uri.startsWith('mlflow-artifacts:')) {
      const prefix = mlflowArtifactsPath(uri);
      if (prefix) assertSafeArtifactPath(prefix);
      return local.repository(prefix, uri);
    }
    const abs = localPathOf(uri);
    const rel = abs === undefined ? undefined : relativeInside(local.dir, abs);
    if (rel === undefined) {
      throw MlflowError.invalidParameter(
        `Artifact URI '${uri}' is outside this server's artifact root; the client must access it directly`,
      );
    }
    return local.repository(rel, uri);
  };
  return {
    artifactsFor,
    proxyRoot: () => local.repository('', 'mlflow-artifacts:/'),
    allowedRoots: ['mlflow-artifacts:/', local.dir],
    local,
  };
}

/**
 * Where a new model version may come from, and where its files then are (`storage_location`).
 *
 * MLflow lets a client register any string as a source; the server then serves downloads from it,
 * which made `file:///etc/passwd` sources an arbitrary-file-read (CVE-2023-1177 and follow-ups).
 * We accept `runs:/` and `models:/` URIs, and local paths only inside the allowed roots (by default
 * the store root; plus the run's own artifact directory when `run_id` names a local run), judged on
 * every URL-decoding of the text and again on the real path, so a symlink cannot lead outside either.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MlflowError, assertSafeSourceUri, parseModelUri, uriScheme } from '@mlflow-ts/format';
import type { TrackingStore } from '@mlflow-ts/format';
import { toLocalPath } from '../uri.js';
import { MODELS_DIR, readMeta } from './registry-layout.js';

export interface SourcePolicy {
  /** Local roots (paths or file: URIs) a local source must lie inside. */
  allowedRoots: readonly string[];
  /** URI schemes accepted as sources besides local paths. */
  schemes: readonly string[];
  tracking?: Pick<TrackingStore, 'getRun'>;
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
function realOrSelf(p: string): string {
  const rest: string[] = [];
  let cur = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.resolve(p);
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

function inside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Throws INVALID_PARAMETER_VALUE unless `source` may be registered under `policy`. */
export async function checkVersionSource(
  source: string,
  runId: string | undefined,
  policy: SourcePolicy,
): Promise<void> {
  const roots = [...policy.allowedRoots];
  const scheme = uriScheme(source);
  const local = scheme === undefined || scheme === 'file';
  if (local && runId && policy.tracking) {
    // MLflow's rule: a local source may point inside the artifact directory of the run it names.
    const artifactUri = await policy.tracking.getRun(runId).then(
      (r) => r.info.artifact_uri,
      () => undefined,
    );
    if (artifactUri && (uriScheme(artifactUri) ?? 'file') === 'file') roots.push(artifactUri);
  }
  assertSafeSourceUri(source, roots, { schemes: policy.schemes });
  if (!local) return;

  // The text is inside a root; now the file system must agree (symlinks resolved on both sides).
  let target: string;
  try {
    target = toLocalPath(source);
  } catch {
    throw MlflowError.invalidParameter(`Invalid source '${source}': not a readable local path`);
  }
  const realTarget = realOrSelf(target);
  const ok = roots.some((r) => {
    const root = toLocalPath(r);
    return inside(realTarget, realOrSelf(root));
  });
  if (!ok)
    throw MlflowError.invalidParameter(
      `Invalid source '${source}': it resolves to '${realTarget}', outside the allowed artifact roots`,
    );
}

const LOGGED_MODEL_ID = /^[\w-]+$/;

/** `<root>/<experiment>/models/<model_id>/meta.yaml` of a LoggedModel (MLflow 3.x), or undefined. */
export function findLoggedModelMeta(root: string, modelId: string): Record<string, unknown> | undefined {
  if (!LOGGED_MODEL_ID.test(modelId)) return undefined;
  let experiments: string[];
  try {
    experiments = fs.readdirSync(root);
  } catch {
    return undefined;
  }
  for (const exp of experiments) {
    if (exp === MODELS_DIR || exp.startsWith('.')) continue;
    try {
      const meta = readMeta(path.join(root, exp, MODELS_DIR, modelId));
      if (meta) return meta;
    } catch {
      // a corrupt meta.yaml of some other model is no reason to fail this lookup
    }
  }
  return undefined;
}

/** The artifact location of a LoggedModel in this store; RESOURCE_DOES_NOT_EXIST when there is none. */
export function loggedModelLocation(root: string, modelId: string): { location: string; runId?: string } {
  const meta = findLoggedModelMeta(root, modelId);
  const location = meta?.artifact_location;
  if (typeof location !== 'string' || location === '')
    throw MlflowError.notFound(`Logged model with ID '${modelId}' not found.`);
  const runId = meta?.source_run_id;
  return { location, ...(typeof runId === 'string' && runId !== '' ? { runId } : {}) };
}

/** True for `models:/<model_id>` (a LoggedModel), as opposed to a registered-model URI. */
export function isLoggedModelUri(source: string): boolean {
  return uriScheme(source) === 'models' && parseModelUri(source).kind === 'logged-model';
}

/**
 * Checks for URIs a client asks the server to *read from or write to*: model-version sources and
 * experiment artifact locations. MLflow refuses sources with `..` or NUL after repeated
 * URL-unquoting and only lets local sources point inside the run's artifact directory; we do the
 * same as pure string logic (browser-safe) — symlink checks belong to the file-system store.
 */
import { MlflowError } from '../errors.js';
import { parseModelUri, uriScheme } from './model-uri.js';
import { decodingStages } from './percent-decoding.js';

export interface SourceUriOptions {
  /**
   * URI schemes accepted besides local paths. Default: `runs`, `models` (validated as model URIs)
   * and `mlflow-artifacts` (served under the server's own artifact root). An experiment's
   * artifact_location would pass e.g. `['mlflow-artifacts', 's3']` — MLflow forbids `runs:/` there.
   */
  schemes?: readonly string[];
  /** Names the value in error messages; default 'source'. */
  label?: string;
}

const DEFAULT_SCHEMES = ['runs', 'models', 'mlflow-artifacts'];

/** `\` → `/`, no empty or `.` segments, no trailing `/`; keeps a leading `/` or `C:/`. */
function normalizeLocal(path: string): string {
  const slashed = path.replaceAll('\\', '/');
  const absolute = slashed.startsWith('/');
  const body = slashed
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
  return absolute ? `/${body}` : body;
}

function isAbsoluteLocal(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** A root given as a path or as a file: URI, normalised for prefix checks. */
function rootPath(root: string): string {
  const scheme = uriScheme(root);
  if (scheme === 'file') {
    const parsed = parseModelUri(root);
    return normalizeLocal(parsed.kind === 'file' ? parsed.path : root);
  }
  return normalizeLocal(root);
}

function isInside(path: string, root: string): boolean {
  if (root === '/' || path === root) return true;
  return path.startsWith(`${root.endsWith('/') ? root.slice(0, -1) : root}/`);
}

/**
 * Throws INVALID_PARAMETER_VALUE unless `source` is an accepted URI (see `options.schemes`) or a
 * local path / file: URI that lies inside one of `allowedRoots` (paths or file: URIs), judged on
 * every URL-decoding of it.
 */
export function assertSafeSourceUri(
  source: string,
  allowedRoots: readonly string[],
  options: SourceUriOptions = {},
): void {
  const label = options.label ?? 'source';
  if (typeof source !== 'string' || source === '')
    throw MlflowError.invalidParameter(`Invalid ${label}: ${JSON.stringify(source)}. Expected a non-empty string`);
  const fail = (why: string): never => {
    throw MlflowError.invalidParameter(`Invalid ${label} '${source}': ${why}`);
  };
  const stages = decodingStages(source, () => `Invalid ${label} '${source}'`);
  for (const stage of stages) {
    if (stage.includes('\0')) fail('it contains a NUL character');
    if (/[#?]/.test(stage)) fail('URL fragments and query strings are not allowed');
    if (stage.split(/[/\\]/).includes('..')) fail("'..' path segments are not allowed");
  }

  const scheme = uriScheme(source);
  if (scheme !== undefined && scheme !== 'file') {
    const schemes = options.schemes ?? DEFAULT_SCHEMES;
    if (!schemes.includes(scheme)) {
      fail(
        `the '${scheme}:' scheme is not allowed here; use ${schemes.map((s) => `${s}:/`).join(', ')} or a local path inside the artifact root`,
      );
    }
    if (scheme === 'runs' || scheme === 'models') parseModelUri(source);
    return;
  }

  // Local: judge the path as the store will read it (a file: URI decoded once) and every decoding.
  const localPath = (stage: string) => {
    if (uriScheme(stage) !== 'file') return stage;
    const parsed = parseModelUri(stage);
    return parsed.kind === 'file' ? parsed.path : stage;
  };
  const roots = allowedRoots.map(rootPath).filter(isAbsoluteLocal);
  for (const stage of stages) {
    const path = normalizeLocal(localPath(stage));
    if (!isAbsoluteLocal(path)) fail('local sources must be absolute paths inside the artifact root');
    if (!roots.some((root) => isInside(path, root)))
      fail('local sources must lie inside the artifact root of the run or logged model');
  }
}

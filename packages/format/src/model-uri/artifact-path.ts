/**
 * THE validator for every artifact path a client sends (list, get, upload, delete, MLmodel
 * sub-paths). MLflow's `validate_path_is_safe` refuses `..`, `#`, backslashes and absolute paths
 * after repeated URL-decoding; we refuse the same plus NUL, `?`, `;` and any `scheme:` prefix, and
 * check every decoding stage so double-encoded traversal (`%252e%252e%252f`) is caught too.
 *
 * The path returned is the *original* text, normalised (`a//b/./c/` → `a/b/c`, root → ''): the
 * checks look through encodings, but a file literally named `a%20b` keeps its name.
 */
import { MlflowError } from '../errors.js';
import { decodingStages } from './percent-decoding.js';

const SCHEME_OR_DRIVE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Why a (decoded) path is unsafe, or undefined when it is fine. */
export function unsafeArtifactPathReason(path: string): string | undefined {
  if (path.includes('\0')) return 'it contains a NUL character';
  if (path.includes('\\')) return 'backslashes are not allowed';
  if (/[#?;]/.test(path)) return "'#', '?' and ';' are not allowed";
  if (SCHEME_OR_DRIVE.test(path))
    return 'URIs and drive letters are not allowed; give a path relative to the artifact root';
  if (path.startsWith('/')) return 'absolute paths are not allowed; give a path relative to the artifact root';
  if (path.split('/').includes('..')) return "'..' segments are not allowed";
  return undefined;
}

/** Collapses empty and `.` segments: `./a//b/./c/` → `a/b/c`; the root is ''. */
function collapse(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * Validates a client-supplied artifact path and returns it normalised ('' for the root).
 * Throws INVALID_PARAMETER_VALUE "Invalid artifact path: '<path>'. <reason>".
 */
export function assertSafeArtifactPath(path: string): string {
  if (typeof path !== 'string')
    throw MlflowError.invalidParameter(`Invalid artifact path: ${JSON.stringify(path)}. Expected a string`);
  const describe = () => `Invalid artifact path: '${path}'`;
  for (const stage of decodingStages(path, describe)) {
    const reason = unsafeArtifactPathReason(stage);
    if (reason !== undefined) throw MlflowError.invalidParameter(`${describe()}. ${reason}`);
  }
  return collapse(path);
}

/** Same as `assertSafeArtifactPath`: there is only one way to turn client input into a path. */
export const normalizeArtifactPath: (path: string) => string = assertSafeArtifactPath;

/**
 * Joins a checked relative path onto an artifact URI or directory:
 * `file:///a/b` + `c/d` → `file:///a/b/c/d`. A query or fragment on the base stays at the end.
 */
export function resolveArtifactUri(base: string, path: string): string {
  const rel = assertSafeArtifactPath(path);
  if (rel === '') return base;
  const cut = base.search(/[?#]/);
  const head = cut === -1 ? base : base.slice(0, cut);
  const tail = cut === -1 ? '' : base.slice(cut);
  return `${head.endsWith('/') ? head : `${head}/`}${rel}${tail}`;
}

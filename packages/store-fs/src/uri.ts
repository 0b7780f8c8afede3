/**
 * Local paths vs `file:` URIs. MLflow stores artifact locations as `file:///abs/path` URIs
 * (`pathlib.Path.as_uri()`), so we accept either form on input and write URIs.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MlflowError } from '@mlflow-ts/format';

/** A local path or `file:` URI → absolute local path. Other schemes are rejected. */
export function toLocalPath(pathOrUri: string): string {
  if (pathOrUri.startsWith('file:')) {
    // `file:relative/dir` (no slashes) is how MLflow spells a relative local URI.
    if (!pathOrUri.startsWith('file:/')) return path.resolve(decodeURIComponent(pathOrUri.slice(5)));
    try {
      return fileURLToPath(pathOrUri);
    } catch (e) {
      throw MlflowError.invalidParameter(`Invalid file URI '${pathOrUri}': ${(e as Error).message}`);
    }
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(pathOrUri)) {
    throw MlflowError.invalidParameter(`Not a local path or file: URI: '${pathOrUri}'`);
  }
  return path.resolve(pathOrUri);
}

/** Absolute local path → `file:///...` URI, without a trailing slash. */
export function toFileUri(localPath: string): string {
  return pathToFileURL(path.resolve(localPath)).href.replace(/\/+$/, '');
}

/** Appends '/'-separated segments to a URI or path the way MLflow's `append_to_uri_path` does. */
export function appendToUri(base: string, ...segments: string[]): string {
  let out = base.replace(/\/+$/, '');
  for (const s of segments) out += `/${s.replace(/^\/+/, '')}`;
  return out;
}

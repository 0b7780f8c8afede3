/**
 * Local paths vs `file:` URIs. MLflow stores artifact locations as `file:///abs/path` URIs
 * (`pathlib.Path.as_uri()`), so we accept either form on input and write URIs.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { localPathOfUri } from '@mlflow-ts/format/node';

/** A local path or `file:` URI → absolute local path; other schemes are rejected (format's one rule). */
export const toLocalPath: (pathOrUri: string) => string = localPathOfUri;

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

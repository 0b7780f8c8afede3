/**
 * Model URIs as MLflow 3.x reads them (mlflow/store/artifact/utils/models.py, runs_artifact_repo.py):
 *
 *   runs:/<run_id>/<path>              models:/<name>/<version digits>     models:/<name>/latest
 *   models:/<name>/<stage>             models:/<name>@<alias>              models:/<model_id>
 *   file:///abs/path, plain paths      anything else with a scheme (mlflow-artifacts:/, s3://, https://)
 *
 * Registered-model forms may carry a sub-path: the model part is the first two segments (one with
 * an `@alias`), the rest is the sub-path. A single segment without `@` is a LoggedModel id.
 */
import { MlflowError } from '../errors.js';
import { percentDecodeOnce } from './percent-decoding.js';

interface ModelsUriBase {
  kind: 'models';
  name: string;
  /** Path inside the model's artifacts, e.g. `MLmodel` in `models:/m/1/MLmodel`. */
  subPath?: string;
}
export type ModelsVersionUri = ModelsUriBase & { version: string };
export type ModelsAliasUri = ModelsUriBase & { alias: string };
/** Stage as written; stores match it case-insensitively. */
export type ModelsStageUri = ModelsUriBase & { stage: string };
export type ModelsLatestUri = ModelsUriBase & { latest: true };

export type ModelUri =
  | { kind: 'runs'; runId: string /** '' for the run's artifact root. */; path: string }
  | ModelsVersionUri
  | ModelsAliasUri
  | ModelsStageUri
  | ModelsLatestUri
  | { kind: 'logged-model'; modelId: string }
  | { kind: 'file' /** Local path, percent-decoded for file: URIs. */; path: string }
  | { kind: 'artifact'; uri: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** The URI's scheme in lower case, or undefined for plain paths (a one-letter "scheme" is a drive). */
export function uriScheme(uri: string): string | undefined {
  const m = SCHEME.exec(uri);
  return m && m[1]!.length > 1 ? m[1]!.toLowerCase() : undefined;
}

export function isRunsUri(uri: string): boolean {
  return uriScheme(uri) === 'runs';
}

export function isModelsUri(uri: string): boolean {
  return uriScheme(uri) === 'models';
}

function improperModels(uri: string, why: string): MlflowError {
  return MlflowError.invalidParameter(
    `Not a proper models:/ URI: ${uri}. ${why}. Models URIs must be of the form 'models:/model_name/suffix' or ` +
      `'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias ` +
      'is a registered model alias. Only one of suffix or alias can be defined at a time.',
  );
}

function improperRuns(uri: string, why: string): MlflowError {
  return MlflowError.invalidParameter(
    `Not a proper runs:/ URI: ${uri}. ${why}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'`,
  );
}

/** The part after `scheme:`, with an empty `//` authority dropped; a non-empty one is returned apart. */
function splitAuthority(rest: string): { authority: string; path: string } {
  if (!rest.startsWith('//')) return { authority: '', path: rest };
  const end = rest.indexOf('/', 2);
  return end === -1 ? { authority: rest.slice(2), path: '' } : { authority: rest.slice(2, end), path: rest.slice(end) };
}

export function parseModelUri(uri: string): ModelUri {
  if (typeof uri !== 'string' || uri.trim() === '')
    throw MlflowError.invalidParameter(`Invalid model URI: ${JSON.stringify(uri)}. Expected a non-empty string`);
  const scheme = uriScheme(uri);
  if (scheme === undefined) return { kind: 'file', path: uri };
  const { authority, path } = splitAuthority(uri.slice(scheme.length + 1));
  if (scheme === 'runs') {
    if (authority !== '') throw improperRuns(uri, `unexpected authority '${authority}'`);
    if (/[?#]/.test(path)) throw improperRuns(uri, 'query strings and fragments are not allowed');
    if (!path.startsWith('/') || path.length <= 1) throw improperRuns(uri, 'the run ID is missing');
    const [runId, ...rest] = path.slice(1).split('/');
    if (!runId) throw improperRuns(uri, 'the run ID is missing');
    return { kind: 'runs', runId, path: rest.join('/') };
  }
  if (scheme === 'models') return parseModelsPath(uri, authority, path);
  if (scheme === 'file') {
    if (authority !== '' && authority.toLowerCase() !== 'localhost') {
      throw MlflowError.invalidParameter(`Invalid file URI: ${uri}. Only local file: URIs (no host) are supported`);
    }
    let local = percentDecodeOnce(path);
    if (/^\/[A-Za-z]:/.test(local)) local = local.slice(1); // file:///C:/x → C:/x
    return { kind: 'file', path: local };
  }
  return { kind: 'artifact', uri };
}

function parseModelsPath(uri: string, authority: string, path: string): ModelUri {
  if (authority !== '') throw improperModels(uri, `registry profiles ('models://${authority}/…') are not supported`);
  if (/[?#]/.test(path)) throw improperModels(uri, 'query strings and fragments are not allowed');
  if (!path.startsWith('/') || path.length <= 1) throw improperModels(uri, 'the model name is missing');
  const parts = path.replace(/^\/+/, '').split('/');
  const first = parts[0]!;
  if (first.trim() === '') throw improperModels(uri, 'the model name is missing');
  const subPathOf = (rest: string[]) => {
    const sub = rest.join('/');
    return sub === '' ? {} : { subPath: sub };
  };
  if (first.includes('@')) {
    const at = first.lastIndexOf('@');
    const name = first.slice(0, at);
    const alias = first.slice(at + 1);
    if (name.trim() === '' || alias.trim() === '')
      throw improperModels(uri, 'both the model name and the alias must be non-empty');
    return { kind: 'models', name, alias, ...subPathOf(parts.slice(1)) };
  }
  if (parts.length === 1) return { kind: 'logged-model', modelId: first };
  const suffix = parts[1]!;
  if (suffix.trim() === '') throw improperModels(uri, 'the version, stage or latest suffix is empty');
  const rest = subPathOf(parts.slice(2));
  if (/^\d+$/.test(suffix)) return { kind: 'models', name: first, version: suffix, ...rest };
  if (suffix.toLowerCase() === 'latest') return { kind: 'models', name: first, latest: true, ...rest };
  return { kind: 'models', name: first, stage: suffix, ...rest };
}

function encodeLocalPath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%40/g, '@'))
    .join('/');
}

/** The inverse of `parseModelUri`: `parseModelUri(formatModelUri(u))` equals `u`. */
export function formatModelUri(u: ModelUri): string {
  switch (u.kind) {
    case 'runs':
      return `runs:/${u.runId}${u.path ? `/${u.path}` : ''}`;
    case 'logged-model':
      return `models:/${u.modelId}`;
    case 'artifact':
      return u.uri;
    case 'file': {
      // POSIX absolute paths become file: URIs; relative and Windows paths are valid as they are.
      return u.path.startsWith('/') ? `file://${encodeLocalPath(u.path)}` : u.path;
    }
    case 'models': {
      const sub = u.subPath ? `/${u.subPath}` : '';
      if ('alias' in u) return `models:/${u.name}@${u.alias}${sub}`;
      const suffix = 'version' in u ? u.version : 'stage' in u ? u.stage : 'latest';
      return `models:/${u.name}/${suffix}${sub}`;
    }
  }
}

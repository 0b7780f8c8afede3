/**
 * Entry-point parameters: MLflow's rules (`EntryPoint.compute_parameters`) plus type checks MLflow
 * leaves to the script. Every declared parameter gets the caller's value or its default; a missing
 * required one, an `int`/`float` that does not parse as Python's `int()`/`float()` would, or a `uri`
 * without a scheme is an error naming it, before anything runs. Values the entry point does not
 * declare are passed on as `--key value`. Values stay the text the caller gave (MLflow substitutes the
 * string, not a re-printed number); `typed` carries the cast numbers for callers that want them.
 */
import { MlflowError } from '../errors.js';
import { formatCommand } from './command-template.js';
import { pythonFloatStr } from '../mlmodel/pyyaml-resolver.js';
import type { ProjectEntryPoint, ProjectParameter } from './project-spec.js';
import { shellQuote } from './shell-quote.js';

export type ParameterInput = string | number | boolean | bigint;

export interface ResolvedParameters {
  /** Declared parameters in MLproject order, as text (not yet shell-quoted). */
  params: Record<string, string>;
  /** Parameters the caller gave that the entry point does not declare, in the caller's order. */
  extra: Record<string, string>;
  /** `params` cast by type: numbers for `int` and `float`, the text otherwise. */
  typed: Record<string, string | number>;
}

const INT_RE = /^\s*[-+]?\d(?:_?\d)*\s*$/;
const FLOAT_RE =
  /^\s*[-+]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?|inf(?:inity)?|nan)\s*$/i;

/** The text MLflow would use for a caller's value (`str(value)` in Python). */
export function parameterText(value: ParameterInput): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : pythonFloatStr(value);
  return String(value);
}

/** Python's `urlparse(s).scheme != ''`: a letter, then letters, digits, `+-.`, then `:`. */
export function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value);
}

/** MLflow's `get_local_path_or_none`: the local path of a bare path or a `file:` URI without a host. */
export function localPathOrUndefined(value: string): string | undefined {
  if (!isUri(value) || /^[A-Za-z]:[\\/]/.test(value)) return value;
  const m = /^file:(?:\/\/([^/]*))?(\/.*)?$/i.exec(value);
  if (!m || (m[1] !== undefined && m[1] !== '')) return undefined;
  return decodeURIComponent(m[2] ?? '');
}

function typeError(ep: ProjectEntryPoint, p: ProjectParameter, text: string, what: string): MlflowError {
  return new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Parameter '${p.name}' of entry point '${ep.name}' must be ${what}, got '${text}'`,
  );
}

/** Validates and casts one parameter's text by its declared type. */
export function castParameter(ep: ProjectEntryPoint, p: ProjectParameter, text: string): string | number {
  switch (p.type) {
    case 'int':
      if (!INT_RE.test(text)) throw typeError(ep, p, text, 'an int');
      return Number(text.trim().replace(/_/g, ''));
    case 'float': {
      if (!FLOAT_RE.test(text)) throw typeError(ep, p, text, 'a float');
      const t = text.trim().replace(/_/g, '').toLowerCase();
      if (/nan$/.test(t)) return NaN;
      if (/inf/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
      return Number(t);
    }
    case 'uri':
      if (!isUri(text)) {
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Expected URI for parameter ${p.name} but got ${text}`);
      }
      return text;
    default:
      return text;
  }
}

/** Names come from the MLproject and the caller: `__proto__` must stay a key, not become a prototype. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export function resolveParameters(
  ep: ProjectEntryPoint,
  user: Readonly<Record<string, ParameterInput>> = {},
): ResolvedParameters {
  const missing = ep.parameters.filter((p) => !Object.hasOwn(user, p.name) && p.default === undefined);
  if (missing.length > 0) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `No value given for missing parameters: ${missing.map((p) => `'${p.name}'`).join(', ')}`,
    );
  }
  const out: ResolvedParameters = { params: {}, extra: {}, typed: {} };
  for (const p of ep.parameters) {
    const given = Object.hasOwn(user, p.name) ? user[p.name] : undefined;
    const text = given !== undefined ? parameterText(given) : (p.default as string);
    setOwn(out.typed, p.name, castParameter(ep, p, text));
    setOwn(out.params, p.name, text);
  }
  for (const [key, value] of Object.entries(user)) {
    if (!Object.hasOwn(out.params, key)) setOwn(out.extra, key, parameterText(value));
  }
  return out;
}

/** The params MLflow logs for a project run: every value shell-quoted, as `_sanitize_param_dict` does. */
export function projectRunParams(resolved: ResolvedParameters): { key: string; value: string }[] {
  return [...Object.entries(resolved.params), ...Object.entries(resolved.extra)].map(([key, value]) => ({
    key,
    value: shellQuote(value),
  }));
}

/**
 * The shell command for an entry point (`EntryPoint.compute_command`): the template filled with the
 * quoted values, then ` --key value` for each extra parameter. `params` may differ from
 * `resolved.params` where the runner replaced `path` values with absolute local paths.
 */
export function entryPointCommand(
  ep: ProjectEntryPoint,
  params: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
): string {
  const quoted = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, shellQuote(v)]));
  const parts = [formatCommand(ep.command, quoted, ep.name)];
  for (const [key, value] of Object.entries(extra)) parts.push(`--${key} ${shellQuote(value)}`);
  return parts.join(' ');
}

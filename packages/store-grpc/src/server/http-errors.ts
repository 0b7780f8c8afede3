/**
 * The one place where anything thrown in a REST or gRPC handler becomes MLflow's error body, and
 * so the one place that keeps server internals out of it: an unexpected error (a bug, a Node
 * system error) answers a generic message with a reference and its detail goes to the server log;
 * file-system errors a request caused become 400s; no message names a server path (the server's
 * own directories become labels such as `<artifact root>`, other absolute paths `<path>`); stack
 * traces are never sent.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MlflowError, httpStatusForErrorCode } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';

export interface ErrorHygiene {
  /** Server directories hidden from messages, longest first, each replaced by its label. */
  roots: { dir: string; label: string }[];
  /** Where the details of internal errors go. */
  log: (message: string) => void;
}

const defaultLog = (message: string) => void process.stderr.write(`mlflow-ts server: ${message}\n`);
const DEFAULT_HYGIENE: ErrorHygiene = { roots: [], log: defaultLog };

const HYGIENE = Symbol.for('mlflow-ts.error-hygiene');

/** Makes `sendError` on this fastify instance (and its plugins) use `hygiene`. */
export function attachErrorHygiene(app: FastifyInstance, hygiene: ErrorHygiene): void {
  app.decorate(HYGIENE, hygiene);
}

export function errorHygieneOf(reply: FastifyReply): ErrorHygiene | undefined {
  return (reply.server as unknown as Record<symbol, ErrorHygiene | undefined>)[HYGIENE];
}

/** `file:` URIs and absolute POSIX / Windows paths (not URL paths glued to a word or scheme). */
const FILE_URI = /file:\/*[^\s'"`<>]*/g;
const POSIX_PATH = /(?<![\w.:/%~<>-])\/[^\s'"`,;()<>[\]{}|/]+(?:\/[^\s'"`,;()<>[\]{}|/]*)*/g;
const WINDOWS_PATH = /(?<![\w])[A-Za-z]:\\[^\s'"`<>]*/g;

export function redactServerPaths(message: string, hygiene: ErrorHygiene = DEFAULT_HYGIENE): string {
  let out = message;
  for (const { dir, label } of hygiene.roots) {
    if (dir.length > 1) out = out.split(`file://${dir}`).join(label).split(dir).join(label);
  }
  return out.replace(FILE_URI, 'file:<path>').replace(POSIX_PATH, '<path>').replace(WINDOWS_PATH, '<path>');
}

/** Node file-system errors a request can cause by its names and paths: client errors, not 500s. */
function clientFsError(err: { code?: string; message?: string }): MlflowError | undefined {
  switch (err.code) {
    case 'ENAMETOOLONG':
      return MlflowError.invalidParameter(
        "A name in the request is too long for the server's file system (ENAMETOOLONG)",
      );
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
      return MlflowError.invalidParameter(`The path conflicts with an existing file or directory (${err.code})`);
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      if (err.message?.includes('null bytes'))
        return MlflowError.invalidParameter('Names may not contain NUL characters');
      return undefined;
    default:
      return undefined;
  }
}

function internal(e: unknown, hygiene: ErrorHygiene): MlflowError {
  const reference = randomBytes(6).toString('hex');
  const err = e as { code?: unknown; stack?: unknown; message?: unknown };
  hygiene.log(`internal error ${reference}: ${typeof err?.stack === 'string' ? err.stack : String(e)}`);
  const code = typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code) ? ` (${err.code})` : '';
  return new MlflowError('INTERNAL_ERROR', `Internal server error${code}; reference ${reference} in the server log`);
}

export function toMlflowError(e: unknown, hygiene: ErrorHygiene = DEFAULT_HYGIENE): MlflowError {
  if (MlflowError.isInstance(e)) {
    const message = redactServerPaths(e.message, hygiene);
    const { stack_trace: _dropped, ...details } = e.details ?? {};
    if (message === e.message && e.details?.stack_trace === undefined) return e;
    if (httpStatusForErrorCode(e.code) >= 500) hygiene.log(`${e.code}: ${e.message}`);
    return new MlflowError(e.code, message, Object.keys(details).length > 0 ? { details } : undefined);
  }
  const err = e as { code?: string; statusCode?: number; message?: string };
  if (err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return MlflowError.invalidParameter(`Request body is too large: ${err.message}`);
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new MlflowError('BAD_REQUEST', redactServerPaths(err.message ?? 'Bad request', hygiene));
  }
  return clientFsError(err ?? {}) ?? internal(e, hygiene);
}

export function errorReply(e: unknown, hygiene?: ErrorHygiene): { status: number; body: string } {
  const err = toMlflowError(e, hygiene);
  return { status: httpStatusForErrorCode(err.code as ErrorCode), body: JSON.stringify(err.toJSON()) };
}

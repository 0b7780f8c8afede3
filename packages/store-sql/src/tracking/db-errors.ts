/**
 * Driver errors (better-sqlite3, pg) as MlflowErrors with a clear message: a read-only database, a
 * value longer than MLflow's column, a lost connection… never a stack trace or a bare 500.
 */
import { MlflowError } from '@mlflow-ts/format';

interface DriverError {
  code?: string;
  message?: string;
  constraint?: string;
}

function driverCode(err: unknown): string {
  return typeof err === 'object' && err !== null ? String((err as DriverError).code ?? '') : '';
}

/** A primary-key or unique constraint rejected the write. */
export function isUniqueViolation(err: unknown): boolean {
  const code = driverCode(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export function isForeignKeyViolation(err: unknown): boolean {
  const code = driverCode(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Any error from a query as an MlflowError (MlflowErrors pass through unchanged). */
export function toMlflowError(err: unknown, displayUri: string): MlflowError {
  if (MlflowError.isInstance(err)) return err;
  const code = driverCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_READONLY') || code === '25006' || code === '42501') {
    return new MlflowError('PERMISSION_DENIED', `Database ${displayUri} is read-only: cannot write (${message})`);
  }
  if (code === '22001' || code === 'SQLITE_TOOBIG') {
    return new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `A value is longer than MLflow's database column allows: ${message}`,
    );
  }
  if (isForeignKeyViolation(err)) {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', `A referenced entity does not exist: ${message}`);
  }
  if (isUniqueViolation(err)) return new MlflowError('RESOURCE_ALREADY_EXISTS', `Already exists: ${message}`);
  if (code.startsWith('SQLITE_BUSY') || code === '40001' || code === '40P01' || code === '55P03') {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `Database ${displayUri} is busy, retry: ${message}`);
  }
  if (
    code.startsWith('08') ||
    code === '57P01' ||
    code === '57P03' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    /Connection terminated/i.test(message)
  ) {
    return new MlflowError('TEMPORARILY_UNAVAILABLE', `Lost the connection to ${displayUri}: ${message}`);
  }
  if (code === 'SQLITE_FULL' || code === '53100')
    return new MlflowError('RESOURCE_EXHAUSTED', `Database ${displayUri} is full: ${message}`);
  return new MlflowError('INTERNAL_ERROR', `Database error on ${displayUri}: ${message}`);
}

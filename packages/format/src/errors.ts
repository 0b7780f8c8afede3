/**
 * MLflow's error codes (mlflow/protos/databricks.proto) and the one error type every package throws.
 * Checks across package boundaries use `MlflowError.isInstance`, never `instanceof`: two copies of
 * this package in one process must still recognise each other's errors.
 */

export const ERROR_CODES = {
  INTERNAL_ERROR: 1,
  TEMPORARILY_UNAVAILABLE: 2,
  IO_ERROR: 3,
  BAD_REQUEST: 4,
  DEADLINE_EXCEEDED: 7,
  CANCELLED: 8,
  RESOURCE_EXHAUSTED: 9,
  ABORTED: 10,
  NOT_FOUND: 11,
  ALREADY_EXISTS: 12,
  UNAUTHENTICATED: 13,
  INVALID_PARAMETER_VALUE: 1000,
  ENDPOINT_NOT_FOUND: 1001,
  MALFORMED_REQUEST: 1002,
  INVALID_STATE: 1003,
  PERMISSION_DENIED: 1004,
  FEATURE_DISABLED: 1005,
  CUSTOMER_UNAUTHORIZED: 1006,
  REQUEST_LIMIT_EXCEEDED: 1007,
  RESOURCE_CONFLICT: 1008,
  NOT_IMPLEMENTED: 1010,
  DATA_LOSS: 1011,
  INVALID_STATE_TRANSITION: 2001,
  RESOURCE_ALREADY_EXISTS: 3001,
  RESOURCE_DOES_NOT_EXIST: 3002,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one table from error code to HTTP status (MLflow's, incl. RESOURCE_ALREADY_EXISTS → 400). */
const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  CUSTOMER_UNAUTHORIZED: 401,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** gRPC status codes (numbers, so this package needs no gRPC import). */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The one table from error code to gRPC status. */
const GRPC_STATUS_OF: Partial<Record<ErrorCode, number>> = {
  INVALID_PARAMETER_VALUE: GRPC_STATUS.INVALID_ARGUMENT,
  BAD_REQUEST: GRPC_STATUS.INVALID_ARGUMENT,
  MALFORMED_REQUEST: GRPC_STATUS.INVALID_ARGUMENT,
  RESOURCE_ALREADY_EXISTS: GRPC_STATUS.ALREADY_EXISTS,
  ALREADY_EXISTS: GRPC_STATUS.ALREADY_EXISTS,
  RESOURCE_DOES_NOT_EXIST: GRPC_STATUS.NOT_FOUND,
  NOT_FOUND: GRPC_STATUS.NOT_FOUND,
  ENDPOINT_NOT_FOUND: GRPC_STATUS.UNIMPLEMENTED,
  NOT_IMPLEMENTED: GRPC_STATUS.UNIMPLEMENTED,
  PERMISSION_DENIED: GRPC_STATUS.PERMISSION_DENIED,
  UNAUTHENTICATED: GRPC_STATUS.UNAUTHENTICATED,
  CUSTOMER_UNAUTHORIZED: GRPC_STATUS.UNAUTHENTICATED,
  ABORTED: GRPC_STATUS.ABORTED,
  RESOURCE_CONFLICT: GRPC_STATUS.ABORTED,
  REQUEST_LIMIT_EXCEEDED: GRPC_STATUS.RESOURCE_EXHAUSTED,
  RESOURCE_EXHAUSTED: GRPC_STATUS.RESOURCE_EXHAUSTED,
  CANCELLED: GRPC_STATUS.CANCELLED,
  INVALID_STATE: GRPC_STATUS.FAILED_PRECONDITION,
  INVALID_STATE_TRANSITION: GRPC_STATUS.FAILED_PRECONDITION,
  DATA_LOSS: GRPC_STATUS.DATA_LOSS,
  TEMPORARILY_UNAVAILABLE: GRPC_STATUS.UNAVAILABLE,
  DEADLINE_EXCEEDED: GRPC_STATUS.DEADLINE_EXCEEDED,
};

export function httpStatusForErrorCode(code: string): number {
  return HTTP_STATUS[code as ErrorCode] ?? 500;
}

export function grpcStatusForErrorCode(code: string): number {
  return GRPC_STATUS_OF[code as ErrorCode] ?? GRPC_STATUS.INTERNAL;
}

/** The inverse used by gRPC clients: the wire carries the exact code in metadata, this is the fallback. */
export function errorCodeForGrpcStatus(status: number): ErrorCode {
  for (const [code, s] of Object.entries(GRPC_STATUS_OF)) if (s === status) return code as ErrorCode;
  return 'INTERNAL_ERROR';
}

/** What a REST client does with a non-2xx answer whose body carries no MLflow error code. */
export function errorCodeForHttpStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return 'INTERNAL_ERROR';
}

const MARKER = Symbol.for('mlflow-ts.error');

export class MlflowError extends Error {
  readonly [MARKER] = true;
  readonly code: ErrorCode;
  /** Extra fields sent along in the JSON error body (e.g. `stack_trace`). */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlflowError';
    this.code = code;
    if (options?.details) this.details = options.details;
  }

  static isInstance(e: unknown): e is MlflowError {
    return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[MARKER] === true;
  }

  get httpStatus(): number {
    return httpStatusForErrorCode(this.code);
  }

  get grpcStatus(): number {
    return grpcStatusForErrorCode(this.code);
  }

  /** MLflow's JSON error body: `{"error_code", "message", ...details}`. */
  toJSON(): Record<string, unknown> {
    return { error_code: this.code, message: this.message, ...this.details };
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): MlflowError {
    return new MlflowError('RESOURCE_ALREADY_EXISTS', message);
  }
}

/**
 * Bounds on the work one search request may ask for. MLflow relies on its SQL database for this;
 * an in-process evaluator must refuse oversized filters itself, so that no request can hold the
 * event loop (or the stack) for long. Each refusal is INVALID_PARAMETER_VALUE naming the limit.
 */
import { MlflowError } from '../errors.js';

/** Characters in one filter string (room for an `IN` list of ~2,500 run IDs). */
export const MAX_FILTER_LENGTH = 100_000;
/** Comparisons (`key op value`) in one filter. */
export const MAX_FILTER_CLAUSES = 1_000;
/** Depth of parentheses and NOTs: deeper nesting would only exhaust the parser's stack. */
export const MAX_FILTER_NESTING = 100;
/** Characters in one LIKE / ILIKE pattern. */
export const MAX_LIKE_PATTERN_LENGTH = 1_000;
/** Clauses in one `order_by` list. */
export const MAX_ORDER_BY_CLAUSES = 100;
/** Characters in one `order_by` clause. */
export const MAX_ORDER_BY_CLAUSE_LENGTH = 1_000;

export function limitExceeded(what: string, actual: number, limit: number, name: string): MlflowError {
  return MlflowError.invalidParameter(`${what}: ${actual} exceeds the limit of ${limit} (${name})`);
}

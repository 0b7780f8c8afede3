/**
 * MLflow's offset page tokens: base64 of Python's `json.dumps({"offset": N})` — note the space
 * after the colon — so tokens we hand out look exactly like MLflow's and MLflow's work here.
 * Browser-safe: `btoa`/`atob` are globals in Node 20 and every browser; tokens are ASCII.
 */
import type { Page } from '../entities.js';
import { MlflowError } from '../errors.js';

export function encodePageToken(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset <= 0)
    throw new MlflowError('INTERNAL_ERROR', `Cannot encode page token for offset ${offset}`);
  return globalThis.btoa(`{"offset": ${offset}}`);
}

/** `undefined` or '' → 0; anything that is not a token for a positive offset → INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === null || token === '') return 0;
  if (typeof token !== 'string')
    throw MlflowError.invalidParameter(`Invalid page token, expected a string: ${JSON.stringify(token)}`);
  let decoded: string;
  try {
    decoded = globalThis.atob(token);
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, could not base64-decode: '${token}'`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token, decoded value=${JSON.stringify(decoded)}`);
  }
  const raw =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)['offset']
      : undefined;
  // MLflow accepts int(offset) of a number or a numeric string, and rejects a missing or zero offset.
  const offset = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(offset) || offset <= 0) {
    throw MlflowError.invalidParameter(`Invalid page token, parsed value=${decoded}`);
  }
  return offset;
}

/** One page from `pageToken`'s offset; a next token only when more items remain (MLflow's FileStore). */
export function paginate<T>(items: readonly T[], maxResults: number, pageToken?: string): Page<T> {
  const start = decodePageToken(pageToken);
  const end = start + maxResults;
  const page: Page<T> = { items: items.slice(start, end) };
  if (end < items.length) page.next_page_token = encodePageToken(end);
  return page;
}

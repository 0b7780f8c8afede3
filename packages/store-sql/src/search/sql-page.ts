/**
 * MLflow's offset page tokens over SQL: `LIMIT max_results + 1 OFFSET <token offset>`, and a next
 * token exactly when that extra row exists (tokens are `encodePageToken`/`decodePageToken`'s).
 */
import { sql } from 'kysely';
import { decodePageToken, encodePageToken } from '@mlflow-ts/format';
import type { Page } from '@mlflow-ts/format';
import type { SqlExpr } from './sql-filter.js';

export interface PageWindow {
  offset: number;
  maxResults: number;
  /** `LIMIT … OFFSET …` with both numbers bound. */
  limitSql: SqlExpr;
}

/** Decodes the token (INVALID_PARAMETER_VALUE for a bad one) before any query runs. */
export function pageWindow(maxResults: number, pageToken: string | undefined): PageWindow {
  const offset = decodePageToken(pageToken);
  return { offset, maxResults, limitSql: sql`LIMIT ${maxResults + 1} OFFSET ${offset}` };
}

/** The page of `rows` (fetched with `window.limitSql`), with a token when one more row came back. */
export function toPage<T>(rows: readonly T[], window: PageWindow): Page<T> {
  const page: Page<T> = { items: rows.slice(0, window.maxResults) };
  if (rows.length > window.maxResults) page.next_page_token = encodePageToken(window.offset + window.maxResults);
  return page;
}

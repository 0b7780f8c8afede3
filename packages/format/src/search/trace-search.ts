/**
 * search_traces over trace infos held in memory: filter, MLflow's order (default `timestamp_ms DESC,
 * request_id ASC`), offset page tokens like MLflow's FileStore. When the caller's list is already in
 * the default order and no order_by is given, the scan stops once the page is full, so a store that
 * keeps its index sorted answers the common search without touching every trace.
 */
import type { Page } from '../entities.js';
import { MlflowError } from '../errors.js';
import type { TraceInfo } from '../trace-entities.js';
import type { SearchTracesRequest } from '../trace-store.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { compareTraces, compileTraceFilter, isDefaultTraceOrder, parseTraceOrderBy } from './trace-filter.js';
import type { TraceOrderClause } from './trace-filter.js';

export const SEARCH_TRACES_DEFAULT_MAX_RESULTS = 100;
/** MLflow's FileStore ceiling (SEARCH_MAX_RESULTS_THRESHOLD); the REST handler allows 500. */
export const SEARCH_TRACES_MAX_RESULTS = 50000;

export function resolveTraceMaxResults(maxResults: number | undefined, max = SEARCH_TRACES_MAX_RESULTS): number {
  if (maxResults === undefined || maxResults === null) return SEARCH_TRACES_DEFAULT_MAX_RESULTS;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be a positive integer, but got value ${maxResults}`,
    );
  }
  if (maxResults > max) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${maxResults}`,
    );
  }
  return maxResults;
}

export interface TraceSearchOptions {
  /** `infos` is already sorted by `timestamp_ms DESC, request_id ASC`. */
  presorted?: boolean;
  /**
   * The caller's infos in the order `clauses` sorts them, when it holds them so (an index kept sorted);
   * undefined otherwise. The search then filters and stops at a full page, as on presorted input.
   */
  inOrder?: (clauses: readonly TraceOrderClause[]) => Iterable<TraceInfo> | undefined;
}

export function searchTracesInMemory(
  infos: Iterable<TraceInfo>,
  req: Omit<SearchTracesRequest, 'experiment_ids'>,
  opts: TraceSearchOptions = {},
): Page<TraceInfo> {
  const maxResults = resolveTraceMaxResults(req.max_results);
  const matches = compileTraceFilter(req.filter);
  const order = parseTraceOrderBy(req.order_by);
  const start = decodePageToken(req.page_token);
  const ordered = opts.presorted && isDefaultTraceOrder(order) ? infos : opts.inOrder?.(order);
  if (ordered) {
    const items: TraceInfo[] = [];
    let seen = 0;
    let more = false;
    for (const info of ordered) {
      if (!matches(info)) continue;
      if (seen++ < start) continue;
      if (items.length === maxResults) {
        more = true;
        break;
      }
      items.push(info);
    }
    const page: Page<TraceInfo> = { items };
    if (more) page.next_page_token = encodePageToken(start + maxResults);
    return page;
  }
  const cmp = compareTraces(order);
  const end = start + maxResults;
  // Pages near the top (the common case) keep only the best `end` matches: O(n log end), not a full sort.
  if (end <= TOP_K_LIMIT) {
    const top: TraceInfo[] = [];
    let total = 0;
    // Presorted newest first and asked oldest first: scan from the end, so the page fills with the
    // best matches early and later ones are rejected after one comparison.
    const reverse = opts.presorted && Array.isArray(infos) && order[0]?.key === 'timestamp_ms' && order[0].ascending;
    const scan: Iterable<TraceInfo> = reverse ? reversed(infos as readonly TraceInfo[]) : infos;
    for (const info of scan) {
      if (!matches(info)) continue;
      total++;
      if (top.length === end && cmp(info, top[end - 1] as TraceInfo) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(top[mid] as TraceInfo, info) <= 0) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, info);
      if (top.length > end) top.pop();
    }
    const page: Page<TraceInfo> = { items: top.slice(start, end) };
    if (end < total) page.next_page_token = encodePageToken(end);
    return page;
  }
  const filtered: TraceInfo[] = [];
  for (const info of infos) if (matches(info)) filtered.push(info);
  filtered.sort(cmp);
  const page: Page<TraceInfo> = { items: filtered.slice(start, end) };
  if (end < filtered.length) page.next_page_token = encodePageToken(end);
  return page;
}

function* reversed<T>(xs: readonly T[]): Generator<T> {
  for (let i = xs.length - 1; i >= 0; i--) yield xs[i] as T;
}

/** Up to this many results (offset + page), searches select the top matches instead of sorting all. */
const TOP_K_LIMIT = 2000;

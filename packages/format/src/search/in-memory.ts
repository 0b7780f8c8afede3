/**
 * Whole searches over entities held in memory — filter, order, paginate — with MLflow's FileStore
 * default orders and max_results limits. Any store that can list its entities can answer a search
 * with these; all parsing errors are raised before any work is done.
 */
import type { Experiment, ModelVersion, Page, RegisteredModel, Run, ViewType } from '../entities.js';
import { MlflowError } from '../errors.js';
import {
  experimentValueAccessor,
  modelVersionValueAccessor,
  registeredModelValueAccessor,
  runValueAccessor,
} from './accessors.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import { compileFilter } from './evaluate.js';
import type { ValueAccessor } from './evaluate.js';
import { compareSortValues, parseOrderBy, sortRank } from './order-by.js';
import type { OrderByClause } from './order-by.js';
import { decodePageToken, encodePageToken } from './page-token.js';
import { parseFilter } from './parser.js';

/** Default and maximum `max_results` per entity (MLflow 3.6 handlers and stores). */
export const SEARCH_MAX_RESULTS: Readonly<Record<SearchEntity, { default: number; max: number }>> = {
  runs: { default: 1000, max: 50000 },
  experiments: { default: 1000, max: 50000 },
  registered_models: { default: 100, max: 1000 },
  model_versions: { default: 10000, max: 200000 },
  logged_models: { default: 100, max: 50000 },
};

export interface InMemorySearchRequest {
  filter?: string;
  order_by?: string[];
  max_results?: number;
  page_token?: string;
}

export function resolveMaxResults(entity: SearchEntity, maxResults: number | undefined): number {
  const { default: fallback, max } = SEARCH_MAX_RESULTS[entity];
  if (maxResults === undefined || maxResults === null) return fallback;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be a positive integer, but got value ${JSON.stringify(maxResults)}`,
    );
  }
  if (maxResults > max) {
    throw MlflowError.invalidParameter(
      `Invalid value for request parameter max_results. It must be at most ${max}, but got value ${maxResults}`,
    );
  }
  return maxResults;
}

const attr = (key: string): Identifier => ({ type: 'attribute', key });
const clause = (key: string, ascending: boolean): OrderByClause => ({ identifier: attr(key), ascending });
const hasKey = (clauses: readonly OrderByClause[], key: string) =>
  clauses.some((c) => c.identifier.type === 'attribute' && c.identifier.key === key);

function search<T>(
  entity: SearchEntity,
  items: readonly T[],
  req: InMemorySearchRequest,
  accessor: (item: T) => ValueAccessor,
  withTieBreakers: (clauses: OrderByClause[]) => OrderByClause[],
): Page<T> {
  const maxResults = resolveMaxResults(entity, req.max_results);
  const predicate = compileFilter(parseFilter(req.filter, entity));
  const clauses = withTieBreakers(parseOrderBy(req.order_by, entity));
  const start = decodePageToken(req.page_token);

  // Decorate once: each accessor and sort key is computed a single time per item (column arrays,
  // no per-row allocation), then only the indexes up to the end of the page are put in order.
  const k = clauses.length;
  const matched: T[] = [];
  const columns: unknown[][] = clauses.map(() => []);
  const ranks: number[][] = clauses.map(() => []);
  for (const item of items) {
    const get = accessor(item);
    if (!predicate(get)) continue;
    matched.push(item);
    for (let j = 0; j < k; j++) {
      const v = get(clauses[j]!.identifier);
      columns[j]!.push(v);
      ranks[j]!.push(sortRank(v));
    }
  }
  const dirs = clauses.map((c) => (c.ascending ? 1 : -1));
  const compare = (a: number, b: number): number => {
    for (let j = 0; j < k; j++) {
      const ra = ranks[j]![a]!;
      const rb = ranks[j]![b]!;
      if (ra !== 0 || rb !== 0) {
        if (ra !== rb) return ra - rb;
        continue;
      }
      const va = columns[j]![a];
      const vb = columns[j]![b];
      if (va === vb) continue;
      const ta = typeof va;
      const c =
        ta === typeof vb && (ta === 'number' || ta === 'string' || ta === 'bigint')
          ? (va as number) < (vb as number)
            ? -1
            : 1
          : compareSortValues(va, vb, true);
      if (c !== 0) return c * dirs[j]!;
    }
    return a - b;
  };
  const end = start + maxResults;
  const page: Page<T> = {
    items: firstInOrder(matched.length, end, compare)
      .slice(start)
      .map((i) => matched[i]!),
  };
  if (end < matched.length) page.next_page_token = encodePageToken(end);
  return page;
}

/**
 * The first `count` of the indexes `0..n-1` in `compare`'s order (a total order: ties broken by
 * index). A page of 100 out of 100k matches keeps a bounded max-heap of the best `count` seen, so it
 * costs about n comparisons instead of the n·log n of sorting everything.
 */
function firstInOrder(n: number, count: number, compare: (a: number, b: number) => number): number[] {
  if (count * 4 >= n) {
    const all = Array.from({ length: n }, (_, i) => i);
    all.sort(compare);
    return count < n ? all.slice(0, count) : all;
  }
  // heap[0] is the worst of the kept indexes.
  const heap: number[] = [];
  const siftDown = (from: number) => {
    const size = heap.length;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const r = l + 1;
      const worse = r < size && compare(heap[r]!, heap[l]!) > 0 ? r : l;
      if (compare(heap[worse]!, heap[i]!) <= 0) return;
      [heap[i], heap[worse]] = [heap[worse]!, heap[i]!];
      i = worse;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < count) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (compare(heap[c]!, heap[p]!) <= 0) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
    } else if (count > 0 && compare(i, heap[0]!) < 0) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort(compare);
}

function byViewType<T>(items: readonly T[], viewType: ViewType | undefined, stage: (item: T) => string): readonly T[] {
  if (viewType === undefined || viewType === 'ALL') return items;
  const want = viewType === 'DELETED_ONLY' ? 'deleted' : 'active';
  return items.filter((item) => stage(item) === want);
}

/**
 * Runs ordered by `order_by`, then MLflow's base order `start_time DESC, run_id ASC`. Experiment and
 * view-type restrictions apply only when given (callers often pre-select the runs). A store may search
 * its own run representation instead of `Run`s by passing an `accessor` that reads each one's values
 * as `runValueAccessor` reads a Run's, so it need not build a Run per candidate.
 */
export function searchRunsInMemory(
  runs: readonly Run[],
  req?: InMemorySearchRequest & { experiment_ids?: string[]; run_view_type?: ViewType },
): Page<Run>;
export function searchRunsInMemory<T>(
  runs: readonly T[],
  req: InMemorySearchRequest & { experiment_ids?: string[]; run_view_type?: ViewType },
  accessor: (run: T) => ValueAccessor,
): Page<T>;
export function searchRunsInMemory<T>(
  runs: readonly T[],
  req: InMemorySearchRequest & { experiment_ids?: string[]; run_view_type?: ViewType } = {},
  accessor: (run: T) => ValueAccessor = runValueAccessor as unknown as (run: T) => ValueAccessor,
): Page<T> {
  const info = (key: string) => (r: T) => accessor(r)(attr(key)) as string;
  let selected = byViewType(runs, req.run_view_type, info('lifecycle_stage'));
  if (req.experiment_ids) {
    const ids = new Set(req.experiment_ids);
    const experimentId = info('experiment_id');
    selected = selected.filter((r) => ids.has(experimentId(r)));
  }
  return search('runs', selected, req, accessor, (clauses) => [
    ...clauses,
    clause('start_time', false),
    clause('run_id', true),
  ]);
}

/** FS order: `creation_time DESC, experiment_id ASC`; with order_by, an `experiment_id DESC` tie-breaker. */
export function searchExperimentsInMemory(
  experiments: readonly Experiment[],
  req: InMemorySearchRequest & { view_type?: ViewType } = {},
): Page<Experiment> {
  const selected = byViewType(experiments, req.view_type, (e) => e.lifecycle_stage);
  return search('experiments', selected, req, experimentValueAccessor, (clauses) => {
    if (clauses.length === 0) return [clause('creation_time', false), clause('experiment_id', true)];
    return hasKey(clauses, 'experiment_id') ? clauses : [...clauses, clause('experiment_id', false)];
  });
}

/** Ordered by `order_by` with a `name ASC` tie-breaker (default: `name ASC`). */
export function searchRegisteredModelsInMemory(
  models: readonly RegisteredModel[],
  req: InMemorySearchRequest = {},
): Page<RegisteredModel> {
  return search('registered_models', models, req, registeredModelValueAccessor, (clauses) =>
    hasKey(clauses, 'name') ? clauses : [...clauses, clause('name', true)],
  );
}

/** FS order: `last_updated_timestamp DESC, name ASC, version DESC`; tie-breakers `name ASC, version DESC`. */
export function searchModelVersionsInMemory(
  versions: readonly ModelVersion[],
  req: InMemorySearchRequest = {},
): Page<ModelVersion> {
  return search('model_versions', versions, req, modelVersionValueAccessor, (clauses) => {
    const out = clauses.length === 0 ? [clause('last_updated_timestamp', false)] : [...clauses];
    if (!hasKey(out, 'name')) out.push(clause('name', true));
    if (!hasKey(out, 'version_number')) out.push(clause('version_number', false));
    return out;
  });
}

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

  // One pass: each match's sort keys are read once into scratch arrays and compared with the worst
  // of the best `end` kept so far (a bounded max-heap); only a match that makes the cut is copied.
  // A page of 100 out of 100k runs thus allocates about nothing per run — big per-search arrays
  // land in V8's large-object space and bring on full garbage collections.
  const k = clauses.length;
  const ids = clauses.map((c) => c.identifier);
  const dirs = clauses.map((c) => (c.ascending ? 1 : -1));
  const end = start + maxResults;
  const heap: Keyed<T>[] = [];
  const scratch: Keyed<T> = { item: undefined as T, i: 0, values: new Array(k), ranks: new Array(k) };
  const compare = (a: Keyed<T>, b: Keyed<T>): number => {
    for (let j = 0; j < k; j++) {
      const ra = a.ranks[j]!;
      const rb = b.ranks[j]!;
      if (ra !== 0 || rb !== 0) {
        if (ra !== rb) return ra - rb;
        continue;
      }
      const va = a.values[j];
      const vb = b.values[j];
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
    return a.i - b.i;
  };
  let matched = 0;
  for (const item of items) {
    const get = accessor(item);
    if (!predicate(get)) continue;
    scratch.item = item;
    scratch.i = matched++;
    for (let j = 0; j < k; j++) {
      const v = get(ids[j]!);
      scratch.values[j] = v;
      scratch.ranks[j] = sortRank(v);
    }
    if (heap.length < end) {
      heap.push(copyKeyed(scratch));
      siftUp(heap, heap.length - 1, compare);
    } else if (end > 0 && compare(scratch, heap[0]!) < 0) {
      heap[0] = copyKeyed(scratch);
      siftDown(heap, 0, compare);
    }
  }
  heap.sort(compare);
  const page: Page<T> = { items: heap.slice(start).map((x) => x.item) };
  if (end < matched) page.next_page_token = encodePageToken(end);
  return page;
}

/** A match with its sort keys (`i`: its position among the matches, the last tie-breaker). */
interface Keyed<T> {
  item: T;
  i: number;
  values: unknown[];
  ranks: number[];
}

const copyKeyed = <T>(x: Keyed<T>): Keyed<T> => ({
  item: x.item,
  i: x.i,
  values: x.values.slice(),
  ranks: x.ranks.slice(),
});

// A max-heap under `compare`: heap[0] is the worst of the kept matches.
function siftUp<T>(heap: T[], from: number, compare: (a: T, b: T) => number): void {
  for (let c = from; c > 0; ) {
    const p = (c - 1) >> 1;
    if (compare(heap[c]!, heap[p]!) <= 0) return;
    [heap[c], heap[p]] = [heap[p]!, heap[c]!];
    c = p;
  }
}

function siftDown<T>(heap: T[], from: number, compare: (a: T, b: T) => number): void {
  const size = heap.length;
  for (let i = from; ; ) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    const worse = r < size && compare(heap[r]!, heap[l]!) > 0 ? r : l;
    if (compare(heap[worse]!, heap[i]!) <= 0) return;
    [heap[i], heap[worse]] = [heap[worse]!, heap[i]!];
    i = worse;
  }
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

/**
 * mlflow-ts's columnar runs search (`POST {/api,/ajax-api}/2.0/mlflow-ts/runs/search-columnar`), the
 * web UI's fast path for big runs tables. The same filter, order and view type as `runs/search` (the
 * store's `searchRuns` answers), the same permission check (`SearchRuns` on the experiments), but the
 * reply holds one window of rows `[offset, offset + limit)` with the chosen params, metrics and tags
 * as per-column arrays: numbers for metrics (null = not logged; NaN/±Infinity as MLflow's JSON
 * writes them), dictionary-encoded strings for params and tags (code -1 = not set).
 *
 * The first call searches once and keeps the ordered result as a `snapshot` for a while, so the
 * next windows of the same query (scrolling a 100,000-run table) only encode: pass `snapshot` back.
 * An unknown or expired snapshot is searched again and answered with a new one.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import type { Run, ViewType } from '@mlflow-ts/format';
import { principalOf } from './auth/principals.js';
import type { HandlerContext } from './handler-context.js';
import { COLUMNAR_HISTORY_PATH, columnarHistoryRoutes } from './columnar-runs-history.js';
import { checkContentType, parseBody, sendError } from './rest-api.js';

const PATH = '/2.0/mlflow-ts/runs/search-columnar';
const PREFIXES = ['/api', '/ajax-api'];
const RUNS_URLS = PREFIXES.map((p) => p + PATH);
const HISTORY_URLS = PREFIXES.map((p) => p + COLUMNAR_HISTORY_PATH);
/** Every route of this plugin (reads, each checking its RPC's permission rule), under both of MLflow's prefixes. */
export const COLUMNAR_RUNS_URLS = [...RUNS_URLS, ...HISTORY_URLS];

const PAGE = 50_000;
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 50_000;
const MAX_COLUMNS = 2000;
/** Rows × columns of one reply. */
const MAX_CELLS = 2_000_000;
/** Snapshots kept: this many, for this long since last use, holding at most this many runs in all. */
const SNAPSHOTS = 8;
const SNAPSHOT_IDLE_MS = 5 * 60_000;
const SNAPSHOT_RUNS = 1_000_000;
const VIEW_TYPES = new Set(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
const KINDS = ['metrics', 'params', 'tags'] as const;
type Kind = (typeof KINDS)[number];

interface ColumnarRunsQuery {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: ViewType;
  order_by?: string[];
  columns: { id: string; kind: Kind; key: string }[];
  offset: number;
  limit: number;
  snapshot?: string;
  include_keys: boolean;
}

/** A dictionary-encoded string column: `dict[codes[i]]`, code -1 for no value. */
interface DictColumn {
  dict: string[];
  codes: number[];
}

interface Snapshot {
  key: string;
  runs: Run[];
  keys?: { metrics: string[]; params: string[]; tags: string[] };
  used: number;
}

function fail(message: string): never {
  throw MlflowError.invalidParameter(message);
}

function stringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    fail(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a list of strings.`);
  return v as string[];
}

function integer(body: Record<string, unknown>, name: string, dflt: number, min: number, max: number): number {
  const v = body[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(
      `Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected an integer in [${min}, ${max}].`,
    );
  return v;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    fail(`Invalid value ${JSON.stringify(v)} for parameter '${name}' supplied: expected a string.`);
  return v;
}

/** The request body, checked; bad input is INVALID_PARAMETER_VALUE naming the offending value. */
function parseColumnarRunsQuery(raw: unknown): ColumnarRunsQuery {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new MlflowError('MALFORMED_REQUEST', 'Request body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  const experiment_ids = stringList(body, 'experiment_ids');
  if (!experiment_ids || experiment_ids.length === 0) fail("Missing value for required parameter 'experiment_ids'.");
  const viewType = optionalString(body, 'run_view_type');
  if (viewType !== undefined && !VIEW_TYPES.has(viewType))
    fail(
      `Invalid value '${viewType}' for parameter 'run_view_type' supplied: expected one of ${[...VIEW_TYPES].join(', ')}.`,
    );
  const ids = stringList(body, 'columns') ?? [];
  if (ids.length > MAX_COLUMNS) fail(`Too many columns: ${ids.length} (at most ${MAX_COLUMNS}).`);
  const columns = ids.map((id) => {
    const dot = id.indexOf('.');
    const kind = id.slice(0, dot) as Kind;
    if (dot <= 0 || !KINDS.includes(kind) || dot === id.length - 1)
      fail(`Invalid column '${id}': expected 'metrics.<key>', 'params.<key>' or 'tags.<key>'.`);
    return { id, kind, key: id.slice(dot + 1) };
  });
  const limit = integer(body, 'limit', DEFAULT_LIMIT, 0, MAX_LIMIT);
  if (limit * Math.max(1, columns.length) > MAX_CELLS)
    fail(`Too many cells: ${limit} rows × ${columns.length} columns (at most ${MAX_CELLS.toLocaleString('en')}).`);
  const includeKeys = body.include_keys;
  if (includeKeys !== undefined && typeof includeKeys !== 'boolean')
    fail(`Invalid value ${JSON.stringify(includeKeys)} for parameter 'include_keys' supplied: expected a boolean.`);
  return {
    experiment_ids,
    filter: optionalString(body, 'filter'),
    run_view_type: viewType as ViewType | undefined,
    order_by: stringList(body, 'order_by'),
    columns,
    offset: integer(body, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
    limit,
    snapshot: optionalString(body, 'snapshot'),
    include_keys: includeKeys === true,
  };
}

/** MLflow's JSON for a metric value: NaN and ±Infinity as strings. */
function metricJson(v: number): number | string {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function dictEncoder(): { column: DictColumn; push(v: string | undefined): void } {
  const column: DictColumn = { dict: [], codes: [] };
  const index = new Map<string, number>();
  return {
    column,
    push(v) {
      if (v === undefined) {
        column.codes.push(-1);
        return;
      }
      let code = index.get(v);
      if (code === undefined) {
        code = column.dict.length;
        index.set(v, code);
        column.dict.push(v);
      }
      column.codes.push(code);
    },
  };
}

function keysOf(runs: Run[]): NonNullable<Snapshot['keys']> {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of runs) {
    for (const x of r.data.metrics) m.add(x.key);
    for (const x of r.data.params) p.add(x.key);
    for (const x of r.data.tags) t.add(x.key);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { metrics: sorted(m), params: sorted(p), tags: sorted(t) };
}

/** The reply: the window's rows, as columns. */
export type ColumnarRunsReply = ReturnType<typeof encodeWindow> & {
  snapshot: string;
  total: number;
  offset: number;
  count: number;
  keys?: Snapshot['keys'];
};

/** One window of `runs` as columns. */
function encodeWindow(runs: Run[], columns: ColumnarRunsQuery['columns']) {
  const experiment = dictEncoder();
  const user = dictEncoder();
  const status = dictEncoder();
  const lifecycle = dictEncoder();
  const runIds: string[] = [];
  const names: string[] = [];
  const starts: (number | null)[] = [];
  const ends: (number | null)[] = [];
  // Per kind, key → the column's position: each run's entries are walked once.
  const slots: Record<Kind, Map<string, number[]>> = { metrics: new Map(), params: new Map(), tags: new Map() };
  columns.forEach((c, i) => {
    const list = slots[c.kind].get(c.key) ?? [];
    list.push(i);
    slots[c.kind].set(c.key, list);
  });
  const numbers = columns.map((c) => (c.kind === 'metrics' ? ([] as (number | string | null)[]) : undefined));
  const strings = columns.map((c) => (c.kind === 'metrics' ? undefined : dictEncoder()));
  const row: (number | string | undefined)[] = new Array(columns.length);
  for (const run of runs) {
    const info = run.info;
    runIds.push(info.run_id);
    names.push(info.run_name);
    experiment.push(info.experiment_id);
    user.push(info.user_id);
    status.push(info.status);
    lifecycle.push(info.lifecycle_stage);
    starts.push(info.start_time ?? null);
    ends.push(info.end_time ?? null);
    row.fill(undefined);
    if (slots.metrics.size > 0)
      for (const m of run.data.metrics) for (const i of slots.metrics.get(m.key) ?? []) row[i] = m.value;
    if (slots.params.size > 0)
      for (const p of run.data.params) for (const i of slots.params.get(p.key) ?? []) row[i] = p.value;
    if (slots.tags.size > 0)
      for (const t of run.data.tags) for (const i of slots.tags.get(t.key) ?? []) row[i] = t.value;
    for (let i = 0; i < columns.length; i++) {
      const v = row[i];
      const n = numbers[i];
      if (n) n.push(v === undefined ? null : metricJson(v as number));
      else strings[i]!.push(v as string | undefined);
    }
  }
  return {
    attributes: {
      run_id: runIds,
      run_name: names,
      experiment_id: experiment.column,
      user_id: user.column,
      status: status.column,
      lifecycle_stage: lifecycle.column,
      start_time: starts,
      end_time: ends,
    },
    columns: columns.map((c, i) =>
      c.kind === 'metrics'
        ? { id: c.id, type: 'number' as const, values: numbers[i]! }
        : { id: c.id, type: 'string' as const, ...strings[i]!.column },
    ),
  };
}

async function searchAll(ctx: HandlerContext, q: ColumnarRunsQuery): Promise<Run[]> {
  const runs: Run[] = [];
  let token: string | undefined;
  do {
    const page = await ctx.tracking.searchRuns({
      experiment_ids: q.experiment_ids,
      filter: q.filter,
      run_view_type: q.run_view_type,
      max_results: PAGE,
      order_by: q.order_by,
      page_token: token,
    });
    for (const r of page.items) runs.push(r);
    token = page.next_page_token || undefined;
  } while (token);
  return runs;
}

/** The fastify plugin (columnar runs and metric histories); its snapshots live as long as the server. */
export async function columnarRunsApi(app: FastifyInstance, opts: { ctx: HandlerContext }): Promise<void> {
  const { ctx } = opts;
  const snapshots = new Map<string, Snapshot>();
  const evict = (now: number) => {
    for (const [id, s] of snapshots) if (now - s.used > SNAPSHOT_IDLE_MS) snapshots.delete(id);
    // Oldest first (a Map iterates in insertion order; a used snapshot is re-inserted).
    let total = 0;
    for (const s of snapshots.values()) total += s.runs.length;
    for (const [id, s] of snapshots) {
      if (snapshots.size <= SNAPSHOTS && total <= SNAPSHOT_RUNS) break;
      snapshots.delete(id);
      total -= s.runs.length;
    }
  };

  const answer = async (q: ColumnarRunsQuery): Promise<ColumnarRunsReply> => {
    const key = JSON.stringify([q.experiment_ids, q.filter ?? '', q.run_view_type ?? '', q.order_by ?? []]);
    const now = Date.now();
    let id = q.snapshot;
    let snap = id !== undefined ? snapshots.get(id) : undefined;
    if (!snap || snap.key !== key || now - snap.used > SNAPSHOT_IDLE_MS) {
      snap = { key, runs: await searchAll(ctx, q), used: now };
      id = randomUUID();
    }
    snapshots.delete(id!);
    snap.used = now;
    snapshots.set(id!, snap);
    evict(now);
    if (q.include_keys) snap.keys ??= keysOf(snap.runs);
    const window = snap.runs.slice(q.offset, q.offset + q.limit);
    return {
      snapshot: id!,
      total: snap.runs.length,
      offset: q.offset,
      count: window.length,
      ...encodeWindow(window, q.columns),
      ...(q.include_keys ? { keys: snap.keys } : {}),
    };
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  columnarHistoryRoutes(app, ctx, HISTORY_URLS);
  for (const url of RUNS_URLS) {
    app.post(url, async (request: FastifyRequest, reply) => {
      try {
        checkContentType(request);
        const q = parseColumnarRunsQuery(parseBody(request));
        // The permission check of runs/search (read on every experiment asked for).
        const req = { experiment_ids: q.experiment_ids, filter: q.filter, order_by: q.order_by };
        const result = ctx.guard
          ? await ctx.guard('SearchRuns', req, principalOf(request.raw), () => answer(q))
          : await answer(q);
        return reply.type('application/json').send(JSON.stringify(result));
      } catch (e) {
        return sendError(reply, e);
      }
    });
  }
}

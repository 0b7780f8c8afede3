import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ColumnPicker } from '../components/column-picker.js';
import { ErrorBox, Loading, Tabs, TagEditor } from '../components/common.js';
import { FilterBox } from '../components/filter-box.js';
import { CanvasGrid } from '../grid/canvas-grid.js';
import type { GridColumn } from '../grid/canvas-grid.js';
import { ApiError, api } from '../lib/api.js';
import { quoteKey } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import type { ExperimentTab } from '../lib/router.js';
import { jsonList, links, splitHash, withQuery } from '../lib/router.js';
import { cellText, collectKeys, nestRuns, toTableRun } from '../lib/runs-data.js';
import type { KeySets, TableRun } from '../lib/runs-data.js';
import type { Experiment, Run } from '../lib/types.js';
import { LoggedModelsTab } from './logged-models-tab.js';
import { RunsChartsView } from './runs-charts-view.js';
import { TracesTab } from './traces-tab.js';

const FIRST_PAGE = 500;
const NEXT_PAGE = 2000;
/** Live refresh period, and the most loaded runs it fetches again in one request. */
const LIVE_MS = 3000;
const LIVE_MAX = 5000;
const DEFAULT_SORT = 'attributes.start_time';

const ATTRIBUTE_COLUMNS: GridColumn[] = [
  { id: 'attributes.start_time', title: 'Created', width: 160, sortKey: 'attributes.start_time' },
  { id: 'attributes.duration', title: 'Duration', width: 90 },
  { id: 'attributes.status', title: 'Status', width: 100, sortKey: 'attributes.status' },
  { id: 'attributes.user_id', title: 'User', width: 110, sortKey: 'attributes.user_id' },
  { id: 'attributes.source', title: 'Source', width: 140 },
];

/** `metrics.loss` → the `order_by` key MLflow expects (`metrics.\`loss\``). */
function sortKeyOf(columnId: string): string {
  const dot = columnId.indexOf('.');
  const kind = columnId.slice(0, dot);
  return kind === 'attributes' ? columnId : `${kind}.${quoteKey(columnId.slice(dot + 1))}`;
}

function gridColumn(id: string): GridColumn {
  const attr = ATTRIBUTE_COLUMNS.find((c) => c.id === id);
  if (attr) return attr;
  const dot = id.indexOf('.');
  const kind = id.slice(0, dot);
  return {
    id,
    title: id.slice(dot + 1),
    width: 130,
    align: kind === 'metrics' ? 'right' : 'left',
    sortKey: sortKeyOf(id),
  };
}

export interface RunsQuery {
  experimentIds: string[];
  filter: string;
  orderBy: string;
  viewType: string;
}

interface Loaded {
  rows: TableRun[];
  raw: TableRun[];
  keys: KeySets;
  nextToken?: string;
  error?: Error;
  loading: boolean;
  done: boolean;
}

/** Pages of `runs/search` for one query; more pages as the table scrolls near its end; optionally live. */
function useRuns(q: RunsQuery, refresh: number, live: boolean) {
  const [state, setState] = useState<Loaded>({
    rows: [],
    raw: [],
    keys: { metrics: [], params: [], tags: [] },
    loading: true,
    done: false,
  });
  const busy = useRef(false);
  const gen = useRef(0);
  const fetchPage = async (token: string | undefined, size: number, g: number, base: TableRun[]) => {
    busy.current = true;
    try {
      const res = await api.post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
        experiment_ids: q.experimentIds,
        filter: q.filter || undefined,
        run_view_type: q.viewType,
        max_results: size,
        order_by: [q.orderBy],
        page_token: token,
      });
      if (g !== gen.current) return;
      const raw = [...base, ...(res.runs ?? []).map(toTableRun)];
      setState({
        rows: nestRuns(raw),
        raw,
        keys: collectKeys(raw),
        nextToken: res.next_page_token || undefined,
        loading: false,
        done: !res.next_page_token,
      });
    } catch (e) {
      if (g !== gen.current) return;
      setState((s) => ({ ...s, loading: false, done: true, error: e instanceof Error ? e : new Error(String(e)) }));
    } finally {
      if (g === gen.current) busy.current = false;
    }
  };
  useEffect(() => {
    const g = ++gen.current;
    setState({ rows: [], raw: [], keys: { metrics: [], params: [], tags: [] }, loading: true, done: false });
    void fetchPage(undefined, FIRST_PAGE, g, []);
  }, [q.experimentIds.join(','), q.filter, q.orderBy, q.viewType, refresh]);
  const more = () => {
    if (busy.current || state.done || !state.nextToken) return;
    void fetchPage(state.nextToken, NEXT_PAGE, gen.current, state.raw);
  };
  // Live refresh: every LIVE_MS while the tab is visible, the loaded runs are fetched again in one
  // request and the table is redrawn in place (scroll and selection kept). Beyond LIVE_MAX loaded runs
  // it pauses: one request must stay one request.
  const loaded = state.raw.length;
  const livePaused = live && loaded > LIVE_MAX;
  useEffect(() => {
    if (!live || livePaused) return;
    const timer = setInterval(() => {
      if (busy.current || document.hidden) return;
      void fetchPage(undefined, Math.max(FIRST_PAGE, Math.min(loaded, LIVE_MAX)), gen.current, []);
    }, LIVE_MS);
    return () => clearInterval(timer);
  }, [live, livePaused, loaded, q.experimentIds.join(','), q.filter, q.orderBy, q.viewType]);
  return { ...state, more, livePaused };
}

function RunsTable({
  rows,
  columns,
  selected,
  sort,
  onToggle,
  onToggleAll,
  onSort,
  onMore,
  done,
}: {
  rows: TableRun[];
  columns: GridColumn[];
  selected: Set<string>;
  sort: { id: string; asc: boolean };
  onToggle(row: number, range: boolean): void;
  onToggleAll(): void;
  onSort(c: GridColumn): void;
  onMore(): void;
  done: boolean;
}) {
  const host = useRef<HTMLDivElement>(null);
  const grid = useRef<CanvasGrid>();
  const handlers = useRef({ onToggle, onToggleAll, onSort, onMore });
  handlers.current = { onToggle, onToggleAll, onSort, onMore };
  useEffect(() => {
    if (!host.current) return;
    const g = new CanvasGrid(host.current, {
      label: 'Runs',
      nameTitle: 'Run Name',
      onToggle: (r, range) => handlers.current.onToggle(r, range),
      onToggleAll: () => handlers.current.onToggleAll(),
      onSort: (c) => handlers.current.onSort(c),
      onNearEnd: () => handlers.current.onMore(),
    });
    grid.current = g;
    (window as unknown as { __grid?: CanvasGrid }).__grid = g;
    return () => g.destroy();
  }, []);
  useEffect(() => grid.current?.setColumns(columns), [columns]);
  useEffect(() => grid.current?.setSort(sort), [sort.id, sort.asc]);
  useEffect(() => {
    grid.current?.setSource({
      rowCount: () => rows.length,
      cell: (r, c) => {
        const run = rows[r];
        return run ? cellText(run, c.id) : '';
      },
      rowName: (r) => rows[r]?.name ?? '',
      rowHref: (r) => {
        const run = rows[r];
        return run ? links.run(run.experimentId, run.id) : '#';
      },
      rowDepth: (r) => rows[r]?.depth ?? 0,
      isSelected: (r) => {
        const run = rows[r];
        return run ? selected.has(run.id) : false;
      },
    });
  }, [rows, selected]);
  return <div class="grid-host" ref={host} data-rows={rows.length} data-done={String(done)} />;
}

export function ExperimentPage({
  experimentIds,
  tab,
  hash,
}: {
  experimentIds: string[];
  tab: ExperimentTab;
  hash: string;
}) {
  const { query } = splitHash(hash);
  const experiments = useAsync(
    () =>
      Promise.all(
        experimentIds.map((id) =>
          api.get<{ experiment: Experiment }>('experiments/get', { experiment_id: id }).then((r) => r.experiment),
        ),
      ),
    [experimentIds.join(',')],
  );
  const title = experiments.data?.map((e) => e.name).join(', ') ?? '';
  useTitle(title || 'Experiment');
  const single = experimentIds.length === 1 ? experimentIds[0] : undefined;
  const filter = query.get('searchFilter') ?? '';
  const orderByKey = query.get('orderByKey') ?? DEFAULT_SORT;
  const orderByAsc = query.get('orderByAsc') === 'true';
  const viewType = query.get('lifecycleFilter') === 'Deleted' ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
  const [refresh, setRefresh] = useState(0);
  const runsQuery = useMemo<RunsQuery>(
    () => ({ experimentIds, filter, orderBy: `${orderByKey} ${orderByAsc ? 'ASC' : 'DESC'}`, viewType }),
    [experimentIds.join(','), filter, orderByKey, orderByAsc, viewType],
  );
  const live = query.get('live') === 'true';
  const runs = useRuns(runsQuery, refresh, live);
  const selected = useMemo(
    () => new Set((query.get('selected') ?? '').split(',').filter(Boolean)),
    [query.get('selected')],
  );
  const colsParam = query.get('cols');
  const chosen = useMemo(() => {
    if (colsParam !== null) return jsonList(colsParam);
    return [...runs.keys.metrics.map((k) => `metrics.${k}`), ...runs.keys.params.map((k) => `params.${k}`)].slice(
      0,
      40,
    );
  }, [colsParam, runs.keys]);
  const columns = useMemo(() => [...ATTRIBUTE_COLUMNS, ...chosen.map(gridColumn)], [chosen]);
  const sortColumnId = columns.find((c) => c.sortKey === orderByKey)?.id ?? orderByKey;
  const lastToggled = useRef(-1);
  const [actionError, setActionError] = useState<Error>();

  const setQuery = (changes: Record<string, string | undefined>, replace = false) =>
    navigate(withQuery(location.hash, changes), replace);
  const setSelected = (ids: Set<string>) => setQuery({ selected: [...ids].join(',') || undefined }, true);
  const base =
    single !== undefined ? links.experiment(single) : (links.compareExperiments(experimentIds).split('?')[0] ?? '');
  const keep = splitHash(hash).query.toString();
  const tabHref = (t: ExperimentTab) => {
    const path = single !== undefined ? links.experiment(single, t) : `${base}`;
    return keep ? `${path}?${keep}` : path;
  };
  const filterError =
    runs.error instanceof ApiError && runs.error.code === 'INVALID_PARAMETER_VALUE' && filter
      ? runs.error.message
      : undefined;
  const selectedRuns = runs.rows.filter((r) => selected.has(r.id));

  const bulk = async (endpoint: 'runs/delete' | 'runs/restore') => {
    try {
      await Promise.all(selectedRuns.map((r) => api.post(endpoint, { run_id: r.id })));
      setSelected(new Set());
      setRefresh((n) => n + 1);
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(String(e)));
    }
  };

  return (
    <main class="page page-wide">
      <div class="page-head">
        <h1>{title || (experiments.loading ? 'Experiment' : `Experiment ${experimentIds.join(', ')}`)}</h1>
        {single !== undefined ? <span class="muted">Experiment ID: {single}</span> : null}
        {single !== undefined && experiments.data?.[0] ? (
          <details class="experiment-tags">
            <summary>
              Tags ({(experiments.data[0].tags ?? []).filter((t) => !t.key.startsWith('mlflow.')).length})
            </summary>
            <TagEditor
              label="Experiment tags"
              tags={experiments.data[0].tags ?? []}
              onSet={async (key, value) => {
                await api.post('experiments/set-experiment-tag', { experiment_id: single, key, value });
                experiments.reload();
              }}
              onDelete={async (key) => {
                await api.post('experiments/delete-experiment-tag', { experiment_id: single, key });
                experiments.reload();
              }}
            />
          </details>
        ) : null}
      </div>
      {experiments.error ? <ErrorBox error={experiments.error} what="Could not load the experiment" /> : null}
      {single !== undefined ? (
        <Tabs
          current={tab}
          tabs={[
            { id: 'runs', label: 'Runs', href: tabHref('runs') },
            { id: 'chart', label: 'Charts', href: tabHref('chart') },
            { id: 'models', label: 'Models', href: tabHref('models') },
            { id: 'traces', label: 'Traces', href: tabHref('traces') },
          ]}
        />
      ) : null}
      {tab === 'models' && single !== undefined ? <LoggedModelsTab experimentId={single} /> : null}
      {tab === 'traces' && single !== undefined ? <TracesTab experimentId={single} /> : null}
      {tab === 'runs' || tab === 'chart' ? (
        <>
          <div class="toolbar">
            <FilterBox
              value={filter}
              error={filterError}
              keys={[
                ...runs.keys.metrics.map((k) => `metrics.${quoteKey(k)}`),
                ...runs.keys.params.map((k) => `params.${quoteKey(k)}`),
              ]}
              onApply={(f) => setQuery({ searchFilter: f || undefined })}
            />
            <label>
              <span class="sr-only">Lifecycle</span>
              <select
                aria-label="Show active or deleted runs"
                value={viewType === 'DELETED_ONLY' ? 'Deleted' : 'Active'}
                onChange={(e) =>
                  setQuery({
                    lifecycleFilter: e.currentTarget.value === 'Deleted' ? 'Deleted' : undefined,
                    selected: undefined,
                  })
                }
              >
                <option value="Active">Active</option>
                <option value="Deleted">Deleted</option>
              </select>
            </label>
            <ColumnPicker
              keys={runs.keys}
              selected={chosen}
              onChange={(c) => setQuery({ cols: JSON.stringify(c) }, true)}
            />
            <button type="button" onClick={() => setRefresh((n) => n + 1)}>
              Refresh
            </button>
            <label title={`Fetch the loaded runs again every ${LIVE_MS / 1000} s`}>
              <input
                type="checkbox"
                checked={live}
                onChange={(e) => setQuery({ live: e.currentTarget.checked ? 'true' : undefined }, true)}
              />{' '}
              Live
            </label>
            {runs.livePaused ? (
              <span class="muted small" role="status">
                Live refresh pauses beyond {LIVE_MAX.toLocaleString('en-US')} loaded runs
              </span>
            ) : null}
          </div>
          <div class="toolbar selection-bar">
            <span aria-live="polite">
              {runs.rows.length} run{runs.rows.length === 1 ? '' : 's'}
              {runs.done ? '' : '+'} · {selected.size} selected
            </span>
            <button
              type="button"
              class="primary"
              disabled={selected.size < 2}
              onClick={() =>
                navigate(
                  links.compareRuns(
                    [...selected],
                    [...new Set(selectedRuns.map((r) => r.experimentId).concat(experimentIds))],
                  ),
                )
              }
            >
              Compare
            </button>
            {viewType === 'DELETED_ONLY' ? (
              <button type="button" disabled={selected.size === 0} onClick={() => bulk('runs/restore')}>
                Restore
              </button>
            ) : (
              <button
                type="button"
                disabled={selected.size === 0}
                onClick={() => confirm(`Delete ${selected.size} run(s)?`) && bulk('runs/delete')}
              >
                Delete
              </button>
            )}
          </div>
          {actionError ? <ErrorBox error={actionError} /> : null}
          {runs.error && !filterError ? <ErrorBox error={runs.error} what="Could not search runs" /> : null}
          {runs.loading && runs.rows.length === 0 ? <Loading label="Loading runs…" /> : null}
          {tab === 'runs' ? (
            <RunsTable
              rows={runs.rows}
              columns={columns}
              selected={selected}
              sort={{ id: sortColumnId, asc: orderByAsc }}
              onMore={runs.more}
              done={runs.done}
              onSort={(c) => {
                if (!c.sortKey) return;
                const asc = c.sortKey === orderByKey ? !orderByAsc : false;
                setQuery({ orderByKey: c.sortKey, orderByAsc: String(asc) });
              }}
              onToggleAll={() => {
                const all = runs.rows.every((r) => selected.has(r.id));
                setSelected(all ? new Set() : new Set(runs.rows.map((r) => r.id)));
              }}
              onToggle={(row, range) => {
                const run = runs.rows[row];
                if (!run) return;
                const next = new Set(selected);
                if (range && lastToggled.current >= 0) {
                  const [a, b] = [Math.min(lastToggled.current, row), Math.max(lastToggled.current, row)];
                  for (let i = a; i <= b; i++) {
                    const r = runs.rows[i];
                    if (r) next.add(r.id);
                  }
                } else if (!next.delete(run.id)) next.add(run.id);
                lastToggled.current = row;
                setSelected(next);
              }}
            />
          ) : (
            <RunsChartsView
              runs={selectedRuns.length > 0 ? selectedRuns : runs.rows.slice(0, 10)}
              metricKeys={runs.keys.metrics}
              hash={hash}
            />
          )}
        </>
      ) : null}
    </main>
  );
}

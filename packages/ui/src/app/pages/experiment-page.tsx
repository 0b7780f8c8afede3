import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ColumnPicker } from '../components/column-picker.js';
import { runColorCss } from '../components/colors.js';
import { ErrorBox, KeySelect, Loading, Tabs, TagEditor } from '../components/common.js';
import { FilterBox } from '../components/filter-box.js';
import { CanvasGrid } from '../grid/canvas-grid.js';
import type { GridColumn } from '../grid/canvas-grid.js';
import { ApiError, api } from '../lib/api.js';
import { quoteKey } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import type { ExperimentTab } from '../lib/router.js';
import { jsonList, links, splitHash, withQuery } from '../lib/router.js';
import { groupSettings } from '../charts/grouping.js';
import { ColumnarRuns, columnarAvailable } from '../lib/columnar-runs.js';
import { collectKeys, nestRuns, tableRunRows, toTableRun } from '../lib/runs-data.js';
import type { KeySets, RunRows, TableRun } from '../lib/runs-data.js';
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
  orderBy: string[];
  viewType: string;
}

interface Loaded {
  rows: RunRows;
  keys: KeySets;
  error?: Error;
  loading: boolean;
  done: boolean;
  /** Bumped when rows arrive in place (columnar windows), so the grid redraws. */
  version: number;
}

const NO_KEYS: KeySets = { metrics: [], params: [], tags: [] };
const EMPTY: Loaded = { rows: tableRunRows([], false), keys: NO_KEYS, loading: true, done: false, version: 0 };

/**
 * The runs of one query: mlflow-ts's columnar windows when the server has them (windows load as the
 * table scrolls), else pages of MLflow's `runs/search` (more pages as the table scrolls near its end).
 * Optionally live. `columns` are the data columns the table shows (the columnar path fetches only those).
 */
function useRuns(q: RunsQuery, refresh: number, live: boolean, columns: string[]) {
  const [state, setState] = useState<Loaded>(EMPTY);
  const busy = useRef(false);
  const gen = useRef(0);
  const raw = useRef<TableRun[]>([]);
  const nextToken = useRef<string | undefined>();
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  const fail = (g: number, e: unknown) => {
    if (g !== gen.current) return;
    setState((s) => ({ ...s, loading: false, done: true, error: e instanceof Error ? e : new Error(String(e)) }));
  };
  const bump = (g: number) => () => {
    if (g === gen.current) setState((s) => ({ ...s, version: s.version + 1 }));
  };
  /** Columnar: the first window (a fresh search); false when the server has no columnar endpoint. */
  const openColumnar = async (g: number): Promise<boolean> => {
    const rows = await ColumnarRuns.open(q, columnsRef.current, bump(g));
    if (!rows) return false;
    if (g === gen.current)
      setState((s) => ({ rows, keys: rows.keys, loading: false, done: true, version: s.version + 1 }));
    return true;
  };
  const fetchPage = async (token: string | undefined, size: number, g: number, base: TableRun[]) => {
    busy.current = true;
    try {
      const res = await api.post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
        experiment_ids: q.experimentIds,
        filter: q.filter || undefined,
        run_view_type: q.viewType,
        max_results: size,
        order_by: q.orderBy,
        page_token: token,
      });
      if (g !== gen.current) return;
      raw.current = [...base, ...(res.runs ?? []).map(toTableRun)];
      nextToken.current = res.next_page_token || undefined;
      setState((s) => ({
        rows: tableRunRows(nestRuns(raw.current), !nextToken.current),
        keys: collectKeys(raw.current),
        loading: false,
        done: !nextToken.current,
        version: s.version + 1,
      }));
    } catch (e) {
      fail(g, e);
    } finally {
      if (g === gen.current) busy.current = false;
    }
  };
  const load = async (g: number, size: number) => {
    busy.current = true;
    try {
      if (columnarAvailable() && (await openColumnar(g))) return;
    } catch (e) {
      fail(g, e);
      return;
    } finally {
      if (g === gen.current) busy.current = false;
    }
    await fetchPage(undefined, size, g, []);
  };
  useEffect(() => {
    const g = ++gen.current;
    raw.current = [];
    nextToken.current = undefined;
    setState(EMPTY);
    void load(g, FIRST_PAGE);
  }, [q.experimentIds.join(','), q.filter, q.orderBy.join(), q.viewType, refresh]);
  // Columnar rows fetch only the shown columns: others chosen → the same snapshot with those.
  const current = state.rows;
  useEffect(() => {
    if (!(current instanceof ColumnarRuns) || current.hasColumns(columns)) return;
    const g = gen.current;
    current
      .withColumns(columns, bump(g), 0)
      .then((rows) => {
        if (rows && g === gen.current) setState((s) => ({ ...s, rows, version: s.version + 1 }));
      })
      .catch((e: unknown) => fail(g, e));
  }, [current, columns.join('\n')]);
  const more = () => {
    if (busy.current || state.done || !nextToken.current || current instanceof ColumnarRuns) return;
    void fetchPage(nextToken.current, NEXT_PAGE, gen.current, raw.current);
  };
  // Live refresh: every LIVE_MS while the tab is visible, one request: the first columnar window of a
  // fresh search (other windows reload as they come into view), or the loaded runs/search pages again.
  // Beyond LIVE_MAX runs it pauses (one request must stay one request, and a fresh search of a huge
  // experiment every few seconds costs the server too much). Redrawn in place.
  const columnar = current instanceof ColumnarRuns;
  const loaded = current.count;
  const livePaused = live && loaded > LIVE_MAX;
  useEffect(() => {
    if (!live || livePaused) return;
    const timer = setInterval(() => {
      if (busy.current || document.hidden) return;
      const g = gen.current;
      if (columnar) {
        busy.current = true;
        openColumnar(g)
          .catch((e: unknown) => fail(g, e))
          .finally(() => {
            if (g === gen.current) busy.current = false;
          });
      } else void fetchPage(undefined, Math.max(FIRST_PAGE, Math.min(loaded, LIVE_MAX)), g, []);
    }, LIVE_MS);
    return () => clearInterval(timer);
  }, [live, livePaused, loaded, columnar, q.experimentIds.join(','), q.filter, q.orderBy.join(), q.viewType]);
  return { ...state, more, livePaused };
}

function RunsTable({
  rows,
  version,
  groupBy,
  columns,
  selected,
  sort,
  onToggle,
  onToggleAll,
  onSort,
  onMore,
  done,
}: {
  rows: RunRows;
  version: number;
  /** The column runs are grouped by ('' for none): each group's rows get its colour. */
  groupBy: string;
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
  // a group keeps its colour while the table scrolls (first seen, first colour)
  const groupColors = useRef(new Map<string, number>());
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
      rowCount: () => rows.count,
      cell: (r, c) => rows.cell(r, c.id),
      rowName: (r) => rows.name(r),
      rowHref: (r) => {
        const id = rows.id(r);
        return id ? links.run(rows.experimentId(r), id) : '#';
      },
      rowDepth: (r) => rows.depth(r),
      isSelected: (r) => {
        const id = rows.id(r);
        return id ? selected.has(id) : false;
      },
      rowColor: groupBy
        ? (r) => {
            if (!rows.id(r)) return undefined;
            const value = rows.cell(r, groupBy);
            let i = groupColors.current.get(value);
            if (i === undefined) groupColors.current.set(value, (i = groupColors.current.size));
            return runColorCss(i);
          }
        : undefined,
    });
  }, [rows, version, selected, groupBy]);
  return <div class="grid-host" ref={host} data-rows={rows.count} data-done={String(done)} />;
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
  const groupBy = query.get('groupBy') ?? '';
  const runsQuery = useMemo<RunsQuery>(
    () => ({
      experimentIds,
      filter,
      // grouped: the group's key first, so each group's runs come together (in the chosen order)
      orderBy: [...(groupBy ? [`${sortKeyOf(groupBy)} ASC`] : []), `${orderByKey} ${orderByAsc ? 'ASC' : 'DESC'}`],
      viewType,
    }),
    [experimentIds.join(','), filter, orderByKey, orderByAsc, viewType, groupBy],
  );
  const live = query.get('live') === 'true';
  const selected = useMemo(
    () => new Set((query.get('selected') ?? '').split(',').filter(Boolean)),
    [query.get('selected')],
  );
  const colsParam = query.get('cols');
  const [keys, setKeys] = useState<KeySets>({ metrics: [], params: [], tags: [] });
  const chosen = useMemo(() => {
    if (colsParam !== null) return jsonList(colsParam);
    return [...keys.metrics.map((k) => `metrics.${k}`), ...keys.params.map((k) => `params.${k}`)].slice(0, 40);
  }, [colsParam, keys]);
  // the chart view's group columns are fetched with the table's (columnar windows hold only those asked for)
  const groupCols = useMemo(() => {
    const g = groupSettings(query);
    return [...new Set([groupBy, g.color, g.dash, g.facet])].filter((c) => c !== '' && !chosen.includes(c));
  }, [groupBy, query.get('groupColor'), query.get('groupDash'), query.get('groupFacet'), chosen]);
  const fetched = useMemo(() => [...chosen, ...groupCols], [chosen, groupCols]);
  const runs = useRuns(runsQuery, refresh, live, fetched);
  useEffect(() => {
    if (!runs.loading) setKeys(runs.keys);
  }, [runs.keys, runs.loading]);
  const groupKeys = useMemo(
    () => [...keys.params.map((k) => `params.${k}`), ...keys.tags.map((k) => `tags.${k}`)],
    [keys],
  );
  const columns = useMemo(
    () => [
      ...(groupBy ? [gridColumn(groupBy)] : []),
      ...ATTRIBUTE_COLUMNS,
      ...chosen.filter((c) => c !== groupBy).map(gridColumn),
    ],
    [chosen, groupBy],
  );
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
  const selectedRuns = useMemo(() => runs.rows.findLoaded(selected), [runs.rows, runs.version, selected]);

  const bulk = async (endpoint: 'runs/delete' | 'runs/restore') => {
    try {
      await Promise.all([...selected].map((id) => api.post(endpoint, { run_id: id })));
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
                ...keys.metrics.map((k) => `metrics.${quoteKey(k)}`),
                ...keys.params.map((k) => `params.${quoteKey(k)}`),
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
            <KeySelect label="Group by" param="groupBy" value={groupBy} keys={groupKeys} none="None" />
            <ColumnPicker keys={keys} selected={chosen} onChange={(c) => setQuery({ cols: JSON.stringify(c) }, true)} />
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
              {runs.rows.count.toLocaleString('en-US')} run{runs.rows.count === 1 ? '' : 's'}
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
          {runs.loading && runs.rows.count === 0 ? <Loading label="Loading runs…" /> : null}
          {tab === 'runs' ? (
            <RunsTable
              rows={runs.rows}
              version={runs.version}
              groupBy={groupBy}
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
                const loadedRuns = runs.rows.runsIn(0, runs.rows.count);
                const all = loadedRuns.every((r) => selected.has(r.id));
                setSelected(all ? new Set() : new Set(loadedRuns.map((r) => r.id)));
              }}
              onToggle={(row, range) => {
                const id = runs.rows.id(row);
                if (!id) return;
                const next = new Set(selected);
                if (range && lastToggled.current >= 0) {
                  const [a, b] = [Math.min(lastToggled.current, row), Math.max(lastToggled.current, row)];
                  for (const r of runs.rows.runsIn(a, b + 1)) next.add(r.id);
                } else if (!next.delete(id)) next.add(id);
                lastToggled.current = row;
                setSelected(next);
              }}
            />
          ) : (
            <RunsChartsView
              runs={selectedRuns.length > 0 ? selectedRuns : runs.rows.runsIn(0, 10)}
              metricKeys={keys.metrics}
              groupKeys={groupKeys}
              cellOf={(run, column) => runs.rows.cell(run.row, column)}
              hash={hash}
            />
          )}
        </>
      ) : null}
    </main>
  );
}

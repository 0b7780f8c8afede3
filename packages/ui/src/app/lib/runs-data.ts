/**
 * Runs held for the table: each run's metrics, params and tags in maps (one lookup per drawn cell),
 * nested runs placed under their parent, and the union of keys for the column picker.
 */
import { formatDuration, formatNumber, formatTime } from './format.js';
import type { Run } from './types.js';
import { metricNumber } from './types.js';

export interface TableRun {
  id: string;
  name: string;
  experimentId: string;
  depth: number;
  run: Run;
  metrics: Map<string, number>;
  params: Map<string, string>;
  tags: Map<string, string>;
}

export const PARENT_TAG = 'mlflow.parentRunId';

/** The rows of the runs table, whichever way they were fetched (runs/search pages or columnar windows). */
export interface RunRows {
  readonly count: number;
  /** Every row of the query is known (not only a first page or some windows). */
  readonly complete: boolean;
  id(row: number): string | undefined;
  name(row: number): string;
  experimentId(row: number): string;
  depth(row: number): number;
  cell(row: number, columnId: string): string;
  /** Loaded rows whose run id is in `ids`, in table order. */
  findLoaded(ids: Set<string>): RowRun[];
  /** The loaded rows among rows [start, end). */
  runsIn(start: number, end: number): RowRun[];
}

export interface RowRun {
  id: string;
  name: string;
  experimentId: string;
  /** Its row in the table (for `RunRows.cell`). */
  row: number;
}

/** Rows held as TableRun objects (the runs/search path). */
export function tableRunRows(rows: TableRun[], complete: boolean): RunRows {
  return {
    count: rows.length,
    complete,
    id: (r) => rows[r]?.id,
    name: (r) => rows[r]?.name ?? '',
    experimentId: (r) => rows[r]?.experimentId ?? '',
    depth: (r) => rows[r]?.depth ?? 0,
    cell: (r, c) => {
      const run = rows[r];
      return run ? cellText(run, c) : '';
    },
    findLoaded: (ids) => rows.flatMap((r, row) => (ids.has(r.id) ? [{ ...r, row }] : [])),
    runsIn: (start, end) => rows.slice(Math.max(0, start), end).map((r, k) => ({ ...r, row: Math.max(0, start) + k })),
  };
}

export function toTableRun(run: Run): TableRun {
  const metrics = new Map<string, number>();
  for (const m of run.data.metrics ?? []) metrics.set(m.key, metricNumber(m.value));
  const params = new Map<string, string>();
  for (const p of run.data.params ?? []) params.set(p.key, p.value);
  const tags = new Map<string, string>();
  for (const t of run.data.tags ?? []) tags.set(t.key, t.value);
  const id = run.info.run_id ?? run.info.run_uuid ?? '';
  return {
    id,
    name: run.info.run_name || tags.get('mlflow.runName') || id,
    experimentId: run.info.experiment_id,
    depth: 0,
    run,
    metrics,
    params,
    tags,
  };
}

/** Children right after their parent (when the parent is loaded), in the server's order otherwise. Linear. */
export function nestRuns(runs: TableRun[]): TableRun[] {
  const ids = new Set(runs.map((r) => r.id));
  const children = new Map<string, TableRun[]>();
  const roots: TableRun[] = [];
  for (const r of runs) {
    const parent = r.tags.get(PARENT_TAG);
    if (parent && parent !== r.id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(r);
      children.set(parent, list);
    } else roots.push(r);
  }
  const out: TableRun[] = [];
  const seen = new Set<string>();
  const visit = (r: TableRun, depth: number) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    r.depth = depth;
    out.push(r);
    for (const c of children.get(r.id) ?? []) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  for (const r of runs) visit(r, 0); // a cycle of parents: still listed
  return out;
}

export interface KeySets {
  metrics: string[];
  params: string[];
  tags: string[];
}

export function collectKeys(runs: TableRun[]): KeySets {
  const m = new Set<string>();
  const p = new Set<string>();
  const t = new Set<string>();
  for (const r of runs) {
    for (const k of r.metrics.keys()) m.add(k);
    for (const k of r.params.keys()) p.add(k);
    for (const k of r.tags.keys()) if (!k.startsWith('mlflow.')) t.add(k);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { metrics: sorted(m), params: sorted(p), tags: sorted(t) };
}

/** A column id: `metrics.<key>`, `params.<key>`, `tags.<key>` or `attributes.<name>`. */
export function cellText(r: TableRun, columnId: string): string {
  const dot = columnId.indexOf('.');
  const kind = columnId.slice(0, dot);
  const key = columnId.slice(dot + 1);
  if (kind === 'metrics') {
    const v = r.metrics.get(key);
    return v === undefined ? '' : formatNumber(v);
  }
  if (kind === 'params') return r.params.get(key) ?? '';
  if (kind === 'tags') return r.tags.get(key) ?? '';
  const info = r.run.info;
  switch (key) {
    case 'start_time':
      return formatTime(info.start_time);
    case 'duration':
      return formatDuration(info.start_time, info.end_time);
    case 'user_id':
      return info.user_id ?? '';
    case 'status':
      return info.status;
    case 'source':
      return r.tags.get('mlflow.source.name')?.split('/').pop() ?? '';
    case 'run_id':
      return r.id;
    default:
      return '';
  }
}

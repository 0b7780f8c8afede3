/**
 * The runs table's fast path: mlflow-ts's columnar runs search (`ajax-api/2.0/mlflow-ts/runs/
 * search-columnar`), one window of rows at a time, kept as typed arrays (numbers for metrics,
 * dictionary codes for params and tags). Windows load as the table scrolls to them; all windows of
 * one table come from the server's snapshot of the search, so they fit together. A server without
 * the endpoint (a real MLflow) answers 404 and the table falls back to `runs/search`.
 */
import { ApiError, request } from './api.js';
import { formatDuration, formatNumber, formatTime } from './format.js';
import type { KeySets, RowRun, RunRows } from './runs-data.js';
import { PARENT_TAG } from './runs-data.js';

const ENDPOINT = 'ajax-api/2.0/mlflow-ts/runs/search-columnar';
export const WINDOW = 1000;
/** Windows kept; past this the one farthest from the last loaded goes (heap stays bounded at any table size). */
const MAX_WINDOWS = 30;
const SOURCE_TAG = 'tags.mlflow.source.name';
const PARENT = `tags.${PARENT_TAG}`;
/** Tags every window carries (the source column, nesting). */
const ALWAYS = [SOURCE_TAG, PARENT];

interface DictWire {
  dict: string[];
  codes: number[];
}

interface Reply {
  snapshot: string;
  total: number;
  offset: number;
  count: number;
  attributes: {
    run_id: string[];
    run_name: string[];
    experiment_id: DictWire;
    user_id: DictWire;
    status: DictWire;
    start_time: (number | null)[];
    end_time: (number | null)[];
  };
  columns: (
    | { id: string; type: 'number'; values: (number | string | null)[] }
    | ({ id: string; type: 'string' } & DictWire)
  )[];
  keys?: { metrics: string[]; params: string[]; tags: string[] };
}

type Column =
  | { kind: 'number'; values: Float64Array; set: Uint8Array }
  | { kind: 'string'; dict: string[]; codes: Int32Array };

interface Window {
  ids: string[];
  names: string[];
  experiment: DictWire;
  user: DictWire;
  status: DictWire;
  start: (number | null)[];
  end: (number | null)[];
  columns: Map<string, Column>;
}

export interface ColumnarQuery {
  experimentIds: string[];
  filter: string;
  /** `order_by` keys, most significant first. */
  orderBy: string[];
  viewType: string;
}

let missing = false;

/** False once this server said it has no columnar endpoint (then `runs/search` is used). */
export function columnarAvailable(): boolean {
  return !missing;
}

function toNumber(v: number | string | null): number {
  return typeof v === 'number' ? v : Number(v);
}

function decode(r: Reply): Window {
  const columns = new Map<string, Column>();
  for (const c of r.columns) {
    if (c.type === 'number') {
      const values = new Float64Array(c.values.length);
      const set = new Uint8Array(c.values.length);
      c.values.forEach((v, i) => {
        if (v === null) return;
        values[i] = toNumber(v);
        set[i] = 1;
      });
      columns.set(c.id, { kind: 'number', values, set });
    } else columns.set(c.id, { kind: 'string', dict: c.dict, codes: Int32Array.from(c.codes) });
  }
  const a = r.attributes;
  return {
    ids: a.run_id,
    names: a.run_name,
    experiment: a.experiment_id,
    user: a.user_id,
    status: a.status,
    start: a.start_time,
    end: a.end_time,
    columns,
  };
}

const dictAt = (d: { dict: string[]; codes: ArrayLike<number> }, i: number) => {
  const code = d.codes[i] ?? -1;
  return code < 0 ? '' : (d.dict[code] ?? '');
};

/** The rows of one query on the server, windows fetched as they are wanted. */
export class ColumnarRuns implements RunRows {
  count: number;
  readonly keys: KeySets;
  private readonly windows = new Map<number, Window>();
  private readonly pending = new Set<number>();
  private snapshot: string;
  /** Nesting of a table that arrived whole: row → window row, and depth. */
  private order: number[] | undefined;
  private depths: number[] | undefined;
  error: Error | undefined;

  private constructor(
    private readonly q: ColumnarQuery,
    private readonly columnIds: string[],
    first: Reply,
    private readonly onChange: () => void,
  ) {
    this.count = first.total;
    this.snapshot = first.snapshot;
    const k = first.keys ?? { metrics: [], params: [], tags: [] };
    this.keys = { metrics: k.metrics, params: k.params, tags: k.tags.filter((t) => !t.startsWith('mlflow.')) };
    this.windows.set(first.offset / WINDOW, decode(first));
    if (first.total <= WINDOW) this.nest();
  }

  get complete(): boolean {
    return this.count <= WINDOW;
  }

  /**
   * The first window of `q` (with the key sets, for the column picker). Resolves to undefined when the
   * server has no columnar endpoint.
   */
  static async open(
    q: ColumnarQuery,
    columnIds: string[],
    onChange: () => void,
    at: { offset?: number; snapshot?: string } = {},
  ): Promise<ColumnarRuns | undefined> {
    try {
      const first = await fetchWindow(q, columnIds, at.offset ?? 0, true, at.snapshot);
      return new ColumnarRuns(q, columnIds, first, onChange);
    } catch (e) {
      if (e instanceof ApiError && e.isMissingEndpoint) {
        missing = true;
        return undefined;
      }
      throw e;
    }
  }

  /** The same rows with other data columns (the snapshot's windows are fetched again). */
  withColumns(columnIds: string[], onChange: () => void, firstRow: number): Promise<ColumnarRuns | undefined> {
    const offset = Math.floor(Math.max(0, firstRow) / WINDOW) * WINDOW;
    return ColumnarRuns.open(this.q, columnIds, onChange, { offset, snapshot: this.snapshot });
  }

  hasColumns(columnIds: string[]): boolean {
    return columnIds.every((c) => this.columnIds.includes(c));
  }

  private nest(): void {
    const w = this.windows.get(0);
    if (!w) return;
    const ids = new Map(w.ids.map((id, i) => [id, i]));
    const parent = w.columns.get(PARENT);
    const parentOf = (i: number) => (parent?.kind === 'string' ? dictAt(parent, i) : '');
    const children = new Map<number, number[]>();
    const roots: number[] = [];
    w.ids.forEach((id, i) => {
      const p = ids.get(parentOf(i));
      if (p !== undefined && w.ids[p] !== id) {
        const list = children.get(p) ?? [];
        list.push(i);
        children.set(p, list);
      } else roots.push(i);
    });
    const order: number[] = [];
    const depths: number[] = [];
    const seen = new Set<number>();
    const visit = (i: number, d: number) => {
      if (seen.has(i)) return;
      seen.add(i);
      order.push(i);
      depths.push(d);
      for (const c of children.get(i) ?? []) visit(c, d + 1);
    };
    for (const r of roots) visit(r, 0);
    for (let i = 0; i < w.ids.length; i++) visit(i, 0);
    this.order = order;
    this.depths = depths;
  }

  /** Window and row in it for table row `r`; asks for the window when it is not here yet. */
  private at(r: number): [Window, number] | undefined {
    if (r < 0 || r >= this.count) return undefined;
    if (this.order) {
      const w = this.windows.get(0);
      const i = this.order[r];
      return w && i !== undefined ? [w, i] : undefined;
    }
    const n = Math.floor(r / WINDOW);
    const w = this.windows.get(n);
    if (!w) {
      this.load(n);
      return undefined;
    }
    return [w, r - n * WINDOW];
  }

  private load(n: number): void {
    if (this.pending.has(n) || this.error) return;
    this.pending.add(n);
    fetchWindow(this.q, this.columnIds, n * WINDOW, false, this.snapshot)
      .then((reply) => {
        // A new snapshot (the old one expired on the server): its rows may differ, start over with it.
        if (reply.snapshot !== this.snapshot) {
          this.windows.clear();
          this.snapshot = reply.snapshot;
          this.count = reply.total;
        }
        this.windows.set(n, decode(reply));
        while (this.windows.size > MAX_WINDOWS) {
          let far = n;
          for (const k of this.windows.keys()) if (Math.abs(k - n) > Math.abs(far - n)) far = k;
          this.windows.delete(far);
        }
      })
      .catch((e: unknown) => {
        this.error = e instanceof Error ? e : new Error(String(e));
      })
      .finally(() => {
        this.pending.delete(n);
        this.onChange();
      });
  }

  loadedRows(): number {
    let n = 0;
    for (const w of this.windows.values()) n += w.ids.length;
    return n;
  }

  id(r: number): string | undefined {
    const a = this.at(r);
    return a ? a[0].ids[a[1]] : undefined;
  }

  name(r: number): string {
    const a = this.at(r);
    if (!a) return '';
    const [w, i] = a;
    return w.names[i] || (w.ids[i] ?? '');
  }

  experimentId(r: number): string {
    const a = this.at(r);
    return a ? dictAt(a[0].experiment, a[1]) : '';
  }

  depth(r: number): number {
    return this.depths?.[r] ?? 0;
  }

  findLoaded(ids: Set<string>): RowRun[] {
    if (ids.size === 0) return [];
    return this.runsIn(0, this.count, (id) => ids.has(id));
  }

  /** Loaded rows of [start, end) (windows not loaded are skipped, not fetched). */
  runsIn(start: number, end: number, keep?: (id: string) => boolean): RowRun[] {
    const out: RowRun[] = [];
    for (let r = Math.max(0, start); r < Math.min(end, this.count); r++) {
      const n = Math.floor(r / WINDOW);
      if (!this.order && !this.windows.has(n)) {
        r = (n + 1) * WINDOW - 1;
        continue;
      }
      const id = this.id(r);
      if (id && (!keep || keep(id))) out.push({ id, name: this.name(r), experimentId: this.experimentId(r), row: r });
    }
    return out;
  }

  cell(r: number, columnId: string): string {
    const a = this.at(r);
    if (!a) return '';
    const [w, i] = a;
    switch (columnId) {
      case 'attributes.start_time':
        return formatTime(w.start[i] ?? undefined);
      case 'attributes.duration':
        return formatDuration(w.start[i] ?? undefined, w.end[i] ?? undefined);
      case 'attributes.status':
        return dictAt(w.status, i);
      case 'attributes.user_id':
        return dictAt(w.user, i);
      case 'attributes.run_id':
        return w.ids[i] ?? '';
      case 'attributes.source':
        return this.text(w, SOURCE_TAG, i).split('/').pop() ?? '';
      default:
        return this.text(w, columnId, i);
    }
  }

  private text(w: Window, columnId: string, i: number): string {
    const c = w.columns.get(columnId);
    if (!c) return '';
    if (c.kind === 'number') return c.set[i] ? formatNumber(c.values[i]!) : '';
    return dictAt(c, i);
  }
}

function fetchWindow(
  q: ColumnarQuery,
  columnIds: string[],
  offset: number,
  includeKeys: boolean,
  snapshot: string | undefined,
): Promise<Reply> {
  const columns = [...new Set([...ALWAYS, ...columnIds.filter((c) => !c.startsWith('attributes.'))])];
  return request<Reply>(ENDPOINT, {
    method: 'POST',
    body: {
      experiment_ids: q.experimentIds,
      filter: q.filter || undefined,
      run_view_type: q.viewType,
      order_by: q.orderBy,
      columns,
      offset,
      limit: WINDOW,
      snapshot,
      include_keys: includeKeys || undefined,
    },
  });
}

/**
 * MLflow's hash routes (`mlflow/server/js/src/{experiment-tracking,model-registry}/routes.ts`), parsed
 * into a typed route, so every link MLflow's clients print (`/#/experiments/<id>/runs/<run_id>`,
 * `/#/models/<name>/versions/<v>`, `/#/compare-runs?runs=[…]`) opens the right page. View state
 * lives in the hash's query string.
 */

export type Route =
  | { page: 'experiments' }
  | { page: 'experiment'; experimentId: string; tab: ExperimentTab }
  | { page: 'compare-experiments'; experimentIds: string[] }
  | { page: 'run'; experimentId?: string; runId: string; tab: RunTab; artifactPath?: string }
  | { page: 'logged-model'; experimentId: string; modelId: string }
  | { page: 'compare-runs'; runIds: string[]; experimentIds: string[] }
  | { page: 'metric'; runIds: string[]; experimentIds: string[]; metricKeys: string[] }
  | { page: 'models' }
  | { page: 'model'; name: string; subpage?: string }
  | { page: 'model-version'; name: string; version: string }
  | { page: 'compare-model-versions'; name: string; runsByVersion: Record<string, string> }
  | { page: 'not-found'; path: string };

export type ExperimentTab = 'runs' | 'models' | 'traces' | 'chart';
export type RunTab = 'overview' | 'model-metrics' | 'system-metrics' | 'artifacts' | 'traces';

export interface Location {
  path: string;
  query: URLSearchParams;
}

export function splitHash(hash: string): Location {
  const h = hash.replace(/^#/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}

/** A JSON list in a query parameter (`runs=["a","b"]`); also accepts a comma list. */
export function jsonList(value: string | null): string[] {
  if (!value) return [];
  try {
    const v: unknown = JSON.parse(value);
    if (Array.isArray(v)) return v.map(String);
    return [String(v)];
  } catch {
    return value.split(',').filter(Boolean);
  }
}

/** MLflow writes `name=<JSON string of the URI-encoded name>`; a bare name is accepted too. */
function jsonName(value: string | null): string {
  if (!value) return '';
  try {
    const v: unknown = JSON.parse(value);
    return typeof v === 'string' ? decode(v) : value;
  } catch {
    return value;
  }
}

/** `runs={"1":"<run_id>","2":"<run_id>"}` (version → run id, as MLflow's model page writes it). */
function jsonRecord(value: string | null): Record<string, string> {
  if (!value) return {};
  try {
    const v: unknown = JSON.parse(value);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
    }
    if (Array.isArray(v)) return Object.fromEntries(v.map((x) => [String(x), '']));
  } catch {
    // fall through
  }
  return {};
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const EXPERIMENT_TABS: Record<string, ExperimentTab> = {
  runs: 'runs',
  models: 'models',
  traces: 'traces',
  chart: 'chart',
};
const RUN_TABS: Record<string, RunTab> = {
  overview: 'overview',
  'model-metrics': 'model-metrics',
  'system-metrics': 'system-metrics',
  artifacts: 'artifacts',
  traces: 'traces',
};

export function parseRoute(loc: Location): Route {
  const parts = loc.path
    .split('/')
    .filter((p) => p !== '')
    .map(decode);
  const q = loc.query;
  const [a, b, c, d, ...rest] = parts;
  if (a === undefined || (a === 'experiments' && b === undefined)) return { page: 'experiments' };
  if (a === 'experiments' && b !== undefined) {
    if (c === undefined || c === 's') return { page: 'experiment', experimentId: b, tab: 'runs' };
    if (c === 'runs' && d !== undefined) {
      const tabPart = rest[0];
      if (tabPart === 'artifacts' || tabPart === 'artifactPath') {
        return {
          page: 'run',
          experimentId: b,
          runId: d,
          tab: 'artifacts',
          artifactPath: rest.slice(1).join('/') || undefined,
        };
      }
      return { page: 'run', experimentId: b, runId: d, tab: (tabPart && RUN_TABS[tabPart]) || 'overview' };
    }
    if (c === 'models' && d !== undefined) return { page: 'logged-model', experimentId: b, modelId: d };
    const tab = EXPERIMENT_TABS[c];
    if (tab) return { page: 'experiment', experimentId: b, tab };
    return { page: 'experiment', experimentId: b, tab: 'runs' };
  }
  if (a === 'runs' && b !== undefined) return { page: 'run', runId: b, tab: 'overview' };
  if (a === 'compare-runs')
    return { page: 'compare-runs', runIds: jsonList(q.get('runs')), experimentIds: jsonList(q.get('experiments')) };
  if (a === 'compare-experiments')
    return { page: 'compare-experiments', experimentIds: jsonList(q.get('experiments')) };
  if (a === 'metric') {
    const keys = jsonList(q.get('plot_metric_keys'));
    const fromPath = parts.slice(1).join('/');
    return {
      page: 'metric',
      runIds: jsonList(q.get('runs')),
      experimentIds: jsonList(q.get('experiments')),
      metricKeys: keys.length > 0 ? keys : fromPath ? [fromPath] : jsonList(q.get('metric')),
    };
  }
  if (a === 'models' && b === undefined) return { page: 'models' };
  if (a === 'models' && b !== undefined) {
    if (c === 'versions' && d !== undefined) return { page: 'model-version', name: b, version: d };
    return { page: 'model', name: b, subpage: c };
  }
  if (a === 'compare-model-versions') {
    return { page: 'compare-model-versions', name: jsonName(q.get('name')), runsByVersion: jsonRecord(q.get('runs')) };
  }
  return { page: 'not-found', path: loc.path };
}

const enc = encodeURIComponent;

/** Hash links to pages, in MLflow's forms. */
export const links = {
  experiments: () => '#/experiments',
  experiment: (id: string, tab?: ExperimentTab) => `#/experiments/${enc(id)}${tab && tab !== 'runs' ? `/${tab}` : ''}`,
  run: (experimentId: string, runId: string, tab?: RunTab) =>
    `#/experiments/${enc(experimentId)}/runs/${enc(runId)}${tab && tab !== 'overview' ? `/${tab}` : ''}`,
  artifact: (experimentId: string, runId: string, path: string) =>
    `#/experiments/${enc(experimentId)}/runs/${enc(runId)}/artifacts/${path.split('/').map(enc).join('/')}`,
  compareRuns: (runIds: string[], experimentIds: string[]) =>
    `#/compare-runs?runs=${enc(JSON.stringify(runIds))}&experiments=${enc(JSON.stringify(experimentIds))}`,
  compareExperiments: (ids: string[]) => `#/compare-experiments/s?experiments=${enc(JSON.stringify(ids))}`,
  metric: (runIds: string[], experimentIds: string[], key: string) =>
    `#/metric/${enc(key)}?runs=${enc(JSON.stringify(runIds))}&experiments=${enc(JSON.stringify(experimentIds))}&plot_metric_keys=${enc(JSON.stringify([key]))}`,
  loggedModel: (experimentId: string, modelId: string) => `#/experiments/${enc(experimentId)}/models/${enc(modelId)}`,
  models: () => '#/models',
  model: (name: string) => `#/models/${enc(name)}`,
  modelVersion: (name: string, version: string) => `#/models/${enc(name)}/versions/${enc(version)}`,
  /** MLflow's form: `name` a JSON string of the encoded name, `runs` a JSON object version → run id. */
  compareModelVersions: (name: string, runsByVersion: Record<string, string>) =>
    `#/compare-model-versions?name=${enc(JSON.stringify(enc(name)))}&runs=${enc(JSON.stringify(runsByVersion))}`,
};

/** The current hash with some query parameters replaced (undefined or '' removes one). */
export function withQuery(hash: string, changes: Record<string, string | undefined>): string {
  const { path, query } = splitHash(hash);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') query.delete(k);
    else query.set(k, v);
  }
  const s = query.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ParallelCoordinates } from '../charts/parallel-coordinates.js';
import type { ScatterData, ScatterPlot } from '../charts/scatter.js';
import { type PlotValue, paramPlotValue } from '../charts/value-scale.js';
import { runColorCss } from '../components/colors.js';
import { KeySelect, PageStatus, Toggle } from '../components/common.js';
import { CompareSection, CompareTable } from '../components/compare-section.js';
import { ChartSettingsBar, MetricChartPanel, chartSettings } from '../components/metric-chart-panel.js';
import { api, inChunks } from '../lib/api.js';
import { formatDuration, formatNumber, formatTime, sqlString } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import { links, splitHash, withQuery } from '../lib/router.js';
import { toTableRun } from '../lib/runs-data.js';
import type { TableRun } from '../lib/runs-data.js';
import type { Experiment, Run } from '../lib/types.js';

/** Ids per `runs/search` request: 1,000 compared runs take two requests, not 1,000 `runs/get`. */
const IDS_PER_REQUEST = 500;
const TABLE_RUNS = 100;

export async function searchRunsByIds(runIds: string[], experimentIds: string[]): Promise<Run[]> {
  let ids = experimentIds;
  if (ids.length === 0) {
    const res = await api.post<{ experiments?: Experiment[] }>('experiments/search', {
      max_results: 1000,
      view_type: 'ALL',
    });
    ids = (res.experiments ?? []).map((e) => e.experiment_id);
  }
  const pages = await Promise.all(
    inChunks(runIds, IDS_PER_REQUEST).map((chunk) =>
      api.post<{ runs?: Run[] }>('runs/search', {
        experiment_ids: ids,
        filter: `attributes.run_id IN (${chunk.map(sqlString).join(', ')})`,
        run_view_type: 'ALL',
        max_results: chunk.length,
      }),
    ),
  );
  const byId = new Map<string, Run>();
  for (const p of pages) for (const r of p.runs ?? []) byId.set(r.info.run_id, r);
  return runIds.map((id) => byId.get(id)).filter((r): r is Run => r !== undefined);
}

function ParallelPlot({ runs, keys, colors }: { runs: TableRun[]; keys: string[]; colors: string[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<ParallelCoordinates>();
  const [count, setCount] = useState<number>();
  const axes = useMemo(
    () =>
      keys.map((k) => {
        const [kind, ...rest] = k.split('.');
        const key = rest.join('.');
        return {
          key,
          values: runs.map((r) => plotValue(r, kind === 'metrics' ? 'metrics' : 'params', key)),
        };
      }),
    [runs, keys.join()],
  );
  useEffect(() => {
    let live = true;
    void import('../charts/parallel-coordinates.js').then((m) => {
      if (!live || !host.current) return;
      plot.current = new m.ParallelCoordinates(host.current, axes, colors, (sel) =>
        setCount(sel.filter(Boolean).length),
      );
      (window as unknown as { __parallel?: ParallelCoordinates }).__parallel = plot.current;
    });
    return () => {
      live = false;
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => plot.current?.setData(axes, colors), [axes]);
  return (
    <figure class="chart-card wide">
      <figcaption>
        Parallel coordinates{' '}
        {count !== undefined ? (
          <span class="muted">
            ({count} of {runs.length} runs in the brushed ranges)
          </span>
        ) : null}
      </figcaption>
      <p class="muted small">Drag along an axis to brush a range; click an axis to clear its brush.</p>
      <div ref={host} class="pc-host" />
    </figure>
  );
}

/** A run's value for `metrics.<k>` / `params.<k>` as a plot value. */
function plotValue(r: TableRun, kind: 'metrics' | 'params', key: string): PlotValue {
  return kind === 'metrics' ? r.metrics.get(key) : paramPlotValue(r.params.get(key));
}

function splitKey(k: string): ['metrics' | 'params', string] {
  const [kind, ...rest] = k.split('.');
  return [kind === 'metrics' ? 'metrics' : 'params', rest.join('.')];
}

/** Param-vs-metric scatter: any param or metric on either axis, the choice kept in the URL. */
function Scatter({
  runs,
  keys,
  colors,
  query,
}: {
  runs: TableRun[];
  keys: string[];
  colors: string[];
  query: URLSearchParams;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<ScatterPlot>();
  const xKey = keys.includes(query.get('scatterX') ?? '')
    ? (query.get('scatterX') ?? '')
    : (keys.find((k) => k.startsWith('params.')) ?? keys[0] ?? '');
  const yKey = keys.includes(query.get('scatterY') ?? '')
    ? (query.get('scatterY') ?? '')
    : (keys.find((k) => k.startsWith('metrics.')) ?? keys[0] ?? '');
  const data = useMemo((): ScatterData => {
    const [xk, xn] = splitKey(xKey);
    const [yk, yn] = splitKey(yKey);
    return {
      xKey,
      yKey,
      x: runs.map((r) => plotValue(r, xk, xn)),
      y: runs.map((r) => plotValue(r, yk, yn)),
      labels: runs.map((r) => r.name),
      colors,
    };
  }, [runs, colors, xKey, yKey]);
  useEffect(() => {
    let live = true;
    void import('../charts/scatter.js').then((m) => {
      if (!live || !host.current) return;
      plot.current = new m.ScatterPlot(host.current, data, (i) => {
        const r = runs[i];
        if (r) navigate(links.run(r.experimentId, r.id));
      });
      (window as unknown as { __scatter?: ScatterPlot }).__scatter = plot.current;
    });
    return () => {
      live = false;
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => plot.current?.setData(data), [data]);
  return (
    <figure class="chart-card wide">
      <figcaption>Scatter</figcaption>
      <div class="toolbar">
        <KeySelect label="Scatter x" param="scatterX" value={xKey} keys={keys} />
        <KeySelect label="Scatter y" param="scatterY" value={yKey} keys={keys} />
      </div>
      <div ref={host} class="scatter-host" />
    </figure>
  );
}

export function CompareRunsPage({
  runIds,
  experimentIds,
  hash,
}: {
  runIds: string[];
  experimentIds: string[];
  hash: string;
}) {
  useTitle(`Comparing ${runIds.length} runs`);
  const { query } = splitHash(hash);
  const diffOnly = query.get('diff') === 'true';
  const result = useAsync(
    () => searchRunsByIds(runIds, experimentIds).then((r) => r.map(toTableRun)),
    [runIds.join(), experimentIds.join()],
  );
  const runs = result.data ?? [];
  const colors = useMemo(() => runs.map((_, i) => runColorCss(i)), [runs]);
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => [...r.metrics.keys()]))].sort(), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => [...r.params.keys()]))].sort(), [runs]);
  const tagKeys = useMemo(
    () => [...new Set(runs.flatMap((r) => [...r.tags.keys()]))].filter((k) => !k.startsWith('mlflow.')).sort(),
    [runs],
  );
  const chartMetric = query.get('metric') ?? metricKeys[0];
  const chartRuns = useMemo(
    () => runs.map((r, i) => ({ id: r.id, label: r.name, color: colors[i] ?? '#1f77b4' })),
    [runs, colors],
  );
  const pcKeys = [
    ...paramKeys.slice(0, 8).map((k) => `params.${k}`),
    ...metricKeys.slice(0, 4).map((k) => `metrics.${k}`),
  ];
  const scatterKeys = [...paramKeys.map((k) => `params.${k}`), ...metricKeys.map((k) => `metrics.${k}`)];
  if (!result.data)
    return <PageStatus state={result} what="Could not load the runs" loading={`Loading ${runIds.length} runs…`} />;
  const shown = runs.slice(0, TABLE_RUNS);
  const section = (title: string, keys: string[], value: (r: TableRun, k: string) => string) => (
    <CompareSection title={title} keys={keys} items={shown} value={value} diffOnly={diffOnly} />
  );
  return (
    <main class="page page-wide">
      <div class="page-head">
        <h1>Comparing {runs.length} runs</h1>
        {runs.length < runIds.length ? <span class="muted">{runIds.length - runs.length} not found</span> : null}
      </div>
      <div class="toolbar">
        <Toggle
          checked={diffOnly}
          onChange={(on) => navigate(withQuery(location.hash, { diff: on ? 'true' : undefined }), true)}
        >
          Show differences only
        </Toggle>
      </div>
      <CompareTable
        label="Run comparison"
        corner="Run"
        items={shown}
        itemKey={(r) => r.id}
        head={(r, i) => (
          <>
            <span class="swatch" style={{ background: colors[i] }} aria-hidden="true" />
            <a href={links.run(r.experimentId, r.id)}>{r.name}</a>
          </>
        )}
      >
        {section('Attributes', ['Start time', 'Duration', 'Status', 'User'], (r, k) =>
          k === 'Start time'
            ? formatTime(r.run.info.start_time)
            : k === 'Duration'
              ? formatDuration(r.run.info.start_time, r.run.info.end_time)
              : k === 'Status'
                ? r.run.info.status
                : (r.run.info.user_id ?? ''),
        )}
        {section('Parameters', paramKeys, (r, k) => r.params.get(k) ?? '')}
        {section('Metrics', metricKeys, (r, k) => {
          const v = r.metrics.get(k);
          return v === undefined ? '' : formatNumber(v);
        })}
        {section('Tags', tagKeys, (r, k) => r.tags.get(k) ?? '')}
      </CompareTable>
      {runs.length > TABLE_RUNS ? (
        <p class="muted">
          The table shows the first {TABLE_RUNS} runs; the plots show all {runs.length}.
        </p>
      ) : null}
      {pcKeys.length > 1 ? <ParallelPlot runs={runs} keys={pcKeys} colors={colors} /> : null}
      {scatterKeys.length > 0 ? <Scatter runs={runs} keys={scatterKeys} colors={colors} query={query} /> : null}
      {chartMetric ? (
        <section aria-label="Overlaid metric">
          <div class="toolbar">
            <KeySelect label="Metric" param="metric" value={chartMetric} keys={metricKeys} />
          </div>
          <ChartSettingsBar settings={chartSettings(query)} />
          <MetricChartPanel metricKey={chartMetric} runs={chartRuns} settings={chartSettings(query)} height={320} />
        </section>
      ) : null}
    </main>
  );
}

export function MetricPage({
  runIds,
  experimentIds,
  metricKeys,
  hash,
}: {
  runIds: string[];
  experimentIds: string[];
  metricKeys: string[];
  hash: string;
}) {
  useTitle(metricKeys.join(', ') || 'Metric');
  const result = useAsync(
    () => searchRunsByIds(runIds, experimentIds).then((r) => r.map(toTableRun)),
    [runIds.join(), experimentIds.join()],
  );
  const settings = chartSettings(splitHash(hash).query);
  const chartRuns = useMemo(
    () => (result.data ?? []).map((r, i) => ({ id: r.id, label: r.name, color: runColorCss(i) })),
    [result.data],
  );
  if (!result.data) return <PageStatus state={result} />;
  const first = result.data[0];
  return (
    <main class="page">
      {first ? (
        <nav class="breadcrumbs" aria-label="Breadcrumb">
          <a href={links.experiment(first.experimentId)}>Experiment</a> /{' '}
          <a href={links.run(first.experimentId, first.id)}>{first.name}</a>
        </nav>
      ) : null}
      <h1>{metricKeys.join(', ')}</h1>
      <ChartSettingsBar settings={settings} />
      {metricKeys.map((k) => (
        <MetricChartPanel key={k} metricKey={k} runs={chartRuns} settings={settings} height={400} />
      ))}
    </main>
  );
}

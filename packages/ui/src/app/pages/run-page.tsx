import { useMemo } from 'preact/hooks';
import { runColorCss } from '../components/colors.js';
import { KeyValueTable, PageStatus, Tabs, TagEditor } from '../components/common.js';
import { ChartSettingsBar, MetricChartPanel, chartSettings } from '../components/metric-chart-panel.js';
import { EditableText } from '../components/editable-text.js';
import { api, searchModelVersions } from '../lib/api.js';
import { formatDuration, formatNumber, formatTime, sqlString } from '../lib/format.js';
import { useAsync, useTitle } from '../lib/hooks.js';
import type { RunTab } from '../lib/router.js';
import { links, splitHash } from '../lib/router.js';
import type { Experiment, ModelVersion, Run } from '../lib/types.js';
import { metricNumber, tagValue } from '../lib/types.js';
import { ArtifactBrowser } from './artifact-browser.js';

export function RunPage({
  runId,
  tab,
  artifactPath,
  hash,
}: {
  runId: string;
  tab: RunTab;
  artifactPath?: string;
  hash: string;
}) {
  const run = useAsync(() => api.get<{ run: Run }>('runs/get', { run_id: runId }).then((r) => r.run), [runId]);
  const experimentId = run.data?.info.experiment_id;
  const experiment = useAsync(
    () =>
      experimentId === undefined
        ? Promise.resolve(undefined)
        : api
            .get<{ experiment: Experiment }>('experiments/get', { experiment_id: experimentId })
            .then((r) => r.experiment),
    [experimentId],
  );
  const versions = useAsync(
    () =>
      searchModelVersions({ filter: `run_id=${sqlString(runId)}`, max_results: 100 }).catch(() => [] as ModelVersion[]),
    [runId],
  );
  const name = run.data?.info.run_name || tagValue(run.data?.data.tags, 'mlflow.runName') || runId;
  useTitle(run.data ? name : 'Run');
  if (!run.data) return <PageStatus state={run} what={`Could not load run ${runId}`} />;
  const r = run.data;
  const eid = r.info.experiment_id;
  const tags = r.data.tags ?? [];
  const parent = tagValue(tags, 'mlflow.parentRunId');
  const description = tagValue(tags, 'mlflow.note.content');
  const commit = tagValue(tags, 'mlflow.source.git.commit');
  const metrics = [...(r.data.metrics ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const params = [...(r.data.params ?? [])].sort((a, b) => a.key.localeCompare(b.key));
  const reload = run.reload;
  return (
    <main class="page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={links.experiments()}>Experiments</a> /{' '}
        <a href={links.experiment(eid)}>{experiment.data?.name ?? `Experiment ${eid}`}</a> / <span>{name}</span>
      </nav>
      <div class="page-head">
        <h1>{name}</h1>
        <span class={`status status-${r.info.status.toLowerCase()}`}>{r.info.status}</span>
      </div>
      <Tabs
        current={tab === 'system-metrics' ? 'model-metrics' : tab}
        tabs={[
          { id: 'overview', label: 'Overview', href: links.run(eid, runId) },
          { id: 'model-metrics', label: 'Model metrics', href: links.run(eid, runId, 'model-metrics') },
          { id: 'artifacts', label: 'Artifacts', href: links.run(eid, runId, 'artifacts') },
        ]}
      />
      {tab === 'overview' || tab === 'traces' ? (
        <div class="overview">
          <KeyValueTable
            caption="About this run"
            rows={[
              ['Run ID', <code>{runId}</code>],
              ['Status', r.info.status],
              ['Created at', formatTime(r.info.start_time)],
              ['Duration', formatDuration(r.info.start_time, r.info.end_time)],
              ['User', r.info.user_id ?? ''],
              ['Source', tagValue(tags, 'mlflow.source.name') ?? ''],
              ...(commit ? ([['Git commit', <code>{commit}</code>]] as [string, preact.ComponentChildren][]) : []),
              ...(parent
                ? ([['Parent run', <a href={links.run(eid, parent)}>{parent}</a>]] as [
                    string,
                    preact.ComponentChildren,
                  ][])
                : []),
              ['Lifecycle', r.info.lifecycle_stage],
              ['Artifact URI', <code class="small">{r.info.artifact_uri}</code>],
            ]}
          />
          <EditableText
            label="Description"
            value={description ?? ''}
            onSave={async (text) => {
              await api.post('runs/set-tag', { run_id: runId, key: 'mlflow.note.content', value: text });
              reload();
            }}
          />
          {r.inputs?.dataset_inputs?.length ? (
            <KeyValueTable
              caption="Datasets"
              rows={r.inputs.dataset_inputs.map((d) => [
                `${d.dataset.name} (${d.dataset.digest})`,
                [d.dataset.source_type, tagValue(d.tags, 'mlflow.data.context')].filter(Boolean).join(' · '),
              ])}
            />
          ) : null}
          {versions.data?.length ? (
            <KeyValueTable
              caption="Registered models"
              rows={versions.data.map((v) => [
                `${v.name} v${v.version}`,
                <a href={links.modelVersion(v.name, v.version)}>Open version {v.version}</a>,
              ])}
            />
          ) : null}
          <KeyValueTable
            caption={`Parameters (${params.length})`}
            empty="No parameters"
            rows={params.map((p) => [p.key, <span class="mono">{p.value}</span>])}
          />
          <KeyValueTable
            caption={`Metrics (${metrics.length})`}
            empty="No metrics"
            rows={metrics.map((m) => [
              m.key,
              <a href={links.metric([runId], [eid], m.key)}>{formatNumber(metricNumber(m.value))}</a>,
            ])}
          />
          <TagEditor
            label="Tags"
            tags={tags}
            onSet={async (key, value) => {
              await api.post('runs/set-tag', { run_id: runId, key, value });
              reload();
            }}
            onDelete={async (key) => {
              await api.post('runs/delete-tag', { run_id: runId, key });
              reload();
            }}
          />
        </div>
      ) : null}
      {tab === 'model-metrics' || tab === 'system-metrics' ? (
        <RunCharts run={r} hash={hash} system={tab === 'system-metrics'} />
      ) : null}
      {tab === 'artifacts' ? <ArtifactBrowser runId={runId} experimentId={eid} path={artifactPath} /> : null}
    </main>
  );
}

function RunCharts({ run, hash, system }: { run: Run; hash: string; system: boolean }) {
  const settings = chartSettings(splitHash(hash).query);
  const keys = (run.data.metrics ?? [])
    .map((m) => m.key)
    .filter((k) => k.startsWith('system/') === system)
    .sort();
  const runs = useMemo(
    () => [{ id: run.info.run_id, label: run.info.run_name ?? run.info.run_id, color: runColorCss(0) }],
    [run.info.run_id],
  );
  if (keys.length === 0) return <p class="muted">No metrics</p>;
  return (
    <section aria-label="Metric charts">
      <ChartSettingsBar settings={settings} />
      <div class="chart-grid">
        {keys.slice(0, 30).map((k) => (
          <MetricChartPanel key={k} metricKey={k} runs={runs} settings={settings} />
        ))}
      </div>
    </section>
  );
}

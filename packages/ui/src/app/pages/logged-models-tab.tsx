import { ErrorBox, Loading, TableHead, Unavailable } from '../components/common.js';
import { api } from '../lib/api.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { useAsync, useTitle } from '../lib/hooks.js';
import { links } from '../lib/router.js';
import type { LoggedModel, Run } from '../lib/types.js';
import { metricNumber } from '../lib/types.js';

/** MLflow 3's logged models of an experiment (`logged-models/search`); a notice where the server has none. */
export function LoggedModelsTab({ experimentId }: { experimentId: string }) {
  const list = useAsync(
    () =>
      api
        .post<{ models?: LoggedModel[] }>('logged-models/search', { experiment_ids: [experimentId], max_results: 100 })
        .then((r) => r.models ?? []),
    [experimentId],
  );
  if (list.error) return <Unavailable what="Logged models" error={list.error} />;
  if (!list.data) return <Loading />;
  if (list.data.length === 0) return <p class="muted">No logged models in this experiment.</p>;
  return (
    <table class="table" aria-label="Logged models">
      <TableHead columns={['Model', 'Status', 'Created', 'Source run', 'Metrics']} />
      <tbody>
        {list.data.map((m) => (
          <tr key={m.info.model_id}>
            <td>
              <a href={links.loggedModel(experimentId, m.info.model_id)}>{m.info.name ?? m.info.model_id}</a>
            </td>
            <td>{m.info.status ?? ''}</td>
            <td>{formatTime(m.info.creation_timestamp_ms)}</td>
            <td>
              {m.info.source_run_id ? (
                <a href={links.run(experimentId, m.info.source_run_id)}>{m.info.source_run_id}</a>
              ) : (
                ''
              )}
            </td>
            <td class="small">
              {(m.data?.metrics ?? [])
                .slice(0, 4)
                .map((x) => `${x.key}=${formatNumber(metricNumber(x.value))}`)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function LoggedModelPage({ experimentId, modelId }: { experimentId: string; modelId: string }) {
  useTitle(modelId);
  const model = useAsync(
    () => api.get<{ model: LoggedModel }>(`logged-models/${encodeURIComponent(modelId)}`).then((r) => r.model),
    [modelId],
  );
  const run = useAsync(
    () =>
      model.data?.info.source_run_id
        ? api.get<{ run: Run }>('runs/get', { run_id: model.data.info.source_run_id }).then((r) => r.run)
        : Promise.resolve(undefined),
    [model.data?.info.source_run_id],
  );
  return (
    <main class="page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={links.experiment(experimentId)}>Experiment {experimentId}</a> /{' '}
        <a href={links.experiment(experimentId, 'models')}>Models</a> / <span>{modelId}</span>
      </nav>
      <h1>{model.data?.info.name ?? modelId}</h1>
      {model.error ? <Unavailable what="Logged models" error={model.error} /> : null}
      {model.loading && !model.data ? <Loading /> : null}
      {model.data ? (
        <table class="kv">
          <caption>Logged model</caption>
          <tbody>
            <tr>
              <th scope="row">Model ID</th>
              <td>
                <code>{model.data.info.model_id}</code>
              </td>
            </tr>
            <tr>
              <th scope="row">Status</th>
              <td>{model.data.info.status ?? ''}</td>
            </tr>
            <tr>
              <th scope="row">Created</th>
              <td>{formatTime(model.data.info.creation_timestamp_ms)}</td>
            </tr>
            <tr>
              <th scope="row">Source run</th>
              <td>
                {run.data ? (
                  <a href={links.run(run.data.info.experiment_id, run.data.info.run_id)}>
                    {run.data.info.run_name ?? run.data.info.run_id}
                  </a>
                ) : (
                  (model.data.info.source_run_id ?? '')
                )}
              </td>
            </tr>
          </tbody>
        </table>
      ) : null}
      {run.error ? <ErrorBox error={run.error} /> : null}
    </main>
  );
}

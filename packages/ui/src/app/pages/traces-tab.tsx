import { useState } from 'preact/hooks';
import { Loading, TableHead, Unavailable } from '../components/common.js';
import { ApiError, request } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';

interface TraceInfo {
  trace_id?: string;
  request_id?: string;
  request_time?: string | number;
  timestamp_ms?: number;
  execution_duration?: string;
  execution_time_ms?: number;
  state?: string;
  status?: string;
  request_preview?: string;
  response_preview?: string;
  tags?: Record<string, string> | { key: string; value: string }[];
}

/** Traces of an experiment: MLflow 3's `POST /api/3.0/mlflow/traces/search`, else 2.x's `GET /api/2.0/mlflow/traces`. */
async function searchTraces(experimentId: string): Promise<TraceInfo[]> {
  try {
    const r = await request<{ traces?: TraceInfo[] }>('ajax-api/3.0/mlflow/traces/search', {
      method: 'POST',
      body: {
        locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } }],
        max_results: 100,
      },
    });
    return r.traces ?? [];
  } catch (e) {
    if (!(e instanceof ApiError) || !(e.isMissingEndpoint || e.status === 404 || e.status === 501)) throw e;
  }
  const r = await request<{ traces?: TraceInfo[] }>('ajax-api/2.0/mlflow/traces', {
    query: { experiment_ids: [experimentId], max_results: 100 },
  });
  return r.traces ?? [];
}

function TraceRow({ t }: { t: TraceInfo }) {
  const [open, setOpen] = useState(false);
  const id = t.trace_id ?? t.request_id ?? '';
  const time =
    t.request_time !== undefined ? Date.parse(String(t.request_time)) || Number(t.request_time) : t.timestamp_ms;
  return (
    <>
      <tr>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'} <code>{id}</code>
          </button>
        </td>
        <td>{formatTime(time)}</td>
        <td>{t.state ?? t.status ?? ''}</td>
        <td>{t.execution_duration ?? (t.execution_time_ms !== undefined ? `${t.execution_time_ms} ms` : '')}</td>
        <td class="small mono">{(t.request_preview ?? '').slice(0, 80)}</td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={5}>
            <pre class="preview-text mono">{JSON.stringify(t, null, 2)}</pre>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function TracesTab({ experimentId }: { experimentId: string }) {
  const traces = useAsync(() => searchTraces(experimentId), [experimentId]);
  if (traces.error) return <Unavailable what="Traces" error={traces.error} />;
  if (!traces.data) return <Loading />;
  if (traces.data.length === 0) return <p class="muted">No traces in this experiment.</p>;
  return (
    <table class="table" aria-label="Traces">
      <TableHead columns={['Trace', 'Time', 'State', 'Duration', 'Request']} />
      <tbody>
        {traces.data.map((t) => (
          <TraceRow key={t.trace_id ?? t.request_id} t={t} />
        ))}
      </tbody>
    </table>
  );
}

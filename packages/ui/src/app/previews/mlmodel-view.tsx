import { KeyValueTable } from '../components/common.js';

interface ColSpec {
  name?: string;
  type?: string;
  required?: boolean;
  shape?: number[];
  'tensor-spec'?: { dtype?: string; shape?: number[] };
}

function parseSchema(raw: unknown): ColSpec[] {
  if (typeof raw !== 'string') return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? (v as ColSpec[]) : [];
  } catch {
    return [];
  }
}

function describe(c: ColSpec): string {
  if (c.type === 'tensor' && c['tensor-spec'])
    return `tensor ${c['tensor-spec'].dtype ?? ''} [${(c['tensor-spec'].shape ?? []).join(', ')}]`;
  return c.type ?? '';
}

export function SchemaTable({ title, raw }: { title: string; raw: unknown }) {
  const cols = parseSchema(raw);
  return (
    <KeyValueTable
      caption={title}
      empty="Not recorded"
      rows={cols.map((c, i) => [c.name ?? `[${i}]`, `${describe(c)}${c.required === false ? ' (optional)' : ''}`])}
    />
  );
}

/** An MLmodel file: flavors, signature, and how to load and serve the model. */
export function MlmodelView({
  mlmodel,
  source,
  path,
}: {
  mlmodel: Record<string, unknown>;
  source: string;
  path: string;
}) {
  const flavors = (mlmodel.flavors ?? {}) as Record<string, Record<string, unknown>>;
  const signature = (mlmodel.signature ?? {}) as Record<string, unknown>;
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const runId = typeof mlmodel.run_id === 'string' ? mlmodel.run_id : '<run_id>';
  const uri = `runs:/${runId}/${dir}`;
  return (
    <div class="mlmodel">
      <KeyValueTable
        caption="Model"
        rows={[
          ['Flavors', Object.keys(flavors).join(', ')],
          ...(['model_uuid', 'utc_time_created', 'mlflow_version', 'model_id'] as const)
            .filter((k) => mlmodel[k] !== undefined)
            .map((k) => [k, String(mlmodel[k])] as [string, string]),
        ]}
      />
      <SchemaTable title="Signature inputs" raw={signature.inputs} />
      <SchemaTable title="Signature outputs" raw={signature.outputs} />
      <section class="kv-section">
        <h3>Use this model</h3>
        <pre class="preview-text mono">{`# Node.js (mlflow-ts)
import { loadModel } from '@mlflow-ts/serve';
const model = await loadModel('${uri}');

# serve it over REST (MLflow's scoring protocol)
npx mlflow-ts models serve -m ${uri} -p 5001

# Python (MLflow)
import mlflow
model = mlflow.pyfunc.load_model("${uri}")`}</pre>
      </section>
      <details>
        <summary>MLmodel file</summary>
        <pre class="preview-text mono">{source}</pre>
      </details>
    </div>
  );
}

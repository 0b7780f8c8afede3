import { useState } from 'preact/hooks';
import { ErrorBox, KeyValueTable, Loading, PageStatus, TagEditor } from '../components/common.js';
import { EditableText } from '../components/editable-text.js';
import { api, fetchArtifactText, modelVersionArtifactUrl } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { useAsync, useTitle } from '../lib/hooks.js';
import { links } from '../lib/router.js';
import type { ModelVersion, RegisteredModel, Run } from '../lib/types.js';
import { AliasEditor } from './model-page.js';

const STAGES = ['None', 'Staging', 'Production', 'Archived'];

/** The `signature` block of an MLmodel file, without a YAML parser: it is two JSON strings. */
export function signatureFromMlmodel(text: string): { inputs?: string; outputs?: string } {
  const pick = (field: string) => {
    const m = new RegExp(`^\\s+${field}:\\s*'(.*)'\\s*$`, 'm').exec(text);
    return m?.[1]?.replace(/''/g, "'");
  };
  return { inputs: pick('inputs'), outputs: pick('outputs') };
}

function Signature({ name, version }: { name: string; version: string }) {
  const mlmodel = useAsync(
    () => fetchArtifactText(modelVersionArtifactUrl(name, version, 'MLmodel')).then((r) => r.text),
    [name, version],
  );
  if (mlmodel.error) return <p class="muted">No MLmodel file found for this version.</p>;
  if (!mlmodel.data) return <Loading />;
  const sig = signatureFromMlmodel(mlmodel.data);
  const cols = (raw?: string): [string, string][] => {
    try {
      const list = JSON.parse(raw ?? '[]') as {
        name?: string;
        type?: string;
        'tensor-spec'?: { dtype?: string; shape?: number[] };
      }[];
      return list.map((c, i) => [
        c.name ?? `[${i}]`,
        c.type === 'tensor'
          ? `tensor ${c['tensor-spec']?.dtype ?? ''} [${(c['tensor-spec']?.shape ?? []).join(', ')}]`
          : (c.type ?? ''),
      ]);
    } catch {
      return [];
    }
  };
  return (
    <>
      <KeyValueTable caption="Signature inputs" empty="No signature" rows={cols(sig.inputs)} />
      <KeyValueTable caption="Signature outputs" empty="No signature" rows={cols(sig.outputs)} />
    </>
  );
}

export function ModelVersionPage({ name, version }: { name: string; version: string }) {
  useTitle(`${name} v${version}`);
  const mv = useAsync(
    () =>
      api.get<{ model_version: ModelVersion }>('model-versions/get', { name, version }).then((r) => r.model_version),
    [name, version],
  );
  const model = useAsync(
    () =>
      api.get<{ registered_model: RegisteredModel }>('registered-models/get', { name }).then((r) => r.registered_model),
    [name],
  );
  const runId = mv.data?.run_id;
  const run = useAsync(
    () =>
      runId
        ? api.get<{ run: Run }>('runs/get', { run_id: runId }).then(
            (r) => r.run,
            () => undefined,
          )
        : Promise.resolve(undefined),
    [runId],
  );
  const [error, setError] = useState<Error>();
  if (!mv.data) return <PageStatus state={mv} what={`Could not load ${name} version ${version}`} />;
  const v = mv.data;
  const aliases = (model.data?.aliases ?? []).filter((a) => a.version === version);
  return (
    <main class="page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={links.models()}>Registered models</a> / <a href={links.model(name)}>{name}</a> /{' '}
        <span>Version {version}</span>
      </nav>
      <h1>
        {name} · Version {version}
      </h1>
      {error ? <ErrorBox error={error} /> : null}
      <KeyValueTable
        caption="About this version"
        rows={[
          ['Registered at', formatTime(v.creation_timestamp)],
          ['Last modified', formatTime(v.last_updated_timestamp)],
          ['Creator', v.user_id ?? ''],
          ['Status', v.status ?? ''],
          ['Source', <code class="small">{v.source}</code>],
          [
            'Source run',
            runId ? (
              run.data ? (
                <a href={links.run(run.data.info.experiment_id, runId)}>{run.data.info.run_name || runId}</a>
              ) : (
                <code>{runId}</code>
              )
            ) : (
              'None'
            ),
          ],
          [
            'Stage',
            <label>
              <span class="sr-only">Stage</span>
              <select
                aria-label="Stage"
                value={v.current_stage ?? 'None'}
                onChange={(e) =>
                  api
                    .post('model-versions/transition-stage', {
                      name,
                      version,
                      stage: e.currentTarget.value,
                      archive_existing_versions: false,
                    })
                    .then(mv.reload, setError)
                }
              >
                {STAGES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </label>,
          ],
        ]}
      />
      <EditableText
        label="Description"
        value={v.description ?? ''}
        onSave={async (description) => {
          await api.patch('model-versions/update', { name, version, description });
          mv.reload();
        }}
      />
      <AliasEditor name={name} aliases={aliases} defaultVersion={version} onChange={model.reload} />
      <TagEditor
        label="Tags"
        tags={v.tags ?? []}
        onSet={async (key, value) => {
          await api.post('model-versions/set-tag', { name, version, key, value });
          mv.reload();
        }}
        onDelete={async (key) => {
          await api.delete('model-versions/delete-tag', { name, version, key });
          mv.reload();
        }}
      />
      <Signature name={name} version={version} />
    </main>
  );
}

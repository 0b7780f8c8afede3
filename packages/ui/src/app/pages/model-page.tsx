import { useState } from 'preact/hooks';
import {
  ErrorBox,
  InlineAddForm,
  PageStatus,
  RemoveButton,
  SelectBox,
  TableHead,
  TagEditor,
} from '../components/common.js';
import { EditableText } from '../components/editable-text.js';
import { api, searchModelVersions } from '../lib/api.js';
import { formatTime, sqlString } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import { links } from '../lib/router.js';
import type { RegisteredModel } from '../lib/types.js';

export function AliasEditor({
  name,
  aliases,
  defaultVersion,
  onChange,
}: {
  name: string;
  aliases: { alias: string; version: string }[];
  defaultVersion?: string;
  onChange(): void;
}) {
  const [error, setError] = useState<Error>();
  return (
    <section class="kv-section">
      <h3>Aliases</h3>
      {aliases.length === 0 ? <p class="muted">No aliases</p> : null}
      <ul class="tag-list">
        {aliases.map((a) => (
          <li key={a.alias} class="alias">
            @{a.alias} → <a href={links.modelVersion(name, a.version)}>v{a.version}</a>
            <RemoveButton
              label={`Remove alias ${a.alias}`}
              onClick={() => api.delete('registered-models/alias', { name, alias: a.alias }).then(onChange, setError)}
            />
          </li>
        ))}
      </ul>
      <InlineAddForm
        fields={[
          { name: 'alias', placeholder: 'alias (e.g. champion)', label: 'Alias', required: true },
          {
            name: 'version',
            placeholder: 'version',
            label: 'Version for the alias',
            value: defaultVersion,
            required: true,
          },
        ]}
        submitLabel="Set alias"
        onAdd={async (v) => {
          await api.post('registered-models/alias', { name, alias: v.alias, version: v.version });
          onChange();
        }}
        onError={setError}
      />
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}

export function ModelPage({ name }: { name: string }) {
  useTitle(name);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const model = useAsync(
    () =>
      api.get<{ registered_model: RegisteredModel }>('registered-models/get', { name }).then((r) => r.registered_model),
    [name],
  );
  const versions = useAsync(
    () =>
      searchModelVersions({
        filter: `name=${sqlString(name)}`,
        max_results: 1000,
        order_by: ['version_number DESC'],
      }).then((vs) => vs.sort((a, b) => Number(b.version) - Number(a.version))),
    [name],
  );
  const [error, setError] = useState<Error>();
  const reload = () => {
    model.reload();
    versions.reload();
  };
  if (!model.data) return <PageStatus state={model} what={`Could not load model '${name}'`} />;
  const m = model.data;
  return (
    <main class="page">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <a href={links.models()}>Registered models</a> / <span>{name}</span>
      </nav>
      <div class="page-head">
        <h1>{name}</h1>
        <button
          type="button"
          onClick={() =>
            confirm(`Delete model '${name}' and all its versions?`) &&
            api.delete('registered-models/delete', { name }).then(() => navigate(links.models()), setError)
          }
        >
          Delete model
        </button>
      </div>
      {error ? <ErrorBox error={error} /> : null}
      <p class="muted">
        Created {formatTime(m.creation_timestamp)} · Last modified {formatTime(m.last_updated_timestamp)}
      </p>
      <EditableText
        label="Description"
        value={m.description ?? ''}
        onSave={async (description) => {
          await api.patch('registered-models/update', { name, description });
          model.reload();
        }}
      />
      <AliasEditor name={name} aliases={m.aliases ?? []} onChange={reload} />
      <TagEditor
        label="Tags"
        tags={m.tags ?? []}
        onSet={async (key, value) => {
          await api.post('registered-models/set-tag', { name, key, value });
          model.reload();
        }}
        onDelete={async (key) => {
          await api.delete('registered-models/delete-tag', { name, key });
          model.reload();
        }}
      />
      <section class="kv-section">
        <h3>Versions</h3>
        {versions.error ? <ErrorBox error={versions.error} /> : null}
        <div class="toolbar">
          <button
            type="button"
            disabled={picked.size < 2}
            onClick={() =>
              navigate(
                links.compareModelVersions(
                  name,
                  Object.fromEntries(
                    (versions.data ?? []).filter((v) => picked.has(v.version)).map((v) => [v.version, v.run_id ?? '']),
                  ),
                ),
              )
            }
          >
            Compare {picked.size > 0 ? `(${picked.size})` : ''}
          </button>
        </div>
        <table class="table" aria-label="Model versions">
          <TableHead select columns={['Version', 'Registered at', 'Created by', 'Stage', 'Aliases', 'Description']} />
          <tbody>
            {(versions.data ?? []).map((v) => (
              <tr key={v.version}>
                <td>
                  <SelectBox
                    label={`Select version ${v.version}`}
                    id={v.version}
                    selected={picked}
                    onChange={setPicked}
                  />
                </td>
                <td>
                  <a href={links.modelVersion(name, v.version)}>Version {v.version}</a>
                </td>
                <td>{formatTime(v.creation_timestamp)}</td>
                <td>{v.user_id ?? ''}</td>
                <td>{v.current_stage ?? 'None'}</td>
                <td>
                  {(m.aliases ?? [])
                    .filter((a) => a.version === v.version)
                    .map((a) => (
                      <span key={a.alias} class="alias">
                        @{a.alias}
                      </span>
                    ))}
                </td>
                <td>{v.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

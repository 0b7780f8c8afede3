import { useState } from 'preact/hooks';
import { Dialog, ErrorBox, Loading } from '../components/common.js';
import { api } from '../lib/api.js';
import { formatTime, sqlString } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import { links, splitHash, withQuery } from '../lib/router.js';
import type { RegisteredModel } from '../lib/types.js';

const PAGE = 100;

export function ModelsPage({ hash }: { hash: string }) {
  useTitle('Models');
  const { query } = splitHash(hash);
  const search = query.get('search') ?? '';
  const token = query.get('page') ?? undefined;
  const list = useAsync(
    () =>
      api.get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>('registered-models/search', {
        filter: search ? `name ILIKE ${sqlString(`%${search}%`)}` : undefined,
        max_results: PAGE,
        order_by: ['name ASC'],
        page_token: token,
      }),
    [search, token],
  );
  const [creating, setCreating] = useState(false);
  return (
    <main class="page">
      <div class="page-head">
        <h1>Registered models</h1>
        <button type="button" class="primary" onClick={() => setCreating(true)}>
          Create model
        </button>
      </div>
      <div class="toolbar">
        <input
          type="search"
          aria-label="Search models by name"
          placeholder="Search models"
          value={search}
          onInput={(e) =>
            navigate(withQuery(location.hash || '#/models', { search: e.currentTarget.value, page: undefined }), true)
          }
        />
      </div>
      {list.error ? <ErrorBox error={list.error} what="Could not list models" /> : null}
      {!list.data && list.loading ? <Loading /> : null}
      {list.data ? (
        <>
          <table class="table" aria-label="Registered models">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Latest version</th>
                <th scope="col">Aliases</th>
                <th scope="col">Last modified</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {(list.data.registered_models ?? []).length === 0 ? (
                <tr>
                  <td colSpan={5} class="muted">
                    No registered models
                  </td>
                </tr>
              ) : null}
              {(list.data.registered_models ?? []).map((m) => {
                const latest = (m.latest_versions ?? []).reduce<string | undefined>(
                  (a, v) => (a === undefined || Number(v.version) > Number(a) ? v.version : a),
                  undefined,
                );
                return (
                  <tr key={m.name}>
                    <td>
                      <a href={links.model(m.name)}>{m.name}</a>
                    </td>
                    <td>{latest ? <a href={links.modelVersion(m.name, latest)}>Version {latest}</a> : ''}</td>
                    <td>
                      {(m.aliases ?? []).map((a) => (
                        <span key={a.alias} class="alias">
                          @{a.alias}: v{a.version}
                        </span>
                      ))}
                    </td>
                    <td>{formatTime(m.last_updated_timestamp)}</td>
                    <td>
                      {(m.tags ?? []).map((t) => (
                        <span key={t.key} class="tag small">
                          {t.key}
                          {t.value ? `: ${t.value}` : ''}
                        </span>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {list.data.next_page_token ? (
            <button
              type="button"
              onClick={() => navigate(withQuery(location.hash, { page: list.data?.next_page_token }))}
            >
              Next page
            </button>
          ) : null}
        </>
      ) : null}
      {creating ? (
        <Dialog
          title="Create model"
          submitLabel="Create"
          onClose={() => setCreating(false)}
          onSubmit={async (f) => {
            const name = (f.elements.namedItem('name') as HTMLInputElement).value.trim();
            await api.post('registered-models/create', { name });
            navigate(links.model(name));
          }}
        >
          <label class="field">
            Model name <input name="name" required />
          </label>
        </Dialog>
      ) : null}
    </main>
  );
}

import { useState } from 'preact/hooks';
import { Dialog, EmptyRow, fieldValue, ListStatus, PageHead, SearchBox, TableHead } from '../components/common.js';
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
      <PageHead title="Registered models" action="Create model" onAction={() => setCreating(true)} />
      <div class="toolbar">
        <SearchBox what="models" value={search} fallback="#/models" reset={{ page: undefined }} />
      </div>
      <ListStatus state={list} what="Could not list models" />
      {list.data ? (
        <>
          <table class="table" aria-label="Registered models">
            <TableHead columns={['Name', 'Latest version', 'Aliases', 'Last modified', 'Tags']} />
            <tbody>
              {(list.data.registered_models ?? []).length === 0 ? (
                <EmptyRow span={5}>No registered models</EmptyRow>
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
            const name = fieldValue(f, 'name');
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

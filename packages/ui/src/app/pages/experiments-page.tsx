import { useState } from 'preact/hooks';
import {
  Dialog,
  EmptyRow,
  ErrorBox,
  fieldValue,
  ListStatus,
  PageHead,
  SearchBox,
  SelectBox,
  TableHead,
  Toggle,
} from '../components/common.js';
import { api } from '../lib/api.js';
import { formatTime, sqlString } from '../lib/format.js';
import { navigate, useAsync, useTitle } from '../lib/hooks.js';
import { links, splitHash, withQuery } from '../lib/router.js';
import type { Experiment } from '../lib/types.js';

async function searchExperiments(search: string, viewType: string): Promise<Experiment[]> {
  const all: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const res = await api.post<{ experiments?: Experiment[]; next_page_token?: string }>('experiments/search', {
      max_results: 1000,
      view_type: viewType,
      filter: search ? `name LIKE ${sqlString(`%${search}%`)}` : undefined,
      order_by: ['last_update_time DESC'],
      page_token: pageToken,
    });
    all.push(...(res.experiments ?? []));
    pageToken = res.next_page_token || undefined;
  } while (pageToken && all.length < 20_000);
  return all;
}

export function ExperimentsPage({ hash }: { hash: string }) {
  useTitle('Experiments');
  const { query } = splitHash(hash);
  const search = query.get('search') ?? '';
  const viewType = query.get('lifecycle') === 'deleted' ? 'DELETED_ONLY' : 'ACTIVE_ONLY';
  const list = useAsync(() => searchExperiments(search, viewType), [search, viewType]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'rename'; experiment: Experiment }>();
  const [actionError, setActionError] = useState<Error>();
  const act = (f: () => Promise<unknown>) => f().then(() => list.reload(), setActionError);

  return (
    <main class="page">
      <PageHead title="Experiments" action="Create experiment" onAction={() => setDialog({ kind: 'create' })} />
      <div class="toolbar">
        <SearchBox what="experiments" value={search} fallback="#/experiments" />
        <Toggle
          checked={viewType === 'DELETED_ONLY'}
          onChange={(on) =>
            navigate(withQuery(location.hash || '#/experiments', { lifecycle: on ? 'deleted' : undefined }))
          }
        >
          Show deleted
        </Toggle>
        <button
          type="button"
          disabled={selected.size < 2}
          onClick={() => navigate(links.compareExperiments([...selected]))}
        >
          Compare ({selected.size})
        </button>
      </div>
      {actionError ? <ErrorBox error={actionError} /> : null}
      <ListStatus state={list} what="Could not list experiments" />
      {list.data ? (
        <table class="table" aria-label="Experiments">
          <TableHead select columns={['Name', 'ID', 'Created', 'Last modified', 'Artifact location', 'Actions']} />
          <tbody>
            {list.data.length === 0 ? <EmptyRow span={7}>No experiments</EmptyRow> : null}
            {list.data.map((e) => (
              <tr key={e.experiment_id}>
                <td>
                  <SelectBox
                    label={`Select ${e.name}`}
                    id={e.experiment_id}
                    selected={selected}
                    onChange={setSelected}
                  />
                </td>
                <td>
                  <a href={links.experiment(e.experiment_id)}>{e.name}</a>
                </td>
                <td>{e.experiment_id}</td>
                <td>{formatTime(e.creation_time)}</td>
                <td>{formatTime(e.last_update_time)}</td>
                <td class="mono small">{e.artifact_location}</td>
                <td class="actions">
                  {e.lifecycle_stage === 'deleted' ? (
                    <button
                      type="button"
                      onClick={() => act(() => api.post('experiments/restore', { experiment_id: e.experiment_id }))}
                    >
                      Restore
                    </button>
                  ) : (
                    <>
                      <button type="button" onClick={() => setDialog({ kind: 'rename', experiment: e })}>
                        Rename
                      </button>
                      <button
                        type="button"
                        onClick={() =>
                          confirm(`Delete experiment '${e.name}'?`) &&
                          act(() => api.post('experiments/delete', { experiment_id: e.experiment_id }))
                        }
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {dialog?.kind === 'create' ? (
        <Dialog
          title="Create experiment"
          submitLabel="Create"
          onClose={() => setDialog(undefined)}
          onSubmit={async (f) => {
            const res = await api.post<{ experiment_id: string }>('experiments/create', {
              name: fieldValue(f, 'name'),
              artifact_location: fieldValue(f, 'artifact') || undefined,
            });
            list.reload();
            navigate(links.experiment(res.experiment_id));
          }}
        >
          <label class="field">
            Name <input name="name" required />
          </label>
          <label class="field">
            Artifact location (optional) <input name="artifact" />
          </label>
        </Dialog>
      ) : null}
      {dialog?.kind === 'rename' ? (
        <Dialog
          title="Rename experiment"
          onClose={() => setDialog(undefined)}
          onSubmit={async (f) => {
            await api.post('experiments/update', {
              experiment_id: dialog.experiment.experiment_id,
              new_name: fieldValue(f, 'name'),
            });
            list.reload();
          }}
        >
          <label class="field">
            New name <input name="name" required value={dialog.experiment.name} />
          </label>
        </Dialog>
      ) : null}
    </main>
  );
}

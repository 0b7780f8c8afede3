import { lazy, Suspense } from 'preact/compat';
import { useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../components/common.js';
import { api, artifactUrl } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { navigate, useAsync } from '../lib/hooks.js';
import { links } from '../lib/router.js';
import type { FileInfo } from '../lib/types.js';

const ArtifactPreview = lazy(() =>
  import('../previews/artifact-preview.js').then((m) => ({ default: m.ArtifactPreview })),
);

function listDir(runId: string, path: string) {
  return api
    .get<{ files?: FileInfo[] }>('artifacts/list', { run_id: runId, path: path || undefined })
    .then((r) =>
      (r.files ?? []).sort((a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path)),
    );
}

function Folder({
  runId,
  experimentId,
  path,
  depth,
  selected,
}: {
  runId: string;
  experimentId: string;
  path: string;
  depth: number;
  selected?: string;
}) {
  const files = useAsync(() => listDir(runId, path), [runId, path]);
  if (files.error) return <ErrorBox error={files.error} />;
  if (!files.data) return <Loading />;
  if (files.data.length === 0 && depth === 0) return <p class="muted">No artifacts recorded</p>;
  return (
    <ul class="tree">
      {files.data.map((f) => (
        <Entry key={f.path} runId={runId} experimentId={experimentId} file={f} depth={depth} selected={selected} />
      ))}
    </ul>
  );
}

function Entry({
  runId,
  experimentId,
  file,
  depth,
  selected,
}: {
  runId: string;
  experimentId: string;
  file: FileInfo;
  depth: number;
  selected?: string;
}) {
  const within = selected !== undefined && (selected === file.path || selected.startsWith(`${file.path}/`));
  const [open, setOpen] = useState(within);
  const name = file.path.split('/').pop() ?? file.path;
  if (file.is_dir) {
    return (
      <li>
        <button
          type="button"
          aria-expanded={open}
          class="tree-item"
          style={{ paddingLeft: `${depth * 14 + 4}px` }}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'} {name}/
        </button>
        {open ? (
          <Folder runId={runId} experimentId={experimentId} path={file.path} depth={depth + 1} selected={selected} />
        ) : null}
      </li>
    );
  }
  return (
    <li>
      <a
        aria-current={selected === file.path ? 'true' : undefined}
        href={links.artifact(experimentId, runId, file.path)}
        class={selected === file.path ? 'tree-item active' : 'tree-item'}
        style={{ paddingLeft: `${depth * 14 + 18}px` }}
        onClick={(e) => {
          e.preventDefault();
          navigate(links.artifact(experimentId, runId, file.path), true);
        }}
      >
        {name} <span class="muted small">{formatBytes(file.file_size)}</span>
      </a>
    </li>
  );
}

/** The artifact tree (one `artifacts/list` per opened folder) and a preview of the chosen file. */
export function ArtifactBrowser({ runId, experimentId, path }: { runId: string; experimentId: string; path?: string }) {
  return (
    <div class="artifacts">
      <nav class="artifact-tree" aria-label="Artifacts">
        <Folder runId={runId} experimentId={experimentId} path="" depth={0} selected={path} />
      </nav>
      <div class="artifact-preview">
        {path ? (
          <>
            <div class="preview-head">
              <strong class="mono">{path}</strong>{' '}
              <a href={artifactUrl(runId, path)} download>
                Download
              </a>
            </div>
            <Suspense fallback={<Loading />}>
              <ArtifactPreview runId={runId} path={path} />
            </Suspense>
          </>
        ) : (
          <p class="muted">Select a file to preview it.</p>
        )}
      </div>
    </div>
  );
}

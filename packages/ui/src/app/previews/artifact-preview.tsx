/**
 * Artifact previews, loaded lazily: text and code (a ranged read of the first MiB), JSON, CSV/TSV
 * tables, images, HTML (in a sandboxed iframe without same-origin), MLmodel files (flavors,
 * signature, how to load and serve the model), and, each in a chunk of its own loaded on first use,
 * Parquet tables, PDF pages and ONNX graph summaries.
 */
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { parse as parseYaml } from 'yaml';
import { ErrorBox, Loading } from '../components/common.js';
import { artifactUrl, authHeaders, fetchArtifactText } from '../lib/api.js';
import { useAsync } from '../lib/hooks.js';
import { MlmodelView } from './mlmodel-view.js';
import { TablePreview } from './table-preview.js';

const ParquetPreview = lazy(() => import('./parquet-preview.js').then((m) => ({ default: m.ParquetPreview })));
const PdfPreview = lazy(() => import('./pdf-preview.js').then((m) => ({ default: m.PdfPreview })));
const OnnxPreview = lazy(() => import('./onnx-preview.js').then((m) => ({ default: m.OnnxPreview })));

const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp|ico)$/i;
const TEXT = /\.(txt|log|md|py|ya?ml|sh|r|js|ts|java|scala|sql|toml|cfg|ini|conf|xml|requirements|lock|env|out|err)$/i;

export type PreviewKind = 'image' | 'json' | 'csv' | 'tsv' | 'html' | 'pdf' | 'parquet' | 'onnx' | 'mlmodel' | 'text';

export function previewKind(path: string): PreviewKind {
  const name = path.split('/').pop() ?? path;
  if (name === 'MLmodel') return 'mlmodel';
  if (IMAGE.test(name)) return 'image';
  if (/\.json$/i.test(name)) return 'json';
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.tsv$/i.test(name)) return 'tsv';
  if (/\.html?$/i.test(name)) return 'html';
  if (/\.pdf$/i.test(name)) return 'pdf';
  if (/\.(parquet|pq)$/i.test(name)) return 'parquet';
  if (/\.onnx$/i.test(name)) return 'onnx';
  if (TEXT.test(name)) return 'text';
  return 'text';
}

function useBlobUrl(url: string) {
  const [state, setState] = useState<{ url?: string; error?: Error }>({});
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    fetch(url, { headers: authHeaders() })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const blob = await res.blob();
        objectUrl = URL.createObjectURL(blob);
        if (live) setState({ url: objectUrl });
      })
      .catch((e: unknown) => live && setState({ error: e instanceof Error ? e : new Error(String(e)) }));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return state;
}

/** A small CSV/TSV reader (quoted fields, doubled quotes); the preview shows the first rows only. */
export function parseDelimited(text: string, sep: string, maxRows = 500): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if ((field !== '' || row.length > 0) && rows.length < maxRows) rows.push([...row, field]);
  return rows;
}

function ImagePreview({ url, path }: { url: string; path: string }) {
  const blob = useBlobUrl(url);
  if (blob.error) return <ErrorBox error={blob.error} />;
  if (!blob.url) return <Loading />;
  return <img class="preview-image" src={blob.url} alt={path} />;
}

function TextPreview({ url, kind, path }: { url: string; kind: PreviewKind; path: string }) {
  const text = useAsync(() => fetchArtifactText(url), [url]);
  if (text.error) return <ErrorBox error={text.error} />;
  if (!text.data) return <Loading />;
  const { truncated } = text.data;
  const body = text.data.text;
  const note = truncated ? <p class="muted small">Showing the first 1 MiB; download the file for the rest.</p> : null;
  if (kind === 'mlmodel') {
    try {
      return <MlmodelView mlmodel={parseYaml(body) as Record<string, unknown>} source={body} path={path} />;
    } catch {
      // not YAML after all: show it as text
    }
  }
  if (kind === 'json' && !truncated) {
    try {
      return <pre class="preview-text mono">{JSON.stringify(JSON.parse(body), null, 2)}</pre>;
    } catch {
      // fall through to plain text
    }
  }
  if (kind === 'csv' || kind === 'tsv')
    return (
      <>
        {note}
        <TablePreview rows={parseDelimited(body, kind === 'csv' ? ',' : '\t')} />
      </>
    );
  if (kind === 'html') return <iframe class="preview-frame" title="HTML preview" sandbox="" srcdoc={body} />;
  return (
    <>
      {note}
      <pre class="preview-text mono">{body}</pre>
    </>
  );
}

export function ArtifactPreview({ runId, path }: { runId: string; path: string }) {
  const url = artifactUrl(runId, path);
  const kind = previewKind(path);
  if (kind === 'image') return <ImagePreview url={url} path={path} />;
  const Binary =
    kind === 'pdf' ? PdfPreview : kind === 'parquet' ? ParquetPreview : kind === 'onnx' ? OnnxPreview : null;
  if (Binary)
    return (
      <Suspense fallback={<Loading />}>
        <Binary key={url} url={url} />
      </Suspense>
    );
  return <TextPreview key={url} url={url} kind={kind} path={path} />;
}

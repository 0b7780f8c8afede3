/// <reference types="vite/client" />
/**
 * PDF documents rendered with pdf.js (its own lazy chunk) onto canvases: the page count and the first
 * pages. The pdf.js worker is a file of the UI build (same origin, no CDN); pdf.js runs without `eval`
 * or WebAssembly, as the UI's CSP requires. Where the server honours Range, pdf.js asks for the byte
 * ranges it needs (the trailer, the first pages' objects); otherwise the file is read up to the cap.
 */
import { GlobalWorkerOptions, PDFDataRangeTransport, getDocument } from 'pdfjs-dist';
import type { PDFDocumentLoadingTask, PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../components/common.js';
import { openArtifactBytes } from './artifact-bytes.js';
import { count } from './counts.js';
import { PreviewError } from './preview-error.js';

GlobalWorkerOptions.workerSrc = workerUrl;

/** The largest PDF the preview downloads. */
const PDF_CAP = 64 << 20;
const PREVIEW_PAGES = 3;
const OPTIONS = { isEvalSupported: false, useWasm: false, verbosity: 0 };

async function openPdf(url: string, onError: (e: unknown) => void): Promise<PDFDocumentLoadingTask> {
  const file = await openArtifactBytes(url, PDF_CAP, 'PDF');
  if (!file.ranged) return getDocument({ ...OPTIONS, data: new Uint8Array(await file.slice(0)) });
  const range = new PDFDataRangeTransport(file.byteLength, null);
  range.requestDataRange = (begin: number, end: number) => {
    file.slice(begin, end).then((chunk) => range.onDataRange(begin, new Uint8Array(chunk)), onError);
  };
  return getDocument({ ...OPTIONS, range, length: file.byteLength, disableAutoFetch: true, disableStream: true });
}
const PAGE_WIDTH = 760;
const PAGE_STYLE = {
  display: 'block',
  maxWidth: '100%',
  height: 'auto',
  border: '1px solid var(--line)',
  marginBottom: '8px',
};

function Page({ doc, number }: { doc: PDFDocumentProxy; number: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let task: { cancel(): void; promise: Promise<void> } | undefined;
    let live = true;
    doc.getPage(number).then((page) => {
      const el = canvas.current;
      if (!live || !el) return;
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: PAGE_WIDTH / base.width });
      el.width = Math.floor(viewport.width);
      el.height = Math.floor(viewport.height);
      task = page.render({ canvas: el, viewport });
      task.promise.then(
        () => live && el.setAttribute('data-rendered', 'true'),
        (e: unknown) => live && (e as Error).name !== 'RenderingCancelledException' && setError(e as Error),
      );
    }, setError);
    return () => {
      live = false;
      task?.cancel();
    };
  }, [doc, number]);
  if (error) return <ErrorBox error={error} what={`Page ${number}`} />;
  return (
    <canvas
      ref={canvas}
      class="preview-pdf-page"
      style={PAGE_STYLE}
      role="img"
      aria-label={`Page ${number} of ${doc.numPages}`}
    />
  );
}

export function PdfPreview({ url }: { url: string }) {
  const [state, setState] = useState<{ doc?: PDFDocumentProxy; error?: Error }>({});
  useEffect(() => {
    let live = true;
    let destroy: (() => Promise<void>) | undefined;
    const fail = (e: unknown) => live && setState({ error: e instanceof Error ? e : new Error(String(e)) });
    openPdf(url, fail)
      .then((task) => {
        if (!live) {
          void task.destroy();
          return undefined;
        }
        destroy = () => task.destroy();
        return task.promise;
      })
      .then((doc) => live && doc && setState({ doc }), fail);
    return () => {
      live = false;
      void destroy?.();
    };
  }, [url]);
  if (state.error) return <PreviewError error={state.error} what="Not a readable PDF" />;
  const doc = state.doc;
  if (!doc) return <Loading />;
  const shown = Math.min(PREVIEW_PAGES, doc.numPages);
  return (
    <div class="preview-pdf">
      <p class="muted small">
        {count(doc.numPages, 'page')}
        {doc.numPages > shown ? `; showing the first ${shown}` : ''}.
      </p>
      {Array.from({ length: shown }, (_, i) => (
        <Page key={i} doc={doc} number={i + 1} />
      ))}
    </div>
  );
}

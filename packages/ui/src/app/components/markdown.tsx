import { useEffect, useState } from 'preact/hooks';

type Render = (text: string) => string;
let renderer: Promise<Render> | undefined;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** marked + DOMPurify, loaded on first use (kept out of the first page's bundle). */
function loadRenderer(): Promise<Render> {
  renderer ??= Promise.all([import('marked'), import('dompurify')]).then(([{ Marked }, { default: purify }]) => {
    // Links leave the app in a new tab and never get the opener.
    purify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
    // Raw HTML in a note is shown as text, never parsed (DOMPurify below is the second fence).
    const md = new Marked({ gfm: true, breaks: true, async: false });
    md.use({ renderer: { html: ({ text }) => escapeHtml(text) } });
    return (text: string) =>
      purify.sanitize(md.parse(text, { async: false }), {
        FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'],
      });
  });
  return renderer;
}

/**
 * A description as MLflow's UI shows it: markdown (GitHub flavour), sanitized, so a note holding HTML or
 * script runs nothing. Plain text until the renderer has loaded.
 */
export function Markdown({ text }: { text: string }) {
  const [html, setHtml] = useState<string>();
  useEffect(() => {
    let live = true;
    setHtml(undefined);
    loadRenderer().then((render) => live && setHtml(render(text)));
    return () => {
      live = false;
    };
  }, [text]);
  if (html === undefined) return <div class="description">{text}</div>;
  // Sanitized by DOMPurify (and raw HTML escaped by marked) in loadRenderer above.
  return <div class="description markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

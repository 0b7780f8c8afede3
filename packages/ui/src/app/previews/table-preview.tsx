/**
 * A table of string cells, the first row as the header (CSV/TSV and Parquet previews), in a scroll box
 * that the keyboard can reach (axe: scrollable-region-focusable).
 */
export function TablePreview({ rows }: { rows: string[][] }) {
  const [head, ...body] = rows;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scroll box must be reachable by keyboard (WCAG 2.1.1)
    <section class="preview-table" aria-label="Table preview" tabIndex={0}>
      <table class="table">
        <thead>
          <tr>
            {(head ?? []).map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {body.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

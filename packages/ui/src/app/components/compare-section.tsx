/** True when a row's values are not all the same (the row is marked, and kept by "differences only"). */
const differs = (values: string[]): boolean => new Set(values).size > 1;

/**
 * One titled group of rows in a side-by-side comparison table (compare runs, compare versions): a
 * header row, then a row per key with one cell per compared item; rows whose values differ are marked.
 */
export function CompareSection<T>({
  title,
  keys,
  items,
  value,
  diffOnly = false,
  cellClass,
}: {
  title: string;
  keys: string[];
  items: T[];
  value(item: T, key: string): string;
  diffOnly?: boolean;
  cellClass?: string;
}) {
  const rows = keys
    .map((k) => ({ k, values: items.map((item) => value(item, k)) }))
    .filter((row) => !diffOnly || differs(row.values));
  if (rows.length === 0) return null;
  return (
    <>
      <tr class="section-row">
        <th scope="rowgroup" colSpan={items.length + 1}>
          {title}
        </th>
      </tr>
      {rows.map((row) => (
        <tr key={`${title}.${row.k}`} class={differs(row.values) ? 'differs' : undefined}>
          <th scope="row">{row.k}</th>
          {row.values.map((v, i) => (
            <td key={i} class={cellClass}>
              {v}
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

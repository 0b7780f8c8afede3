import type { ComponentChildren } from 'preact';

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

/**
 * The side-by-side comparison table (compare runs, compare versions): `corner` over the key column, a
 * header cell per compared item (`head`, keyed by `itemKey`), then the sections as `children`.
 */
export function CompareTable<T>({
  label,
  corner,
  items,
  itemKey,
  head,
  children,
}: {
  label: string;
  corner: string;
  items: T[];
  itemKey(item: T): string;
  head(item: T, index: number): ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="compare-scroll">
      <table class="table compare" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {items.map((item, i) => (
              <th key={itemKey(item)} scope="col">
                {head(item, i)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

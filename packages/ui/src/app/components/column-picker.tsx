import { useMemo, useState } from 'preact/hooks';
import type { KeySets } from '../lib/runs-data.js';

const SHOWN = 300;

/** Picks metric/param/tag columns; copes with thousands of keys by filtering and showing the first matches. */
export function ColumnPicker({
  keys,
  selected,
  onChange,
}: {
  keys: KeySets;
  selected: string[];
  onChange(cols: string[]): void;
}) {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const all = useMemo(
    () => [
      ...keys.metrics.map((k) => `metrics.${k}`),
      ...keys.params.map((k) => `params.${k}`),
      ...keys.tags.map((k) => `tags.${k}`),
    ],
    [keys],
  );
  const needle = filter.toLowerCase();
  const matches = needle ? all.filter((c) => c.toLowerCase().includes(needle)) : all;
  const chosen = new Set(selected);
  return (
    <div class="popover-host">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({selected.length})
      </button>
      {open ? (
        <div class="popover column-picker" role="dialog" aria-label="Choose columns">
          <input
            type="search"
            placeholder="Filter columns"
            aria-label="Filter columns"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
          <div class="picker-actions">
            <button type="button" onClick={() => onChange([...new Set([...selected, ...matches.slice(0, 200)])])}>
              Add shown
            </button>
            <button type="button" onClick={() => onChange([])}>
              Clear
            </button>
            <span class="muted small">
              {matches.length} of {all.length} keys
            </span>
          </div>
          <ul class="picker-list">
            {matches.slice(0, SHOWN).map((c) => (
              <li key={c}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(c)}
                    onChange={() => onChange(chosen.has(c) ? selected.filter((s) => s !== c) : [...selected, c])}
                  />{' '}
                  {c}
                </label>
              </li>
            ))}
          </ul>
          {matches.length > SHOWN ? <p class="muted small">{matches.length - SHOWN} more: refine the filter</p> : null}
        </div>
      ) : null}
    </div>
  );
}

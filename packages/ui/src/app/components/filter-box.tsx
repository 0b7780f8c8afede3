import { useEffect, useState } from 'preact/hooks';
import { errorPosition } from '../lib/format.js';

const SUGGESTIONS = [
  'metrics.',
  'params.',
  'tags.',
  'attributes.status',
  'attributes.run_name',
  'attributes.start_time',
  'attributes.run_id',
];

/**
 * MLflow's filter language input (`metrics.loss < 0.5 AND params.lr IN ('0.1', '0.01')`). A server
 * error naming a position is shown under the text with a caret at that character.
 */
export function FilterBox({
  value,
  error,
  keys,
  onApply,
}: {
  value: string;
  error?: string;
  keys: string[];
  onApply(filter: string): void;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const pos = error ? errorPosition(error) : undefined;
  const listId = 'filter-suggestions';
  return (
    <form
      class="filter-box"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(text.trim());
      }}
    >
      <input
        type="search"
        class={error ? 'invalid mono' : 'mono'}
        aria-label="Filter runs"
        aria-invalid={error ? 'true' : 'false'}
        aria-describedby={error ? 'filter-error' : undefined}
        placeholder="metrics.rmse < 1 and params.model = 'tree'"
        value={text}
        list={listId}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <datalist id={listId}>
        {[...SUGGESTIONS, ...keys.slice(0, 200)].map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <button type="submit">Search</button>
      {value ? (
        <button type="button" onClick={() => onApply('')}>
          Clear
        </button>
      ) : null}
      {error ? (
        <div id="filter-error" class="filter-error" role="alert">
          {pos !== undefined ? (
            <pre class="mono caret-line" aria-hidden="true">{`${text}\n${' '.repeat(Math.max(0, pos - 1))}^`}</pre>
          ) : null}
          <span>{error}</span>
        </div>
      ) : null}
    </form>
  );
}

import { useState } from 'preact/hooks';
import { ErrorBox } from './common.js';
import { Markdown } from './markdown.js';

/** A description with an Edit button (MLflow stores it as plain text or markdown; shown as markdown). */
export function EditableText({
  label,
  value,
  onSave,
}: {
  label: string;
  value: string;
  onSave(v: string): Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<Error>();
  return (
    <section class="kv-section">
      <h3>
        {label}{' '}
        {!editing ? (
          <button type="button" class="link small" onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : null}
      </h3>
      {editing ? (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const text = (e.currentTarget.elements.namedItem('text') as HTMLTextAreaElement).value;
            try {
              await onSave(text);
              setEditing(false);
              setError(undefined);
            } catch (err) {
              setError(err instanceof Error ? err : new Error(String(err)));
            }
          }}
        >
          <textarea name="text" aria-label={label} rows={4} value={value} />
          <div class="dialog-buttons">
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" class="primary">
              Save
            </button>
          </div>
        </form>
      ) : value ? (
        <Markdown text={value} />
      ) : (
        <p class="muted">None</p>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../lib/api.js';
import { navigate } from '../lib/hooks.js';
import { withQuery } from '../lib/router.js';

/** A labelled choice among column keys, kept in the URL query parameter `param` (`none`: an empty choice). */
export function KeySelect({
  label,
  param,
  value,
  keys,
  none,
}: {
  label: string;
  param: string;
  value: string;
  keys: string[];
  none?: string;
}) {
  return (
    <label>
      {label}{' '}
      <select
        value={value}
        onChange={(e) => navigate(withQuery(location.hash, { [param]: e.currentTarget.value || undefined }), true)}
      >
        {none !== undefined ? <option value="">{none}</option> : null}
        {keys.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ErrorBox({ error, what }: { error: Error; what?: string }) {
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div class="error-box" role="alert">
      {what ? <strong>{what}: </strong> : null}
      {code ? <code>{code}</code> : null} {error.message}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="loading" aria-live="polite">
      {label}
    </div>
  );
}

/** Shown where an endpoint this server does not have (yet) would be: an older MLflow, or a feature not built. */
export function Unavailable({ what, error }: { what: string; error: Error }) {
  if (
    error instanceof ApiError &&
    (error.isMissingEndpoint || error.code === 'NOT_IMPLEMENTED' || error.status === 501)
  ) {
    return (
      <div class="notice" role="status">
        {what} are not available on this server (its API has no endpoint for them).
      </div>
    );
  }
  return <ErrorBox error={error} what={what} />;
}

export function KeyValueTable({
  rows,
  caption,
  empty = 'None',
}: {
  rows: [string, ComponentChildren][];
  caption: string;
  empty?: string;
}) {
  if (rows.length === 0) {
    return (
      <section class="kv-section">
        <h3>{caption}</h3>
        <p class="muted">{empty}</p>
      </section>
    );
  }
  return (
    <section class="kv-section">
      <table class="kv">
        <caption>{caption}</caption>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Tabs({ tabs, current }: { tabs: { id: string; label: string; href: string }[]; current: string }) {
  return (
    <nav class="tabs" aria-label="Page sections">
      {tabs.map((t) => (
        <a
          key={t.id}
          href={t.href}
          class={t.id === current ? 'tab active' : 'tab'}
          aria-current={t.id === current ? 'page' : undefined}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}

/** The modal shell every dialog shares: backdrop, ARIA, first-field focus, optional Escape to close. */
export function ModalFrame({
  labelledBy,
  focus,
  onEscape,
  children,
}: {
  labelledBy: string;
  /** CSS selector of the field focused when the dialog opens. */
  focus: string;
  onEscape?(): void;
  children: ComponentChildren;
}) {
  return (
    <div class="dialog-backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={labelledBy}
        ref={(el) => {
          if (el && !el.contains(document.activeElement)) el.querySelector<HTMLElement>(focus)?.focus();
        }}
        onKeyDown={onEscape ? (e) => e.key === 'Escape' && onEscape() : undefined}
      >
        {children}
      </div>
    </div>
  );
}

/** The trimmed value of the form's input `name`. */
export function fieldValue(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement).value.trim();
}

/** A modal dialog with a form; `onSubmit` may throw to show an error. */
export function Dialog({
  title,
  children,
  onClose,
  onSubmit,
  submitLabel = 'Save',
}: {
  title: string;
  children: ComponentChildren;
  onClose(): void;
  onSubmit(form: HTMLFormElement): Promise<void> | void;
  submitLabel?: string;
}) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  return (
    <ModalFrame labelledBy="dialog-title" focus="input, textarea, select" onEscape={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            await onSubmit(e.currentTarget);
            onClose();
          } catch (err) {
            setError(err instanceof Error ? err : new Error(String(err)));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id="dialog-title">{title}</h2>
        {children}
        {error ? <ErrorBox error={error} /> : null}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </ModalFrame>
  );
}

/** Tags with add and remove, for runs, experiments, models and versions. */
export function TagEditor({
  tags,
  onSet,
  onDelete,
  label,
}: {
  tags: { key: string; value: string }[];
  onSet(key: string, value: string): Promise<void>;
  onDelete(key: string): Promise<void>;
  label: string;
}) {
  const [error, setError] = useState<Error>();
  const visible = tags.filter((t) => !t.key.startsWith('mlflow.'));
  return (
    <section class="kv-section">
      <h3>{label}</h3>
      {visible.length === 0 ? <p class="muted">No tags</p> : null}
      <ul class="tag-list">
        {visible.map((t) => (
          <li key={t.key} class="tag">
            <span class="tag-key">{t.key}</span>
            {t.value ? <span class="tag-value">{t.value}</span> : null}
            <RemoveButton label={`Remove tag ${t.key}`} onClick={() => onDelete(t.key).catch(setError)} />
          </li>
        ))}
      </ul>
      <InlineAddForm
        fields={[
          { name: 'key', placeholder: 'Tag key', label: 'New tag key', required: true },
          { name: 'value', placeholder: 'Value', label: 'New tag value', trim: false },
        ]}
        submitLabel="Add tag"
        onAdd={(v) => onSet(v.key ?? '', v.value ?? '')}
        onError={setError}
      />
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}

export interface InlineField {
  name: string;
  placeholder: string;
  /** The field's accessible name. */
  label: string;
  value?: string;
  /** An empty (trimmed) value submits nothing. */
  required?: boolean;
  /** Default true: surrounding spaces are dropped. */
  trim?: boolean;
}

/** A one-line add form (tags, aliases): resets after `onAdd` succeeds, reports a failure through `onError`. */
export function InlineAddForm({
  fields,
  submitLabel,
  onAdd,
  onError,
}: {
  fields: InlineField[];
  submitLabel: string;
  onAdd(values: Record<string, string>): Promise<void>;
  onError(error: Error | undefined): void;
}) {
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        const f = e.currentTarget;
        const values: Record<string, string> = {};
        for (const field of fields) {
          const raw = (f.elements.namedItem(field.name) as HTMLInputElement).value;
          values[field.name] = field.trim === false ? raw : raw.trim();
          if (field.required && !values[field.name]) return;
        }
        try {
          await onAdd(values);
          f.reset();
          onError(undefined);
        } catch (err) {
          onError(err instanceof Error ? err : new Error(String(err)));
        }
      }}
    >
      {fields.map((field) => (
        <input
          key={field.name}
          name={field.name}
          placeholder={field.placeholder}
          aria-label={field.label}
          value={field.value}
        />
      ))}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}

/**
 * A page whose main request is still on its way or has failed. `useAsync` drops the data on an error,
 * so `if (!x.data) return <PageStatus state={x} … />` shows the error when there is one, else the loading line.
 */
export function PageStatus({ state, what, loading }: { state: { error?: Error }; what?: string; loading?: string }) {
  return (
    <main class="page">{state.error ? <ErrorBox error={state.error} what={what} /> : <Loading label={loading} />}</main>
  );
}

/** A list's failure, or its loading line while there is nothing to show yet. */
export function ListStatus({
  state,
  what,
}: {
  state: { data?: unknown; error?: Error; loading: boolean };
  what: string;
}) {
  if (state.error) return <ErrorBox error={state.error} what={what} />;
  return !state.data && state.loading ? <Loading /> : null;
}

/** A page's title with its primary action beside it. */
export function PageHead({ title, action, onAction }: { title: string; action: string; onAction(): void }) {
  return (
    <div class="page-head">
      <h1>{title}</h1>
      <button type="button" class="primary" onClick={onAction}>
        {action}
      </button>
    </div>
  );
}

/** A list page's search box, kept in the URL's `search` (`fallback`: the page's hash when there is none; `reset`: parameters a new search clears). */
export function SearchBox({
  what,
  value,
  fallback,
  reset,
}: {
  what: string;
  value: string;
  fallback: string;
  reset?: Record<string, undefined>;
}) {
  return (
    <input
      type="search"
      aria-label={`Search ${what} by name`}
      placeholder={`Search ${what}`}
      value={value}
      onInput={(e) => navigate(withQuery(location.hash || fallback, { search: e.currentTarget.value, ...reset }), true)}
    />
  );
}

/** A checkbox with its label after it. */
export function Toggle({
  checked,
  onChange,
  children,
}: {
  checked: boolean;
  onChange(checked: boolean): void;
  children: ComponentChildren;
}) {
  return (
    <label>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} /> {children}
    </label>
  );
}

/** A table's column headers; `select` puts an unlabelled (screen-reader "Select") checkbox column first. */
export function TableHead({ columns, select }: { columns: string[]; select?: boolean }) {
  return (
    <thead>
      <tr>
        {select ? (
          <th scope="col">
            <span class="sr-only">Select</span>
          </th>
        ) : null}
        {columns.map((c) => (
          <th key={c} scope="col">
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** The one row of an empty table. */
export function EmptyRow({ span, children }: { span: number; children: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={span} class="muted">
        {children}
      </td>
    </tr>
  );
}

/** The row checkbox of a selectable table: toggles `id` in `selected`. */
export function SelectBox<K>({
  label,
  id,
  selected,
  onChange,
}: {
  label: string;
  id: K;
  selected: Set<K>;
  onChange(next: Set<K>): void;
}) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={selected.has(id)}
      onChange={() => {
        const next = new Set(selected);
        if (!next.delete(id)) next.add(id);
        onChange(next);
      }}
    />
  );
}

/** The × that removes one tag or alias. */
export function RemoveButton({ label, onClick }: { label: string; onClick(): void }) {
  return (
    <button type="button" class="link" aria-label={label} onClick={onClick}>
      ×
    </button>
  );
}

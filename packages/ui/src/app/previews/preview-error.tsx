import { ErrorBox } from '../components/common.js';
import { TooLargeError } from './artifact-bytes.js';

/** A preview that failed: a note for a file over the preview's size cap, else the error. */
export function PreviewError({ error, what }: { error: Error; what: string }) {
  if (error instanceof TooLargeError) return <p class="muted">{error.message}</p>;
  return <ErrorBox error={error} what={what} />;
}

/**
 * A bound on JSON nesting, checked before parsing: decoding a request walks its objects
 * recursively, so `[[[[…` a hundred thousand deep would overflow the stack (a 500). One linear
 * pass over the text counts brackets outside strings; nothing is allocated.
 */
import { MlflowError } from '@mlflow-ts/format';

/** Request bodies are proto-shaped and a handful of levels deep; 100 leaves room for any real one. */
export const MAX_JSON_DEPTH = 100;

export function assertJsonDepth(text: string, max: number = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        throw MlflowError.invalidParameter(
          `Malformed JSON request body: nested deeper than ${max} levels (MAX_JSON_DEPTH) at position ${i + 1}`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
}

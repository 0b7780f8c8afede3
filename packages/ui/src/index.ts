/**
 * `@mlflow-ts/ui`: the web UI, prebuilt. The package ships the static site; a server serves
 * `uiDistDir()` at `/` (index.html, and hashed assets under `static-files/`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder holding the built UI (`index.html`, `static-files/`). Same path from src/ and dist/. */
export function uiDistDir(): string {
  return fileURLToPath(new URL('../dist/app/', import.meta.url));
}

/** Whether the UI has been built (`npm run build -w @mlflow-ts/ui`). */
export function uiIsBuilt(): boolean {
  return existsSync(`${uiDistDir()}index.html`);
}

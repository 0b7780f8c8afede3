/**
 * Builds the UI once into a temp folder for the browser tests (tests never depend on a stale dist/).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    uiDist: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const out = await mkdtemp(join(tmpdir(), 'mlflow-ts-ui-build-'));
  const pkg = fileURLToPath(new URL('..', import.meta.url));
  await build({
    configFile: join(pkg, 'vite.config.ts'),
    root: join(pkg, 'src/app'),
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true },
  });
  project.provide('uiDist', out);
  return async () => {
    await rm(out, { recursive: true, force: true });
  };
}

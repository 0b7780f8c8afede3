/** Test helpers: temp dirs and writable copies of the MLflow-written fixture stores. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const fixturesDir = path.resolve(repoRoot, 'fixtures');

export function tempDir(prefix = 'store-fs-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a fixture `mlruns` tree (read-only on disk) to a temp dir and makes it writable. */
export function copyFixtureStore(name: string): string {
  const dst = path.join(tempDir(), 'mlruns');
  fs.cpSync(path.join(fixturesDir, name, 'mlruns'), dst, { recursive: true });
  const chmod = (p: string) => {
    const st = fs.statSync(p);
    fs.chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const c of fs.readdirSync(p)) chmod(path.join(p, c));
  };
  chmod(dst);
  return dst;
}

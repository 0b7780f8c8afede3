/**
 * Child processes in tests run plain Node, which cannot load TypeScript: they import store-fs compiled
 * by tsc with the package's own tsconfig.build.json (what `npm run build` emits to dist/). Each
 * version of the sources is compiled once into its own folder under node_modules/.cache, named by
 * a hash of the sources' paths, sizes and mtimes, and renamed into place whole, so test files
 * running in parallel never see a half-written build, and a rebuild for newer sources never changes
 * the files a running child loaded. `@mlflow-ts/format` and the third-party packages resolve from
 * the workspace's node_modules (format is built by turbo's `^build` before any test runs).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './temp-store.js';

export const storeRoot = path.join(repoRoot, 'packages', 'store-fs');
const cacheRoot = path.join(storeRoot, 'node_modules', '.cache', 'store-fs-build');

function sourcesHash(): string {
  const h = createHash('sha1');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const st = fs.statSync(p);
        h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(path.join(storeRoot, 'src'));
  return h.digest('hex').slice(0, 16);
}

/** Compiles store-fs (once per version of its sources); returns the path of the built index.js. */
export async function ensureStoreBuilt(): Promise<string> {
  const dir = path.join(cacheRoot, sourcesHash());
  const entry = path.join(dir, 'index.js');
  if (fs.existsSync(entry)) return entry;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const tsc = createRequire(path.join(repoRoot, 'package.json')).resolve('typescript/bin/tsc');
  const args = [
    tsc,
    '-p',
    'tsconfig.build.json',
    '--outDir',
    tmp,
    '--declaration',
    'false',
    '--declarationMap',
    'false',
    '--sourceMap',
    'false',
  ];
  // tsc emits even when some file has a type error (someone's work in progress); what matters is the JS.
  const r = await promisify(execFile)(process.execPath, args, { cwd: storeRoot }).catch((e: { stdout?: string }) => e);
  if (!fs.existsSync(path.join(tmp, 'index.js')))
    throw new Error(`building store-fs failed:\n${(r as { stdout?: string }).stdout ?? ''}`);
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ type: 'module' }));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another test file finished the same build first
  }
  // Builds of older sources: kept a while for children that may still run from them.
  for (const old of fs.readdirSync(cacheRoot)) {
    const p = path.join(cacheRoot, old);
    if (p !== dir && Date.now() - fs.statSync(p).mtimeMs > 30 * 60_000) fs.rmSync(p, { recursive: true, force: true });
  }
  return entry;
}

/**
 * Child processes in tests run plain Node, which cannot load TypeScript. Instead of depending on a
 * fresh `dist/`, we transpile (no type check, milliseconds per file) the sources of format and
 * store-fs into node_modules/.cache, laid out so that `@mlflow-ts/format` and third-party imports
 * resolve from there.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from './temp-store.js';

function transpileTree(srcDir: string, outDir: string): void {
  for (const d of fs.readdirSync(srcDir, { withFileTypes: true })) {
    const src = path.join(srcDir, d.name);
    if (d.isDirectory()) {
      transpileTree(src, path.join(outDir, d.name));
    } else if (d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && !d.name.endsWith('.d.ts')) {
      const out = ts.transpileModule(fs.readFileSync(src, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
        fileName: src,
      });
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, d.name.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
}

let built: string | undefined;

/** Returns the path of the transpiled tracking-store module (exports `createFsTrackingStore`). */
export function buildForChildProcesses(): string {
  if (built) return built;
  const base = path.join(repoRoot, 'packages', 'store-fs', 'node_modules', '.cache', `child-build-${process.pid}`);
  fs.rmSync(base, { recursive: true, force: true });
  const formatOut = path.join(base, 'node_modules', '@mlflow-ts', 'format');
  transpileTree(path.join(repoRoot, 'packages', 'format', 'src'), formatOut);
  fs.writeFileSync(
    path.join(formatOut, 'package.json'),
    JSON.stringify({ name: '@mlflow-ts/format', type: 'module', exports: { '.': './index.js', './testing': './testing/index.js' } }),
  );
  const storeOut = path.join(base, 'store-fs');
  transpileTree(path.join(repoRoot, 'packages', 'store-fs', 'src'), storeOut);
  fs.writeFileSync(path.join(storeOut, 'package.json'), JSON.stringify({ type: 'module' }));
  built = path.join(storeOut, 'tracking', 'fs-tracking-store.js');
  return built;
}

export function removeChildBuild(): void {
  if (built) fs.rmSync(path.resolve(built, '../../..'), { recursive: true, force: true });
  built = undefined;
}

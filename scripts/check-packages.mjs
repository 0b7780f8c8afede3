#!/usr/bin/env node
// Packaging gates for every public workspace package: publint (strict) and attw on the packed tarball.
// Workspaces come from `npm query .workspace`, so packages added later are checked without editing this.
// Needs each package's dist/ (npm ci's prepare builds them; run `npm run build` after changes).
import { execFileSync, spawnSync } from 'node:child_process';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const workspaces = JSON.parse(execFileSync('npm', ['query', '.workspace'], { encoding: 'utf8' }));
const attwBin = path.resolve('node_modules/.bin/attw');
let failed = 0;

for (const ws of workspaces) {
  if (ws.private) continue;
  const pkgDir = ws.path;
  const pkg = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8'));

  const { messages } = await publint({ pkgDir, strict: true, level: 'suggestion' });
  for (const m of messages) console.log(`publint ${ws.name}: [${m.type}] ${formatMessage(m, pkg) ?? m.code}`);
  if (messages.length > 0) failed++;

  // ESM-only packages: node10 and require() resolutions are out of scope by design.
  const attw = spawnSync(attwBin, ['--pack', pkgDir, '--profile', 'esm-only', '--format', 'ascii'], {
    encoding: 'utf8',
  });
  if (attw.status !== 0) {
    failed++;
    console.log(`attw ${ws.name}:\n${attw.stdout}${attw.stderr}`);
  } else {
    console.log(`ok ${ws.name}`);
  }
}

if (failed > 0) {
  console.error(`${failed} packaging problem(s)`);
  process.exit(1);
}

#!/usr/bin/env node
// Release gate: a minor changeset on @mlflow-ts/format must release its dependents as patches (never a
// major, never an accidental 1.0.0). Runs `changeset status` on a scratch copy of the workspace
// manifests with exactly one changeset, and checks the plan.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'mlflow-ts-release-plan-'));
try {
  cpSync(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
  mkdirSync(path.join(scratch, '.changeset'));
  cpSync(path.join(root, '.changeset/config.json'), path.join(scratch, '.changeset/config.json'));
  for (const group of ['packages', 'examples']) {
    if (!existsSync(path.join(root, group))) continue;
    for (const name of readdirSync(path.join(root, group))) {
      const manifest = path.join(root, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      mkdirSync(path.join(scratch, group, name), { recursive: true });
      cpSync(manifest, path.join(scratch, group, name, 'package.json'));
    }
  }
  const git = (...args) => execFileSync('git', args, { cwd: scratch, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@localhost', 'add', '.');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@localhost', 'commit', '-qm', 'manifests');
  writeFileSync(
    path.join(scratch, '.changeset/format-minor.md'),
    '---\n"@mlflow-ts/format": minor\n---\nA minor change.\n',
  );
  execFileSync(path.join(root, 'node_modules/.bin/changeset'), ['status', '--output', 'plan.json'], {
    cwd: scratch,
    stdio: 'pipe',
  });
  const plan = JSON.parse(readFileSync(path.join(scratch, 'plan.json'), 'utf8'));
  const releases = plan.releases.map((r) => `${r.name} ${r.type} ${r.oldVersion} → ${r.newVersion}`);
  console.log(`changeset status, one minor changeset on @mlflow-ts/format:\n  ${releases.join('\n  ')}`);
  const wrong = plan.releases.filter((r) =>
    r.name === '@mlflow-ts/format' ? r.type !== 'minor' : r.type !== 'patch' && r.type !== 'none',
  );
  if (wrong.length > 0) {
    console.error(
      `release plan gate failed: ${wrong.map((r) => `${r.name} would be a ${r.type} (${r.newVersion})`).join(', ')}`,
    );
    process.exit(1);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

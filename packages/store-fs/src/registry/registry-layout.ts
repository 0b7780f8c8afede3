/**
 * Where MLflow's FileStore registry keeps things (mlflow/store/model_registry/file_store.py):
 *
 *   <root>/models/<name>/meta.yaml          registered model
 *   <root>/models/<name>/tags/<key>         one file per tag, raw value
 *   <root>/models/<name>/aliases/<alias>    file content = version number, no newline
 *   <root>/models/<name>/version-<N>/meta.yaml, version-<N>/tags/<key>
 *
 * Plus our own, invisible to MLflow's readers: the inter-process lock `<name>/.~registry-lock` and
 * staging directories `models/.~tmp-*` that are renamed into place whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KeyValueFiles } from '../tracking/key-tree.js';
import { isTempName, parseYaml, writeFileAtomicMkdirSync } from '../yaml-file.js';

export const MODELS_DIR = 'models';
export const META_FILE = 'meta.yaml';
export const TAGS_DIR = 'tags';
export const ALIASES_DIR = 'aliases';
export const LOCK_NAME = '.~registry-lock';
const STAGING_PREFIX = '.~tmp-';
const VERSION_DIR = /^version-(\d+)$/;

export class RegistryLayout {
  readonly modelsRoot: string;

  constructor(readonly root: string) {
    this.modelsRoot = path.join(root, MODELS_DIR);
  }

  modelDir(name: string): string {
    return path.join(this.modelsRoot, name);
  }

  versionDir(name: string, version: number): string {
    return path.join(this.modelDir(name), `version-${version}`);
  }

  /** A fresh sibling directory name under models/ for building a tree before renaming it into place. */
  stagingDir(purpose: string): string {
    return path.join(this.modelsRoot, `${STAGING_PREFIX}${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
  }

  /** Names of registered models with a meta.yaml (half-built and staging directories are skipped). */
  modelNames(): string[] {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(this.modelsRoot, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return entries
      .filter(
        (d) =>
          d.isDirectory() &&
          !d.name.startsWith(STAGING_PREFIX) &&
          fs.existsSync(path.join(this.modelsRoot, d.name, META_FILE)),
      )
      .map((d) => d.name);
  }

  /** Version numbers present under a model directory, ascending (dirs without meta.yaml skipped). */
  versionNumbers(modelDir: string): number[] {
    return this.allVersionNumbers(modelDir).filter((n) =>
      fs.existsSync(path.join(modelDir, `version-${n}`, META_FILE)),
    );
  }

  /** Every `version-<N>` directory, even one still being written: numbering must never reuse these. */
  allVersionNumbers(modelDir: string): number[] {
    const out: number[] = [];
    for (const name of readdirOrEmpty(modelDir)) {
      const m = VERSION_DIR.exec(name);
      if (m) out.push(Number(m[1]));
    }
    return out.sort((a, b) => a - b);
  }
}

function readdirOrEmpty(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** The parsed meta.yaml mapping, or null when the file is missing. */
export function readMeta(dir: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, META_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const data = parseYaml(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`${path.join(dir, META_FILE)} is not a mapping`);
  return data as Record<string, unknown>;
}

/** Tags of a model or version directory, in key order (keys with '/' are nested files). */
export function readTags(dir: string): { key: string; value: string }[] {
  const files = new KeyValueFiles(path.join(dir, TAGS_DIR));
  files.sync();
  return [...files.values]
    .map(([key, value]) => ({ key, value }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function writeTag(dir: string, key: string, value: string): void {
  writeFileAtomicMkdirSync(path.join(dir, TAGS_DIR, ...key.split('/')), value);
}

export function deleteTag(dir: string, key: string): void {
  fs.rmSync(path.join(dir, TAGS_DIR, ...key.split('/')), { force: true });
}

/** alias → version number, from the `aliases/` files (the meta.yaml map is a redundant copy). */
export function readAliases(modelDir: string): Map<string, number> {
  const out = new Map<string, number>();
  const dir = path.join(modelDir, ALIASES_DIR);
  for (const alias of readdirOrEmpty(dir).sort()) {
    if (isTempName(alias)) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, alias), 'utf8');
    } catch {
      continue;
    }
    const n = Number.parseInt(text.trim(), 10);
    if (Number.isSafeInteger(n)) out.set(alias, n);
  }
  return out;
}

export function writeAliasFile(modelDir: string, alias: string, version: number): void {
  writeFileAtomicMkdirSync(path.join(modelDir, ALIASES_DIR, alias), String(version));
}

export function removeAliasFile(modelDir: string, alias: string): void {
  fs.rmSync(path.join(modelDir, ALIASES_DIR, alias), { force: true });
}

/** What the registry operations share: the files, the locks, the source policy and the helpers that write. */
import fs from 'node:fs';
import path from 'node:path';
import type { TrackingStore } from '@mlflow-ts/format';
import { writeYamlSync } from '../yaml-file.js';
import { ModelLocks } from './model-lock.js';
import { META_FILE, readAliases } from './registry-layout.js';
import { RegistryFiles, type ModelFiles } from './registry-files.js';
import { aliasesMap } from './registry-meta.js';
import type { SourcePolicy } from './version-source.js';

export interface RegistryContext {
  root: string;
  files: RegistryFiles;
  locks: ModelLocks;
  policy: SourcePolicy;
  tracking?: Pick<TrackingStore, 'getRun'>;
  warn: (message: string) => void;
}

export function createRegistryContext(opts: {
  root: string;
  tracking?: Pick<TrackingStore, 'getRun'>;
  allowedSourceRoots: readonly string[];
  sourceSchemes: readonly string[];
  warnings: string[];
}): RegistryContext {
  const seen = new Set<string>();
  const warn = (message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    opts.warnings.push(message);
  };
  return {
    root: opts.root,
    files: new RegistryFiles(opts.root),
    locks: new ModelLocks(warn),
    policy: {
      allowedRoots: opts.allowedSourceRoots,
      schemes: opts.sourceSchemes,
      ...(opts.tracking ? { tracking: opts.tracking } : {}),
    },
    ...(opts.tracking ? { tracking: opts.tracking } : {}),
    warn,
  };
}

/** Runs `fn` with the model's lock held and its meta.yaml freshly read under the lock. */
export function withModel<T>(
  ctx: RegistryContext,
  name: string,
  fn: (model: ModelFiles) => T | Promise<T>,
): Promise<T> {
  const model = ctx.files.model(name);
  return ctx.locks.withModel(model.dir, name, () => fn(ctx.files.model(name)));
}

/** Rewrites the model's meta.yaml with `changes`, the aliases map re-read from `aliases/`. */
export function saveModelMeta(model: ModelFiles, changes: Record<string, unknown>): void {
  const meta = { ...model.meta, ...changes, aliases: aliasesMap(readAliases(model.dir)) };
  writeYamlSync(path.join(model.dir, META_FILE), meta);
  model.meta = meta;
}

export function saveVersionMeta(dir: string, meta: Record<string, unknown>): void {
  writeYamlSync(path.join(dir, META_FILE), meta);
}

/** Copies a directory tree, leaving out our lock and temp files. */
export function copyTree(src: string, dst: string): void {
  fs.cpSync(src, dst, { recursive: true, filter: (p) => p === src || !path.basename(p).includes('.~') });
}

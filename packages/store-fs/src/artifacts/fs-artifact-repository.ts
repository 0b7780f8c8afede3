/**
 * An ArtifactRepository on a local directory (`file:` URI or path), like MLflow's
 * LocalArtifactRepository. Writes go to a temp file beside the target, which is fdatasync'ed and
 * then renamed into place (and the directory fsync'ed), so a reader never sees half a file and a
 * write that resolved survives a power loss. `durability: 'none'` (or `MLFLOW_TS_FSYNC=0`) skips the
 * fsyncs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ByteSource, FileInfo } from '@mlflow-ts/format';
import { type Durability, GroupCommit } from '../tracking/durability.js';
import { toLocalPath } from '../uri.js';
import { isTempName, tempNameFor } from '../yaml-file.js';

function localPathFor(root: string, artifactPath: string): string {
  if (artifactPath === '') return root;
  const p = path.join(root, ...artifactPath.split('/').filter((s) => s !== ''));
  const rel = path.relative(root, p);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw MlflowError.invalidParameter(`Invalid artifact path: '${artifactPath}'`);
  return p;
}

/** Checks the caller's path as given (a leading '/' is an error, not something to strip). */
const normalized = (p: string | undefined): string =>
  p === undefined || p === '' ? '' : assertSafeArtifactPath(p).replace(/^\/+|\/+$/g, '');

export interface FsArtifactRepositoryOptions {
  /** 'fsync' (default unless `MLFLOW_TS_FSYNC=0`): a written artifact is on disk before the write resolves. */
  durability?: Durability;
}

export function createFsArtifactRepository(
  rootUri: string,
  opts: FsArtifactRepositoryOptions = {},
): ArtifactRepository {
  const root = toLocalPath(rootUri);
  const gc = new GroupCommit(opts.durability);
  return {
    specificationVersion: 'v1',
    rootUri,

    async listArtifacts(artifactPath?: string): Promise<FileInfo[]> {
      const rel = normalized(artifactPath);
      const dir = localPathFor(root, rel);
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return [];
        throw e;
      }
      const out: FileInfo[] = [];
      for (const d of entries) {
        if (isTempName(d.name)) continue;
        const p = rel === '' ? d.name : `${rel}/${d.name}`;
        const st = await fs.promises.stat(path.join(dir, d.name)).catch(() => null);
        if (!st) continue;
        out.push(st.isDirectory() ? { path: p, is_dir: true } : { path: p, is_dir: false, file_size: st.size });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async readArtifact(artifactPath: string): Promise<AsyncIterable<Uint8Array>> {
      const file = localPathFor(root, normalized(artifactPath));
      const st = await fs.promises.stat(file).catch(() => null);
      if (!st || !st.isFile()) throw MlflowError.notFound(`No such artifact file: '${artifactPath}' under ${rootUri}`);
      return fs.createReadStream(file);
    },

    async writeArtifact(artifactPath: string, data: ByteSource): Promise<void> {
      const rel = normalized(artifactPath);
      if (rel === '') throw MlflowError.invalidParameter('An artifact path is required to write an artifact');
      const file = localPathFor(root, rel);
      const made = await fs.promises.mkdir(path.dirname(file), { recursive: true });
      if (made) gc.madeDirs(made, path.dirname(file));
      const tmp = tempNameFor(file);
      try {
        const source = data instanceof Uint8Array ? Readable.from([data]) : Readable.from(data);
        await pipeline(source, fs.createWriteStream(tmp));
        gc.file(tmp);
        await gc.commit(); // the content first, then the name that points at it
        await fs.promises.rename(tmp, file);
        gc.dir(path.dirname(file));
        await gc.commit();
      } catch (e) {
        await fs.promises.rm(tmp, { force: true });
        throw e;
      }
    },

    async deleteArtifacts(artifactPath: string): Promise<void> {
      const target = localPathFor(root, normalized(artifactPath));
      await fs.promises.rm(target, { recursive: true, force: true });
      gc.dir(path.dirname(target));
      await gc.commit();
    },
  };
}

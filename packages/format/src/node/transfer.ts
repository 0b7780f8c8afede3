/**
 * Node helpers that move files between local disk and ANY ArtifactRepository, streaming (a multi-GB
 * file is never held in memory) and reporting progress as `onProgress(bytesDone, bytesTotal)`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactRepository } from '../artifact-repository.js';
import type { FileInfo } from '../entities.js';
import { MlflowError } from '../errors.js';
import { assertSafeArtifactPath } from '../model-uri/artifact-path.js';

export type ProgressCallback = (bytesDone: number, bytesTotal: number) => void;

const join = (...parts: (string | undefined)[]): string =>
  parts
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');

async function* counted(file: string, tick: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of fs.createReadStream(file)) {
    tick((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

function progress(total: number, onProgress?: ProgressCallback): (n: number) => void {
  let done = 0;
  onProgress?.(0, total);
  return (n) => {
    done += n;
    onProgress?.(done, total);
  };
}

/** Uploads one file to `<artifactPath>/<basename>` (MLflow's `log_artifact`). */
export async function logLocalFile(
  repo: ArtifactRepository,
  localPath: string,
  artifactPath?: string,
  onProgress?: ProgressCallback,
): Promise<void> {
  const st = await fs.promises.stat(localPath).catch(() => null);
  if (!st?.isFile()) throw MlflowError.invalidParameter(`Not a file: '${localPath}'`);
  const tick = progress(st.size, onProgress);
  await repo.writeArtifact(join(artifactPath, path.basename(localPath)), counted(localPath, tick));
}

async function walk(dir: string, rel: string, out: { local: string; rel: string; size: number }[]): Promise<void> {
  for (const d of await fs.promises.readdir(dir, { withFileTypes: true })) {
    const local = path.join(dir, d.name);
    const r = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) await walk(local, r, out);
    else if (d.isFile()) out.push({ local, rel: r, size: (await fs.promises.stat(local)).size });
  }
}

/** Uploads the contents of a directory under `artifactPath` (MLflow's `log_artifacts`). */
export async function logLocalDirectory(
  repo: ArtifactRepository,
  localDir: string,
  artifactPath?: string,
  onProgress?: ProgressCallback,
): Promise<void> {
  const st = await fs.promises.stat(localDir).catch(() => null);
  if (!st?.isDirectory()) throw MlflowError.invalidParameter(`Not a directory: '${localDir}'`);
  const files: { local: string; rel: string; size: number }[] = [];
  await walk(localDir, '', files);
  const tick = progress(
    files.reduce((s, f) => s + f.size, 0),
    onProgress,
  );
  for (const f of files) await repo.writeArtifact(join(artifactPath, f.rel), counted(f.local, tick));
}

async function listTree(repo: ArtifactRepository, dir: string, out: FileInfo[]): Promise<void> {
  for (const info of await repo.listArtifacts(dir)) {
    if (info.is_dir) await listTree(repo, info.path, out);
    else out.push(info);
  }
}

/**
 * Downloads a file or a directory tree to `dstDir/<artifactPath>` and returns that local path
 * (MLflow's `download_artifacts`). '' downloads everything under the repository root.
 */
export async function downloadArtifacts(
  repo: ArtifactRepository,
  artifactPath: string,
  dstDir: string,
  onProgress?: ProgressCallback,
): Promise<string> {
  const rel = join(artifactPath);
  const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
  const self = rel === '' ? undefined : (await repo.listArtifacts(parent)).find((f) => f.path === rel);
  const files: FileInfo[] = [];
  if (rel === '' || self?.is_dir) await listTree(repo, rel, files);
  else if (self) files.push(self);
  else throw MlflowError.notFound(`No such artifact: '${artifactPath}' under ${repo.rootUri}`);
  const tick = progress(
    files.reduce((s, f) => s + (f.file_size ?? 0), 0),
    onProgress,
  );
  const target = path.resolve(dstDir, ...rel.split('/').filter((s) => s !== ''));
  await fs.promises.mkdir(rel === '' || self?.is_dir ? target : path.dirname(target), { recursive: true });
  for (const f of files) {
    // A listing comes from the repository (maybe a remote server): its paths are checked like a client's.
    const local = path.resolve(dstDir, ...assertSafeArtifactPath(f.path).split('/'));
    await fs.promises.mkdir(path.dirname(local), { recursive: true });
    const source = await repo.readArtifact(f.path);
    await pipeline(
      (async function* () {
        for await (const chunk of source) {
          tick(chunk.length);
          yield chunk;
        }
      })(),
      fs.createWriteStream(local),
    );
  }
  return target;
}

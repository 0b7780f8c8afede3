/**
 * The server's own artifact storage under `--artifacts-destination`: every request path is checked
 * by the format's one path validator, then resolved and checked again against the root's realpath,
 * so neither `..` tricks nor symlinks planted inside the root reach outside it. Writes stream to a
 * temp file and rename, so memory stays constant and readers never see half a file.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, realpathSync } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository, ByteSource, FileInfo } from '@mlflow-ts/format';

export interface LocalArtifactRoot {
  readonly dir: string;
  /** Absolute path for a relative artifact path, refused unless it stays inside the root. */
  resolvePath(relPath: string): Promise<string>;
  /** One level of `relPath`, names only (the proxied `artifacts?path=` listing). */
  listNames(relPath: string): Promise<FileInfo[]>;
  repository(prefix: string, rootUri: string): ArtifactRepository;
}

function joinRel(a: string, b: string | undefined): string {
  if (!b) return a;
  return a ? `${a}/${b}` : b;
}

function outsideRoot(path: string): MlflowError {
  return MlflowError.invalidParameter(`Invalid path '${path}': it resolves outside the artifact root`);
}

export function createLocalArtifactRoot(dir: string): LocalArtifactRoot {
  const absRoot = resolve(dir);
  let rootReal: string | undefined;
  const realRoot = (): string => {
    rootReal ??= realpathSync(absRoot);
    return rootReal;
  };

  async function resolvePath(relPath: string): Promise<string> {
    if (relPath !== '') assertSafeArtifactPath(relPath);
    const rootDir = realRoot();
    const target = resolve(rootDir, relPath);
    if (target !== rootDir && !target.startsWith(rootDir + sep)) throw outsideRoot(relPath);
    // The deepest existing ancestor (or the target itself) must really live inside the root.
    let probe = target;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== rootDir && !real.startsWith(rootDir + sep)) throw outsideRoot(relPath);
        break;
      } catch (e) {
        if (MlflowError.isInstance(e)) throw e;
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        // A dangling symlink is an escape attempt we cannot judge; refuse it.
        const isLink = await lstat(probe).then(
          (s) => s.isSymbolicLink(),
          () => false,
        );
        if (isLink) throw outsideRoot(relPath);
        probe = dirname(probe);
      }
    }
    return target;
  }

  async function listDir(relPath: string, nameOf: (name: string) => string): Promise<FileInfo[]> {
    const abs = await resolvePath(relPath);
    const entries = await readdir(abs, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
      throw e;
    });
    const out: FileInfo[] = [];
    for (const entry of entries) {
      if (entry.name.includes('.tmp-upload-')) continue;
      const s = await stat(join(abs, entry.name)).catch(() => undefined);
      if (!s) continue;
      out.push(
        s.isDirectory()
          ? { path: nameOf(entry.name), is_dir: true }
          : { path: nameOf(entry.name), is_dir: false, file_size: s.size },
      );
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async function write(relPath: string, data: ByteSource): Promise<void> {
    if (!relPath) throw MlflowError.invalidParameter('An artifact path is required to write a file');
    const abs = await resolvePath(relPath);
    await mkdir(dirname(abs), { recursive: true });
    await resolvePath(relPath); // mkdir may have followed a symlinked parent: check again
    const tmp = `${abs}.tmp-upload-${randomBytes(6).toString('hex')}`;
    try {
      const source = data instanceof Uint8Array ? Readable.from([data]) : Readable.from(data);
      await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, abs);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  async function read(relPath: string): Promise<AsyncIterable<Uint8Array>> {
    const abs = await resolvePath(relPath);
    const s = await stat(abs).catch(() => undefined);
    if (!s || !s.isFile()) throw MlflowError.notFound(`Artifact '${relPath}' does not exist`);
    return createReadStream(abs, { highWaterMark: 256 * 1024 });
  }

  async function remove(relPath: string): Promise<void> {
    const abs = await resolvePath(relPath);
    // Last line of defence: whatever the spelling, the root directory itself is never removed.
    if (relPath === '' || abs === realRoot())
      throw MlflowError.invalidParameter('Refusing to delete the whole artifact root');
    await rm(abs, { recursive: true, force: true });
  }

  return {
    dir: absRoot,
    resolvePath,
    listNames: (relPath) => listDir(relPath, (name) => name),
    repository(prefix, rootUri) {
      return {
        specificationVersion: 'v1',
        rootUri,
        listArtifacts: (path) => {
          if (path) assertSafeArtifactPath(path);
          return listDir(joinRel(prefix, path), (name) => joinRel(path ?? '', name));
        },
        readArtifact: (path) => read(joinRel(prefix, assertSafeArtifactPath(path))),
        writeArtifact: (path, data) => {
          // `.`, `./` and the like name the directory itself, never a file to write.
          const rel = assertSafeArtifactPath(path);
          if (rel === '')
            throw MlflowError.invalidParameter(
              `Invalid artifact path: '${path}'. A file name is required to write an artifact`,
            );
          return write(joinRel(prefix, rel), data);
        },
        deleteArtifacts: (path) => remove(joinRel(prefix, assertSafeArtifactPath(path))),
      };
    },
  };
}

/** The relative path of `absPath` inside `rootDir`, or undefined when it lies outside. */
export function relativeInside(rootDir: string, absPath: string): string | undefined {
  const rel = relative(resolve(rootDir), resolve(absPath));
  if (rel === '') return '';
  if (rel.startsWith('..') || resolve(rel) === rel) return undefined;
  return rel.split(sep).join('/');
}

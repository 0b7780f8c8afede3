/**
 * The in-memory reference ArtifactRepository: files are byte arrays keyed by their relative path;
 * directories exist implicitly as prefixes of file paths. Writes collect the whole source before
 * the file becomes visible, so a failed or half-read source never leaves a partial file.
 */
import type { ArtifactRepository, ByteSource } from '../artifact-repository.js';
import type { FileInfo } from '../entities.js';
import { MlflowError } from '../errors.js';
import { assertSafeArtifactPath } from '../model-uri/index.js';

/** Reads are streamed in chunks of this size, like a file stream, to exercise consumers' chunk handling. */
const READ_CHUNK_SIZE = 64 * 1024;

/** Checked and normalised relative path; '' is the root. */
function normalise(path: string | undefined): string {
  return path === undefined ? '' : assertSafeArtifactPath(path);
}

async function collect(data: ByteSource): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data.slice();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of data) {
    chunks.push(chunk.slice());
    size += chunk.byteLength;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

async function* chunked(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  if (bytes.byteLength === 0) {
    yield new Uint8Array(0);
    return;
  }
  for (let i = 0; i < bytes.byteLength; i += READ_CHUNK_SIZE) yield bytes.slice(i, i + READ_CHUNK_SIZE);
}

export function createMemoryArtifactRepository(rootUri = 'memory:/'): ArtifactRepository {
  const files = new Map<string, Uint8Array>();

  const isDir = (path: string) => {
    const prefix = `${path}/`;
    for (const f of files.keys()) if (f.startsWith(prefix)) return true;
    return false;
  };

  return {
    specificationVersion: 'v1',
    rootUri,

    async listArtifacts(path) {
      const dir = normalise(path);
      const prefix = dir ? `${dir}/` : '';
      const entries = new Map<string, FileInfo>();
      for (const [file, bytes] of files) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash === -1) {
          entries.set(file, { path: file, is_dir: false, file_size: bytes.byteLength });
        } else {
          const sub = prefix + rest.slice(0, slash);
          entries.set(sub, { path: sub, is_dir: true });
        }
      }
      return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async readArtifact(path) {
      const p = normalise(path);
      const bytes = files.get(p);
      if (!bytes) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No such artifact: '${path}' under ${rootUri}`);
      return chunked(bytes);
    },

    async writeArtifact(path, data) {
      const p = normalise(path);
      if (!p)
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid artifact path: '${path}' names the root directory`);
      const bytes = await collect(data);
      if (isDir(p))
        throw new MlflowError('INVALID_PARAMETER_VALUE', `Cannot write artifact '${path}': it is a directory`);
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (files.has(parent)) {
          throw new MlflowError('INVALID_PARAMETER_VALUE', `Cannot write artifact '${path}': '${parent}' is a file`);
        }
      }
      files.set(p, bytes);
    },

    async deleteArtifacts(path) {
      const p = normalise(path);
      const prefix = p ? `${p}/` : '';
      for (const f of [...files.keys()]) if (f === p || f.startsWith(prefix)) files.delete(f);
    },
  };
}

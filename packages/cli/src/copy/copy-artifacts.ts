/**
 * Copies one artifact tree between repositories, streaming file by file. A file already in the
 * target with the same size is taken as copied (a resumed copy does not move it again; writes are
 * atomic in every repository, so a present file is a whole file).
 */
import { MlflowError, type ArtifactRepository, type FileInfo } from '@mlflow-ts/format';

export interface ArtifactCopyResult {
  files: number;
  bytes: number;
}

async function listOrEmpty(repo: ArtifactRepository, path?: string): Promise<FileInfo[]> {
  try {
    return await repo.listArtifacts(path);
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'RESOURCE_DOES_NOT_EXIST') return [];
    throw e;
  }
}

export async function copyArtifactTree(
  from: ArtifactRepository,
  to: ArtifactRepository,
  beforeWrite: () => void = () => undefined,
): Promise<ArtifactCopyResult> {
  const result: ArtifactCopyResult = { files: 0, bytes: 0 };
  const walk = async (dir: string | undefined): Promise<void> => {
    const [entries, existing] = await Promise.all([listOrEmpty(from, dir), listOrEmpty(to, dir)]);
    const there = new Map(existing.map((f) => [f.path, f]));
    for (const entry of entries) {
      if (entry.is_dir) {
        await walk(entry.path);
        continue;
      }
      const have = there.get(entry.path);
      if (have && !have.is_dir && have.file_size === entry.file_size) continue;
      beforeWrite();
      await to.writeArtifact(entry.path, await from.readArtifact(entry.path));
      result.files++;
      result.bytes += entry.file_size ?? 0;
    }
  };
  await walk(undefined);
  return result;
}

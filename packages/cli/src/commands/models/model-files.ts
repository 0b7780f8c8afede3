/** Reading a local model directory: its MLmodel (parsed and validated), signature and file sizes. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, parseMLmodel, parseSignature } from '@mlflow-ts/format';
import type { MLmodel, ModelSignature } from '@mlflow-ts/format';

export interface ModelFile {
  /** '/'-separated, relative to the model directory. */
  path: string;
  size: number;
}

/** Every regular file under `dir`, sorted by path. */
export async function listModelFiles(dir: string): Promise<ModelFile[]> {
  const out: ModelFile[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push({ path: p, size: (await stat(path.join(dir, p))).size });
    }
  }
  await walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Parses and validates `<dir>/MLmodel`; any problem becomes one MlflowError naming the file. */
export async function readMLmodel(dir: string): Promise<MLmodel> {
  const file = path.join(dir, 'MLmodel');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw MlflowError.invalidParameter(`Invalid model: no MLmodel file in ${dir}`);
  }
  try {
    return parseMLmodel(text); // parses and validates
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw MlflowError.invalidParameter(`Invalid MLmodel ${file}: ${reason}`);
  }
}

/** The model signature, or undefined when the MLmodel has none. */
export function signatureOf(mlmodel: MLmodel): ModelSignature | undefined {
  const raw = mlmodel.signature as unknown;
  if (raw === undefined || raw === null) return undefined;
  return parseSignature(raw as Parameters<typeof parseSignature>[0]);
}

/**
 * Run inputs (datasets, models) and outputs (logged models) as MLflow's FileStore links them:
 * `<run>/inputs/<md5(source_id + run_id)>/meta.yaml`, `<run>/outputs/<model_id>/meta.yaml`, and the
 * dataset records in `<exp>/datasets/<md5(name + digest)>/meta.yaml`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Dataset, DatasetInput, ModelInputRef, ModelOutputRef } from '@mlflow-ts/format';
import { parseYaml } from '../yaml-file.js';

export const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
export const datasetId = (d: { name: string; digest: string }): string => md5(d.name + d.digest);

/** `_FileStoreInput`/`_FileStoreOutput` dicts; MLflow writes the source id into destination_id too. */
export function inputLinkMeta(
  sourceType: 'DATASET' | 'MODEL',
  sourceId: string,
  tags: Record<string, string>,
): Record<string, unknown> {
  return { destination_id: sourceId, destination_type: 'RUN', source_id: sourceId, source_type: sourceType, tags };
}

export function outputLinkMeta(modelId: string, step: number): Record<string, unknown> {
  return {
    destination_id: modelId,
    destination_type: 'MODEL_OUTPUT',
    source_id: modelId,
    source_type: 'RUN_OUTPUT',
    step,
    tags: {},
  };
}

export function datasetMeta(d: Dataset): Record<string, unknown> {
  return {
    digest: d.digest,
    name: d.name,
    profile: d.profile ?? null,
    schema: d.schema ?? null,
    source: d.source,
    source_type: d.source_type,
  };
}

function readYamlDir(dir: string): Record<string, unknown> | null {
  try {
    const data = parseYaml(fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8'));
    return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function readDataset(expDir: string, id: string): Dataset | null {
  const m = readYamlDir(path.join(expDir, 'datasets', id));
  if (!m || m.name == null || m.digest == null) return null;
  const d: Dataset = {
    name: String(m.name),
    digest: String(m.digest),
    source_type: String(m.source_type ?? ''),
    source: String(m.source ?? ''),
  };
  if (m.schema != null) d.schema = String(m.schema);
  if (m.profile != null) d.profile = String(m.profile);
  return d;
}

export interface RunLinks {
  datasetInputs: DatasetInput[];
  modelInputs: ModelInputRef[];
  modelOutputs: ModelOutputRef[];
}

export function readRunLinks(runDir: string, expDir: string, warn: (msg: string) => void): RunLinks {
  const links: RunLinks = { datasetInputs: [], modelInputs: [], modelOutputs: [] };
  for (const id of subdirs(path.join(runDir, 'inputs'))) {
    const m = readYamlDir(path.join(runDir, 'inputs', id));
    if (!m) {
      warn(`skipping unreadable input link ${path.join(runDir, 'inputs', id)}`);
      continue;
    }
    if (m.source_type === 'MODEL') {
      links.modelInputs.push({ model_id: String(m.source_id) });
      continue;
    }
    const dataset = readDataset(expDir, String(m.source_id));
    if (!dataset) {
      warn(`skipping input link ${id}: dataset ${String(m.source_id)} not found`);
      continue;
    }
    const tagMap = (typeof m.tags === 'object' && m.tags !== null ? m.tags : {}) as Record<string, unknown>;
    const tags = Object.entries(tagMap).map(([key, value]) => ({ key, value: String(value) }));
    links.datasetInputs.push({ tags, dataset });
  }
  for (const modelId of subdirs(path.join(runDir, 'outputs'))) {
    const m = readYamlDir(path.join(runDir, 'outputs', modelId));
    if (!m) {
      warn(`skipping unreadable output link ${path.join(runDir, 'outputs', modelId)}`);
      continue;
    }
    links.modelOutputs.push({ model_id: String(m.source_id ?? modelId), step: Number(m.step ?? 0) });
  }
  return links;
}

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMLmodel } from '../mlmodel/mlmodel-yaml.js';
import { directorySize, installedPackageVersion, writeModelFiles } from './model-directory.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mlflow-ts-model-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeModelFiles', () => {
  it.each([
    [
      'without Python files',
      undefined,
      ['MLmodel', 'input_example.json', 'model.bin', 'node_env.json', 'serving_input_example.json'],
    ],
    [
      'with Python files',
      { version: '3.11.5', pipRequirements: ['onnx==1.17.0'] },
      [
        'MLmodel',
        'conda.yaml',
        'input_example.json',
        'model.bin',
        'node_env.json',
        'python_env.yaml',
        'requirements.txt',
        'serving_input_example.json',
      ],
    ],
  ])('writes MLmodel, the example and the environment files %s', async (_, python, expected) => {
    await writeFile(path.join(dir, 'model.bin'), new Uint8Array(100));
    const written = await writeModelFiles(dir, {
      flavors: { demo: { data: 'model.bin' } },
      inputExample: { columns: ['a'], data: [[1]] },
      metadata: { owner: 'me' },
      extra: { run_id: 'r1' },
      npmDependencies: { 'demo-flavor': '1.0.0' },
      python,
    });
    expect((await readdir(dir)).sort()).toEqual(expected);
    const onDisk = parseMLmodel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
    expect(onDisk).toEqual(written);
    expect(onDisk.flavors.demo).toEqual({ data: 'model.bin' });
    expect(onDisk.saved_input_example_info?.artifact_path).toBe('input_example.json');
    expect(onDisk.metadata).toEqual({ owner: 'me' });
    expect(onDisk.run_id).toBe('r1');
    // Measured before MLmodel and the environment files: the data and the example only.
    const example = (await readFile(path.join(dir, 'input_example.json'))).length;
    const serving = (await readFile(path.join(dir, 'serving_input_example.json'))).length;
    expect(onDisk.model_size_bytes).toBe(100 + example + serving);
    expect(onDisk.model_size_bytes).toBeLessThan(await directorySize(dir));
    expect(JSON.parse(await readFile(path.join(dir, 'node_env.json'), 'utf8')).dependencies).toEqual({
      'demo-flavor': '1.0.0',
    });
    if (python) expect(await readFile(path.join(dir, 'requirements.txt'), 'utf8')).toContain('onnx==1.17.0');
  });
});

describe('installedPackageVersion', () => {
  it('reads the version of a package this module resolves, and says unknown for a missing one', async () => {
    const yamlPackageJson = createRequire(import.meta.url).resolve('yaml/package.json');
    const yamlPackage = JSON.parse(await readFile(yamlPackageJson, 'utf8')) as { version: string };
    expect(installedPackageVersion('yaml', import.meta.url)).toBe(yamlPackage.version);
    expect(installedPackageVersion('no-such-package-mlflow-ts', import.meta.url)).toBe('unknown');
  });
});

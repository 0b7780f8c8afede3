import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  condaYaml,
  nodeEnvJson,
  pythonEnvYaml,
  registeredModelMetaYaml,
  requirementsTxt,
  withMlflowRequirement,
} from './environment-files.js';
import { safeLoadYaml } from './pyyaml-load.js';

const fixturesRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures');
const read = (rel: string) => readFileSync(path.join(fixturesRoot, rel), 'utf8');

// Directories whose env files MLflow wrote untouched (the mlflow/tests/resources copies were
// reformatted by the repo's prettier: indented lists, trailing newlines).
const WINE =
  '160103126__mlflow-fastapi-wine/mlruns/895387645806649699/models/m-7b5b292a66ea4824a2aaedc5c3ea4bf4/artifacts';
const ONNX = 'zakharovart01__mlops/onnx_model';
const PIMA = 'SubaashNair__pima-diabetes-mlflow/model';

describe('environment files', () => {
  for (const dir of [WINE, ONNX, PIMA]) {
    it(`reproduces conda.yaml and requirements.txt of ${dir.split('/')[0]}`, () => {
      const requirements = read(`${dir}/requirements.txt`);
      const conda = safeLoadYaml(read(`${dir}/conda.yaml`)) as { dependencies: [string, string, { pip: string[] }] };
      const pythonVersion = conda.dependencies[0].replace('python=', '');
      const pipVersion = conda.dependencies[1].replace('pip<=', '');
      // 3.x writes no trailing newline; the 2.8.1 copy in the onnx fixture ends with one.
      const lines = requirements.trimEnd().split('\n');
      expect(requirementsTxt(lines)).toBe(dir === ONNX ? requirements.trimEnd() : requirements);
      expect(condaYaml({ pythonVersion, pipVersion, pipRequirements: lines })).toBe(read(`${dir}/conda.yaml`));
    });
  }

  for (const dir of [WINE, ONNX]) {
    it(`reproduces python_env.yaml of ${dir.split('/')[0]}`, () => {
      const text = read(`${dir}/python_env.yaml`);
      const env = safeLoadYaml(text) as { python: string; build_dependencies: string[] };
      expect(pythonEnvYaml({ pythonVersion: env.python, buildDependencies: env.build_dependencies })).toBe(text);
    });
  }

  it('reproduces registered_model_meta', () => {
    expect(registeredModelMetaYaml({ modelName: 'wine-quality-predictor', modelVersion: 2 })).toBe(
      read(`${WINE}/registered_model_meta`),
    );
    expect(registeredModelMetaYaml({ modelName: 'pima_diabetes_rf_classifier', modelVersion: '2' })).toBe(
      read(`${PIMA}/registered_model_meta`),
    );
  });

  it('puts mlflow first only when no line requires it', () => {
    expect(withMlflowRequirement(['onnx==1.15.0'], '3.6.0')).toEqual(['mlflow==3.6.0', 'onnx==1.15.0']);
    expect(withMlflowRequirement(['bcrypt==3.2.0', 'mlflow[gateway]==2.12.2'])).toEqual([
      'bcrypt==3.2.0',
      'mlflow[gateway]==2.12.2',
    ]);
    expect(requirementsTxt(['onnxruntime'], '3.6.0')).toBe('mlflow==3.6.0\nonnxruntime');
    expect(condaYaml({ pythonVersion: '3.11.5', pipRequirements: ['onnx'] })).toBe(
      'channels:\n- conda-forge\ndependencies:\n- python=3.11.5\n- pip\n- pip:\n  - mlflow==3.6.0\n  - onnx\nname: mlflow-env\n',
    );
  });

  it('writes python_env.yaml in MLflow key order with defaults, dropping empty keys', () => {
    expect(pythonEnvYaml({ pythonVersion: '3.11.5' })).toBe(
      'python: 3.11.5\nbuild_dependencies:\n- pip\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n',
    );
    expect(pythonEnvYaml({ pythonVersion: '3.10', buildDependencies: [] })).toBe(
      "python: '3.10'\ndependencies:\n- -r requirements.txt\n",
    );
  });

  it('writes node_env.json with sorted dependencies', () => {
    const text = nodeEnvJson({ dependencies: { 'onnxruntime-node': '^1.20.0', '@mlflow-ts/flavor-onnx': '^0.1.0' } });
    expect(JSON.parse(text)).toEqual({
      node: '>=20',
      dependencies: { '@mlflow-ts/flavor-onnx': '^0.1.0', 'onnxruntime-node': '^1.20.0' },
    });
    expect(Object.keys(JSON.parse(text).dependencies)).toEqual(['@mlflow-ts/flavor-onnx', 'onnxruntime-node']);
    expect(text.endsWith('}\n')).toBe(true);
  });
});

import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import type { TrackingStore } from '@mlflow-ts/format';
import { cliOk, fixturesRoot, runCli, useTempDir } from '../../../test/cli-harness.js';

const onnxModel = path.join(fixturesRoot, 'zakharovart01__mlops/onnx_model');
const pimaModel = path.join(fixturesRoot, 'SubaashNair__pima-diabetes-mlflow/model');
const pyfunc271 = path.join(fixturesRoot, 'mlflow/tests/resources/pyfunc_models/2.7.1');

const tmp = useTempDir();

describe('mlflow-ts models inspect', () => {
  it('reports flavors, tensor-free ColSpec signature, input example and sizes of a real MLflow model', async () => {
    const report = JSON.parse(await cliOk(['models', 'inspect', pimaModel, '--json']));
    expect(Object.keys(report.flavors).sort()).toEqual(['python_function', 'xgboost']);
    expect(report.flavors.python_function.loader_module).toBe('mlflow.xgboost');
    expect(report.signature.inputs).toHaveLength(8);
    expect(report.signature.inputs[0]).toEqual({ type: 'long', name: 'pregnancies', required: true });
    expect(report.signature.outputs).toEqual([{ type: 'long', required: true }]);
    expect(report.input_example).toMatchObject({
      file: 'input_example.json',
      info: { type: 'dataframe', pandas_orient: 'split', serving_input_path: 'serving_input_example.json' },
    });
    const files: { path: string; size: number }[] = report.files;
    expect(files.map((f) => f.path)).toContain('MLmodel');
    let total = 0;
    for (const f of files) total += (await stat(path.join(pimaModel, f.path))).size;
    expect(report.total_size_bytes).toBe(total);
    expect(report).toMatchObject({
      model_size_bytes: 458664,
      run_id: '9ecfdb0daff5428bbc728112608cbfd7',
      mlflow_version: '3.12.0',
    });

    const human = await cliOk(['models', 'inspect', pimaModel]);
    expect(human).toContain('python_function: ');
    expect(human).toContain('pregnancies: long');
    expect(human).toContain('Input example: input_example.json (type dataframe, orient split');
  });

  it('accepts the MLmodel file itself and a file: URI; a model without signature says so', async () => {
    const viaFile = JSON.parse(await cliOk(['models', 'inspect', path.join(onnxModel, 'MLmodel'), '--json']));
    expect(viaFile.flavors.onnx.data).toBe('model.onnx');
    expect(viaFile.signature).toBeNull();
    expect(viaFile.model_size_bytes).toBe(298);
    const viaUri = JSON.parse(await cliOk(['models', 'inspect', pathToFileURL(pyfunc271).href, '--json']));
    expect(Object.keys(viaUri.flavors)).toEqual(['python_function']);
    expect(await cliOk(['models', 'inspect', onnxModel])).toContain('Signature: none');
  });

  it('exits 1 with one line for invalid models', async () => {
    const broken = path.join(tmp.dir, 'broken');
    await mkdir(broken);
    await writeFile(path.join(broken, 'MLmodel'), 'flavors: [1, 2]\n');
    const r = await runCli(['models', 'inspect', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): Invalid MLmodel .*flavors.*\n$/);

    const empty = path.join(tmp.dir, 'empty');
    await mkdir(empty);
    const none = await runCli(['models', 'inspect', empty]);
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toContain('no MLmodel file');

    const noExample = path.join(tmp.dir, 'no-example');
    await cp(pimaModel, noExample, { recursive: true });
    await writeFile(path.join(noExample, 'input_example.json'), '');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(noExample, 'input_example.json'));
    const missingExample = await runCli(['models', 'inspect', noExample]);
    expect(missingExample.code).toBe(1);
    expect(missingExample.stderr).toContain("input example file 'input_example.json' named in MLmodel is missing");

    const missing = await runCli(['models', 'inspect', path.join(tmp.dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('inspects runs:/<run_id>/<path> through the tracking store', async () => {
    const uri = path.join(tmp.dir, 'mlruns');
    const store: TrackingStore = createFsTrackingStore({ root: uri });
    const runId = (await store.createRun({ experiment_id: '0', start_time: 1, tags: [] })).info.run_id;
    await cliOk(['artifacts', 'log', '-r', runId, '-l', pimaModel, '-a', 'model', '--backend-store-uri', uri]);
    const report = JSON.parse(
      await cliOk(['models', 'inspect', `runs:/${runId}/model`, '--json', '--backend-store-uri', uri]),
    );
    expect(report.signature.inputs).toHaveLength(8);
    expect(report.path).toBe(`runs:/${runId}/model`);
    await store.close?.();
  });
});

describe('mlflow-ts models validate-input', () => {
  it('normalizes a valid scoring payload against the signature', async () => {
    const out = await cliOk([
      'models',
      'validate-input',
      pimaModel,
      '--input',
      path.join(pimaModel, 'serving_input_example.json'),
    ]);
    const body = JSON.parse(out);
    expect(body.input.kind).toBe('dataframe');
    expect(body.input.columns).toEqual([
      'pregnancies',
      'glucose',
      'diastolic',
      'triceps',
      'insulin',
      'bmi',
      'dpf',
      'age',
    ]);
    const served = JSON.parse(await readFile(path.join(pimaModel, 'serving_input_example.json'), 'utf8'));
    expect(body.input.rows).toEqual(served.dataframe_split.data);
  });

  it('reads CSV with --content-type csv', async () => {
    const csv = path.join(tmp.dir, 'in.csv');
    await writeFile(csv, 'pregnancies,glucose,diastolic,triceps,insulin,bmi,dpf,age\n1,2,3,4,5,6.5,0.25,30\n');
    const body = JSON.parse(await cliOk(['models', 'validate-input', pimaModel, '-i', csv, '-t', 'csv']));
    expect(body.input.rows).toEqual([[1, 2, 3, 4, 5, 6.5, 0.25, 30]]);
  });

  it('prints the precise error and exits 1 when a required column is missing', async () => {
    const bad = path.join(tmp.dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ dataframe_split: { columns: ['pregnancies'], data: [[1]] } }));
    const r = await runCli(['models', 'validate-input', pimaModel, '--input', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error \(.*\): .*glucose.*\n$/);
    const badType = await runCli(['models', 'validate-input', pimaModel, '--input', bad, '--content-type', 'xml']);
    expect(badType).toMatchObject({ code: 1, stderr: "Error: --content-type must be json or csv, got 'xml'\n" });
  });
});

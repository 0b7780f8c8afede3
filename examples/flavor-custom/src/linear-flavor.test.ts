import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  MLMODEL_FILE_NAME,
  MlflowError,
  createFlavorRegistry,
  createMLmodelSchema,
  enforceSchema,
  parseJsonText,
  parseMLmodel,
  parseSignature,
  serializeMLmodel,
  validateMLmodel,
} from '@mlflow-ts/format';
import type { EnforcedInput, MLmodel, ModelSignature } from '@mlflow-ts/format';
import { expectMlflowError, flavorScratchDir, runFlavorConformance } from '@mlflow-ts/format/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LINEAR_PACKAGE_NAME, linearFlavor } from './linear-flavor.js';
import type { LinearModel } from './linear-model.js';

const scratch = () => flavorScratchDir('flavor-linear-');

/** Softmax by hand, for the expected values below. */
function softmax(logits: number[]): number[] {
  const exps = logits.map((z) => Math.exp(z));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

// The same suite every built-in flavor runs, once per input kind and activation.
runFlavorConformance('linear (tensor input, identity)', async () => ({
  flavor: linearFlavor(),
  model: { weights: [[2], [3]], bias: [1], activation: 'identity' } satisfies LinearModel,
  input: { kind: 'tensor', tensor: { dtype: 'float64', shape: [2, 2], data: Float64Array.from([1, 1, 0.5, -2]) } },
  // 2·x1 + 3·x2 + 1: (1, 1) → 6, (0.5, −2) → −4.
  expected: [6, -4],
  ...(await scratch()),
}));

runFlavorConformance('linear (data frame input, softmax)', async () => ({
  flavor: linearFlavor(),
  model: {
    weights: [
      [1, -1, 0],
      [0.5, 0.5, 2],
    ],
    bias: [0, 0.1, -0.1],
    activation: 'softmax',
  } satisfies LinearModel,
  input: {
    kind: 'dataframe',
    columns: ['x1', 'x2'],
    rows: [
      [1, 2],
      [0, 0],
      [-3, 1.5],
    ],
  },
  // logits = [x1 + 0.5·x2, −x1 + 0.5·x2 + 0.1, 2·x2 − 0.1], then softmax.
  expected: [softmax([2, 0.1, 3.9]), softmax([0, 0.1, -0.1]), softmax([-2.25, 3.85, 2.9])],
  ...(await scratch()),
}));

const { tmpDir, cleanup } = await scratch();
afterAll(cleanup);
let n = 0;
const fresh = () => path.join(tmpDir, `m${n++}`);
const readMLmodel = async (dir: string) => parseMLmodel(await readFile(path.join(dir, MLMODEL_FILE_NAME), 'utf8'));

async function saveAndLoad(model: LinearModel, options?: Parameters<ReturnType<typeof linearFlavor>['save']>[2]) {
  const flavor = linearFlavor();
  const dir = fresh();
  await flavor.save(model, dir, options);
  const mlmodel = await readMLmodel(dir);
  return { dir, mlmodel, loaded: await flavor.load(dir, mlmodel) };
}

const tensor = (rows: number[][]): EnforcedInput => ({
  kind: 'tensor',
  tensor: { dtype: 'float64', shape: [rows.length, rows[0]!.length], data: Float64Array.from(rows.flat()) },
});

describe('linearFlavor predictions (hand-computed)', () => {
  it('weights [[2],[3]], bias [1] on [[1,1]] gives 6, from tensors and data frames alike', async () => {
    const { loaded } = await saveAndLoad({ weights: [[2], [3]], bias: [1], activation: 'identity' });
    expect(await loaded.predict(tensor([[1, 1]]))).toEqual([6]);
    expect(
      await loaded.predict(
        tensor([
          [1, 1],
          [0, 0],
          [2, -1],
        ]),
      ),
    ).toEqual([6, 1, 2]);
    expect(
      await loaded.predict({
        kind: 'dataframe',
        columns: ['a', 'b'],
        rows: [
          [1, 1],
          [10, 0],
        ],
      }),
    ).toEqual([6, 21]);
  });

  it('several outputs come back as one list per row (ndarray.tolist())', async () => {
    const { loaded } = await saveAndLoad({
      weights: [
        [1, 0],
        [0, 1],
      ],
      bias: [0, 10],
      activation: 'identity',
    });
    expect(
      await loaded.predict(
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ),
    ).toEqual([
      [3, 14],
      [5, 16],
    ]);
  });

  it('logistic regression: sigmoid of x·w + b', async () => {
    const { loaded } = await saveAndLoad({ weights: [[1], [1]], bias: [-1], activation: 'sigmoid' });
    const [p0, p1] = (await loaded.predict(
      tensor([
        [0.5, 0.5],
        [1, 1],
      ]),
    )) as number[];
    expect(p0).toBe(0.5);
    expect(p1).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
  });

  it('scores a JSON payload end to end through the saved signature (enforceSchema → predict)', async () => {
    const { mlmodel, loaded } = await saveAndLoad({ weights: [[2], [3]], bias: [1], activation: 'identity' });
    const signature = parseSignature(mlmodel.signature as never);
    const payload = parseJsonText('{"inputs": [[1, 1], [2, 2]]}');
    expect(await loaded.predict(enforceSchema(payload.input, signature.inputs))).toEqual([6, 11]);
    await expectMlflowError(
      Promise.resolve().then(() => enforceSchema(parseJsonText('{"inputs": [[1, 1, 1]]}').input, signature.inputs)),
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('refuses input of the wrong width with INVALID_PARAMETER_VALUE', async () => {
    const { loaded } = await saveAndLoad({ weights: [[2], [3]], bias: [1], activation: 'identity' });
    await expectMlflowError(loaded.predict(tensor([[1, 2, 3]])), 'INVALID_PARAMETER_VALUE');
  });
});

describe('linearFlavor save', () => {
  it('writes model.json, an MLmodel that validates with the flavor schema, and node_env.json naming this package', async () => {
    const flavor = linearFlavor();
    const dir = fresh();
    const returned = await flavor.save({ weights: [[2], [3]], bias: [1], activation: 'identity' }, dir, {
      metadata: { team: 'ml' },
    });
    expect((await readdir(dir)).sort()).toEqual([MLMODEL_FILE_NAME, 'model.json', 'node_env.json']);
    const text = await readFile(path.join(dir, MLMODEL_FILE_NAME), 'utf8');
    const parsed = parseMLmodel(text);
    const checked = createMLmodelSchema({ linear: flavor.configSchema }).parse(parsed);
    expect(checked.flavors.linear).toEqual({
      format_version: 1,
      data: 'model.json',
      activation: 'identity',
      n_features: 2,
      n_outputs: 1,
    });
    expect(checked).toMatchObject({
      metadata: { team: 'ml' },
      mlflow_version: expect.any(String),
      model_uuid: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(parsed.model_size_bytes).toBe((await readFile(path.join(dir, 'model.json'))).length);
    expect(returned).toEqual(parsed);
    // What we write reads back unchanged (MLflow's layout, written by the format package).
    expect(serializeMLmodel(parsed)).toBe(text);
    expect(JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'))).toEqual({
      weights: [[2], [3]],
      bias: [1],
      activation: 'identity',
    });
    const nodeEnv = JSON.parse(await readFile(path.join(dir, 'node_env.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(nodeEnv.dependencies).toEqual({ [LINEAR_PACKAGE_NAME]: '0.1.0' });
  });

  it('a section that breaks the flavor schema fails createMLmodelSchema / validateMLmodel', async () => {
    const { mlmodel } = await saveAndLoad({ weights: [[2], [3]], bias: [1], activation: 'identity' });
    const schemas = { linear: linearFlavor().configSchema };
    const broken: MLmodel = { ...mlmodel, flavors: { linear: { ...mlmodel.flavors.linear, n_features: 0 } } };
    expect(createMLmodelSchema(schemas).safeParse(broken).success).toBe(false);
    expect(() => validateMLmodel(broken, schemas)).toThrow(/flavors\.linear\.n_features/);
    const noData: MLmodel = { ...mlmodel, flavors: { linear: { ...mlmodel.flavors.linear, data: undefined } } };
    expect(() => validateMLmodel(noData, schemas)).toThrow(/'flavors\.linear\.data' is missing/);
  });

  it('writes a float64 TensorSpec signature by default, one given as-is, or one inferred from an input example', async () => {
    const model: LinearModel = {
      weights: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      bias: [0, 0],
      activation: 'softmax',
    };
    const auto = parseSignature((await saveAndLoad(model)).mlmodel.signature as never);
    expect(auto).toEqual({
      inputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 3] } }],
      outputs: [{ type: 'tensor', 'tensor-spec': { dtype: 'float64', shape: [-1, 2] } }],
    });
    const given: ModelSignature = {
      inputs: [
        { name: 'a', type: 'double', required: true },
        { name: 'b', type: 'double', required: true },
        { name: 'c', type: 'double', required: true },
      ],
    };
    expect(parseSignature((await saveAndLoad(model, { signature: given })).mlmodel.signature as never)).toEqual(given);

    const example = { kind: 'dataframe', columns: ['a', 'b', 'c'], rows: [[0.5, 1.5, 2.5]] };
    const { dir, mlmodel, loaded } = await saveAndLoad(model, { inputExample: example });
    const inferred = parseSignature(mlmodel.signature as never);
    expect(inferred.inputs.map((c) => [c.name, c.type])).toEqual([
      ['a', 'double'],
      ['b', 'double'],
      ['c', 'double'],
    ]);
    expect(mlmodel.saved_input_example_info).toMatchObject({ artifact_path: 'input_example.json', type: 'dataframe' });
    expect(JSON.parse(await readFile(path.join(dir, 'input_example.json'), 'utf8'))).toEqual({
      columns: ['a', 'b', 'c'],
      data: [[0.5, 1.5, 2.5]],
    });
    // Columns sent out of order are put in signature order before the flavor sees them.
    const frame = enforceSchema(
      parseJsonText('{"dataframe_records": [{"c": 1, "b": 0, "a": 0}]}').input,
      inferred.inputs,
    );
    const [[p0, p1]] = (await loaded.predict(frame)) as number[][] as [number[]];
    expect(p0! + p1!).toBeCloseTo(1, 15);
    expect(p0).toBeCloseTo(0.5, 15);
  });

  it('refuses a bad model before writing anything', async () => {
    const dir = fresh();
    await expectMlflowError(
      linearFlavor().save({ weights: [[1, 2]], bias: [0], activation: 'identity' }, dir),
      'INVALID_PARAMETER_VALUE',
    );
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('linearFlavor load', () => {
  async function saved() {
    const flavor = linearFlavor();
    const dir = fresh();
    const mlmodel = await flavor.save({ weights: [[2], [3]], bias: [1], activation: 'identity' }, dir);
    return { flavor, dir, mlmodel };
  }

  it('is found by an explicit registry from the MLmodel it wrote', async () => {
    const { mlmodel } = await saved();
    const registry = createFlavorRegistry([linearFlavor()]);
    expect(registry.names()).toEqual(['linear']);
    expect(registry.resolve(mlmodel)?.name).toBe('linear');
  });

  it('refuses an MLmodel without the linear section or with a broken one', async () => {
    const { flavor, dir, mlmodel } = await saved();
    await expect(flavor.load(dir, { ...mlmodel, flavors: { onnx: {} } })).rejects.toThrow(
      /has no 'linear' flavor \(it has \[onnx\]\)/,
    );
    const v2 = { ...mlmodel, flavors: { linear: { ...mlmodel.flavors.linear, format_version: 2 } } };
    await expect(flavor.load(dir, v2)).rejects.toThrow(/flavors\.linear\.format_version/);
  });

  it('refuses data outside the model directory, a missing file, and a model.json that disagrees with MLmodel', async () => {
    const { flavor, dir, mlmodel } = await saved();
    const withData = (data: string): MLmodel => ({
      ...mlmodel,
      flavors: { linear: { ...mlmodel.flavors.linear, data } },
    });
    await expectMlflowError(flavor.load(dir, withData('../m0/model.json')), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(flavor.load(dir, withData('gone.json')), 'RESOURCE_DOES_NOT_EXIST');
    await writeFile(path.join(dir, 'bad.json'), '{ not json');
    await expectMlflowError(flavor.load(dir, withData('bad.json')), 'INVALID_PARAMETER_VALUE');
    await writeFile(
      path.join(dir, 'wide.json'),
      JSON.stringify({ weights: [[1], [2], [3]], bias: [0], activation: 'identity' }),
    );
    const err = await flavor.load(dir, withData('wide.json')).catch((e: unknown) => e);
    expect(MlflowError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/holds a 3→1 identity model but MLmodel declares 2→1 identity/);
  });
});

describe('the package entry (what a --flavor plugin loader imports)', () => {
  it('exports a default factory and a named `flavor` factory', async () => {
    const mod = await import('./index.js');
    expect(mod.default().name).toBe('linear');
    expect(mod.flavor().specificationVersion).toBe('v1');
    expect(mod.linearFlavor().dependencies?.npm).toEqual({ [LINEAR_PACKAGE_NAME]: '^0.1.0' });
  });
});

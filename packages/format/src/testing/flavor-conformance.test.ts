import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MlflowError } from '../errors.js';
import type { Flavor } from '../flavor.js';
import { createMLmodel, MLMODEL_FILE_NAME, serializeMLmodel } from '../mlmodel/index.js';
import { describe, expect, it } from 'vitest';
import { expectPredictionClose, flavorScratchDir, runFlavorConformance } from './flavor-conformance.js';

/** A minimal third-party-style flavor: a linear model stored as JSON. */
interface LinearModel {
  weights: number[];
  bias: number;
}

const LinearConfig = z.object({ data: z.string(), n_features: z.number().int().positive() });

function linearFlavor(): Flavor<LinearModel, z.infer<typeof LinearConfig>> {
  return {
    specificationVersion: 'v1',
    name: 'linear_json',
    configSchema: LinearConfig,
    async save(model, path) {
      const existing = await readdir(path).catch(() => []);
      if (existing.length > 0)
        throw new MlflowError('RESOURCE_ALREADY_EXISTS', `Path '${path}' already exists and is not empty`);
      await mkdir(path, { recursive: true });
      await writeFile(join(path, 'model.json'), JSON.stringify(model));
      const mlmodel = createMLmodel({
        flavors: { linear_json: { data: 'model.json', n_features: model.weights.length } },
      });
      await writeFile(join(path, MLMODEL_FILE_NAME), serializeMLmodel(mlmodel));
      return mlmodel;
    },
    async load(path, mlmodel) {
      const config = LinearConfig.parse(mlmodel.flavors.linear_json);
      const model = JSON.parse(await readFile(join(path, config.data), 'utf8')) as LinearModel;
      return {
        metadata: mlmodel,
        async predict(input) {
          if (input.kind !== 'dataframe')
            throw new MlflowError('INVALID_PARAMETER_VALUE', `linear_json needs a dataframe, got ${input.kind}`);
          return input.rows.map((row) =>
            row.reduce<number>((sum, v, i) => sum + Number(v) * (model.weights[i] ?? 0), model.bias),
          );
        },
      };
    },
  };
}

runFlavorConformance('linear_json (reference)', async () => {
  return {
    flavor: linearFlavor(),
    model: { weights: [0.5, -2, 1], bias: 0.25 },
    input: {
      kind: 'dataframe',
      columns: ['a', 'b', 'c'],
      rows: [
        [1, 2, 3],
        [0, 0, 0],
        [-1, 0.5, 4],
      ],
    },
    // 0.5·a − 2·b + c + 0.25 per row, by hand.
    expected: [-0.25, 0.25, 2.75],
    ...(await flavorScratchDir('flavor-conf-')),
  };
});

describe('expectPredictionClose', () => {
  it('accepts equal predictions to the given precision, typed arrays as arrays', () => {
    expectPredictionClose({ y: Float32Array.from([0.1, 0.2]), label: ['a'] }, { y: [0.1, 0.2], label: ['a'] }, 6);
  });

  it('fails on a wrong number, a wrong length, a missing key or a different label', () => {
    expect(() => expectPredictionClose([1, 2], [1, 2.01], 5)).toThrow(/prediction\[1\]/);
    expect(() => expectPredictionClose([1, 2], [1, 2, 3])).toThrow(/length/);
    expect(() => expectPredictionClose({ a: 1 }, { a: 1, b: 2 })).toThrow(/keys/);
    expect(() => expectPredictionClose(['x'], ['y'])).toThrow();
  });
});

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { pluginSchemas } from '../mlmodel/testdata/plugin-schemas.js';
import { safeLoadYaml } from '../mlmodel/pyyaml-load.js';
import { mlmodelJsonSchema } from './mlmodel-json-schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const committedPath = path.resolve(here, '../../schemas/mlmodel.schema.json');
const fixturesRoot = path.resolve(here, '../../../../fixtures');

const generatedText = `${JSON.stringify(mlmodelJsonSchema(), null, 2)}\n`;
if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(committedPath, generatedText);

const fixtureModels = readdirSync(fixturesRoot, { recursive: true, encoding: 'utf8' })
  .filter((p) => path.basename(p) === 'MLmodel')
  .map((p) => ({
    name: p,
    doc: safeLoadYaml(readFileSync(path.join(fixturesRoot, p), 'utf8')) as Record<string, unknown>,
  }));

describe('schemas/mlmodel.schema.json', () => {
  it('is the committed copy of the generated schema', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(generatedText);
  });

  it('accepts every MLflow-written MLmodel fixture', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(committedPath, 'utf8')));
    expect(fixtureModels.length).toBeGreaterThanOrEqual(10);
    for (const { name, doc } of fixtureModels) {
      expect({ name, ok: validate(doc), errors: validate.errors ?? null }).toEqual({ name, ok: true, errors: null });
    }
  });

  it('rejects a missing flavors map, a pyfunc section without loader_module, and a bad type', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(committedPath, 'utf8')));
    const good = fixtureModels.find((f) => f.name.includes('onnx_model'))!.doc;
    const { flavors: _flavors, ...noFlavors } = good;
    expect(validate(noFlavors)).toBe(false);
    const flavors = good.flavors as Record<string, Record<string, unknown>>;
    const { loader_module: _lm, ...pyfunc } = flavors.python_function!;
    expect(validate({ ...good, flavors: { ...flavors, python_function: pyfunc } })).toBe(false);
    expect(validate({ ...good, model_size_bytes: 'big' })).toBe(false);
    expect(validate({ ...good, zz_unknown: { kept: true } })).toBe(true);
  });

  it('describes plugin flavor sections when given their schemas', () => {
    const withOnnx = new Ajv2020({ strict: false }).compile(mlmodelJsonSchema({ onnx: pluginSchemas.onnx }));
    const good = fixtureModels.find((f) => f.name.includes('onnx_model'))!.doc;
    expect(withOnnx(good)).toBe(true);
    const flavors = good.flavors as Record<string, Record<string, unknown>>;
    expect(withOnnx({ ...good, flavors: { ...flavors, onnx: { ...flavors.onnx, data: 5 } } })).toBe(false);
  });
});

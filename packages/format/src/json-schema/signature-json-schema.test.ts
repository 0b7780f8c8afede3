import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { safeLoadYaml } from '../mlmodel/pyyaml-load.js';
import { schemaFromJson } from '../signature/schema-json.js';
import { parseSignature } from '../signature/signature.js';
import { schemaJsonSchema, signatureJsonSchema } from './signature-json-schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemasDir = path.resolve(here, '../../schemas');
const fixturesRoot = path.resolve(here, '../../../../fixtures');

const committed = [
  { file: 'signature.schema.json', generate: signatureJsonSchema },
  { file: 'model-schema.schema.json', generate: schemaJsonSchema },
].map(({ file, generate }) => {
  const text = `${JSON.stringify(generate(), null, 2)}\n`;
  if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(path.join(schemasDir, file), text);
  return { file, text };
});

// strict (bar type-per-keyword checks, which the literal leaves to the `type` at each def) so a misspelt keyword fails here.
const compile = (file: string) =>
  new Ajv2020({ strict: true, strictTypes: false }).compile(
    JSON.parse(readFileSync(path.join(schemasDir, file), 'utf8')),
  );
const validateSignature = compile('signature.schema.json');
const validateSchema = compile('model-schema.schema.json');

type Sig = { inputs?: unknown; outputs?: unknown; params?: unknown };

/** Each section of every fixture MLmodel's `signature`, JSON strings parsed. */
const fixtureSignatures = readdirSync(fixturesRoot, { recursive: true, encoding: 'utf8' })
  .filter((p) => path.basename(p) === 'MLmodel')
  .flatMap((p) => {
    const doc = safeLoadYaml(readFileSync(path.join(fixturesRoot, p), 'utf8')) as {
      signature?: Record<string, string | null>;
    };
    if (!doc.signature) return [];
    const parsed = Object.fromEntries(
      Object.entries(doc.signature).map(([k, v]) => [k, v === null ? null : JSON.parse(v)]),
    );
    return [{ name: p, strings: doc.signature, sig: parsed as Sig }];
  });

function readerAccepts(sig: Sig): boolean {
  const str = (v: unknown) => (v === undefined || v === null ? v : JSON.stringify(v)) as string | null | undefined;
  try {
    parseSignature({ inputs: str(sig.inputs), outputs: str(sig.outputs), params: str(sig.params) });
    return true;
  } catch {
    return false;
  }
}

const long = (name?: string, required?: boolean | null) => ({
  type: 'long',
  ...(name === undefined ? {} : { name }),
  ...(required === undefined ? {} : { required }),
});
const tensor = (name?: string, spec: Record<string, unknown> = { dtype: 'float32', shape: [-1, 4] }) => ({
  ...(name === undefined ? {} : { name }),
  type: 'tensor',
  'tensor-spec': spec,
});
const param = (extra: Record<string, unknown>) => ({ name: 'p', shape: null, ...extra });

const VALID: [string, Sig][] = [
  [
    'nested map/array/any/object/sparkml_vector columns',
    {
      inputs: [
        { type: 'map', values: { type: 'array', items: { type: 'any' } }, name: 'm', required: false },
        {
          type: 'object',
          properties: { a: { type: 'sparkml_vector', required: false }, z: { type: 'long' } },
          name: 'o',
          required: true,
        },
        {
          type: 'array',
          items: { type: 'object', properties: { d: { type: 'datetime', required: null } } },
          name: 'a',
        },
      ],
      outputs: [{ type: 'binary', required: true }, { type: 'string' }],
    },
  ],
  [
    'several named tensors and one unnamed tensor',
    { inputs: [tensor('x'), tensor('y', { dtype: 'int64', shape: [] })], outputs: [tensor()] },
  ],
  [
    'params: scalar, list, datetime, object, legacy dtype, null default',
    {
      inputs: [long()],
      outputs: null,
      params: [
        param({ name: 't', type: 'double', default: 0.5 }),
        param({ name: 'stop', type: 'string', default: ['a', 'b'], shape: [-1] }),
        param({ name: 'when', type: 'datetime', default: '2024-01-02T03:04:05' }),
        param({ name: 'cfg', type: 'object', default: { k: 1 }, properties: { k: { type: 'long', required: true } } }),
        { name: 'n', dtype: 'long', default: 3 },
        param({ name: 'none', type: 'boolean', default: null }),
      ],
    },
  ],
];

const INVALID: [string, Sig][] = [
  ['no inputs', { outputs: [long()] }],
  ['empty inputs', { inputs: [] }],
  ['an unknown column type', { inputs: [{ type: 'decimal', name: 'a' }] }],
  ['an unknown type nested in array items', { inputs: [{ type: 'array', items: { type: 'int' }, name: 'a' }] }],
  ['a tensor without shape', { inputs: [tensor(undefined, { dtype: 'float32' })] }],
  ['a sized-string tensor dtype', { inputs: [tensor(undefined, { dtype: '<U10', shape: [-1] })] }],
  ['a tensor dimension below -1', { inputs: [tensor(undefined, { dtype: 'int64', shape: [-2] })] }],
  ['a fractional tensor dimension', { inputs: [tensor(undefined, { dtype: 'int64', shape: [1.5] })] }],
  ['mixed ColSpec and TensorSpec', { inputs: [long('a'), tensor('b')] }],
  ['named and unnamed columns', { inputs: [long('a'), long()] }],
  ['an unnamed optional column', { inputs: [long(undefined, false)] }],
  ['two unnamed tensors', { inputs: [tensor(), tensor()] }],
  ['an array without items', { inputs: [{ type: 'array', name: 'a' }] }],
  ['an object without properties', { inputs: [{ type: 'object', name: 'o', properties: {} }] }],
  ['a map without values', { inputs: [{ type: 'map', name: 'm' }] }],
  [
    'a non-boolean property `required`',
    { inputs: [{ type: 'object', name: 'o', properties: { k: { type: 'long', required: 'yes' } } }] },
  ],
  ['a bad outputs list', { inputs: [long()], outputs: [{ type: 'tensor', 'tensor-spec': { shape: [-1] } }] }],
  ['a binary param', { inputs: [long()], params: [param({ type: 'binary', default: null })] }],
  ['a param without default', { inputs: [long()], params: [{ name: 'p', type: 'long' }] }],
  ['a param without type or dtype', { inputs: [long()], params: [{ name: 'p', default: 1 }] }],
  ['a param with shape [2]', { inputs: [long()], params: [param({ type: 'string', default: 'x', shape: [2] })] }],
  ['a list default for a scalar param', { inputs: [long()], params: [param({ type: 'long', default: [1] })] }],
  [
    'a scalar default for a list param',
    { inputs: [long()], params: [param({ type: 'long', default: 1, shape: [-1] })] },
  ],
  ['an object param without properties', { inputs: [long()], params: [param({ type: 'object', default: null })] }],
];

describe('schemas/signature.schema.json and schemas/model-schema.schema.json', () => {
  it.each(committed)('$file is the committed copy of the generated schema', ({ file, text }) => {
    expect(readFileSync(path.join(schemasDir, file), 'utf8')).toBe(text);
  });

  it('accepts every MLflow-written fixture signature, and each of its inputs/outputs lists alone', () => {
    expect(fixtureSignatures.length).toBeGreaterThanOrEqual(6);
    for (const { name, sig } of fixtureSignatures) {
      expect({ name, ok: validateSignature(sig), errors: validateSignature.errors ?? null }).toEqual({
        name,
        ok: true,
        errors: null,
      });
      for (const list of [sig.inputs, sig.outputs].filter((l) => l !== undefined && l !== null)) {
        expect({ name, ok: validateSchema(list), errors: validateSchema.errors ?? null }).toEqual({
          name,
          ok: true,
          errors: null,
        });
      }
    }
  });

  it.each(VALID)('accepts %s, as parseSignature does', (_label, sig) => {
    expect({ ok: validateSignature(sig), errors: validateSignature.errors ?? null }).toEqual({
      ok: true,
      errors: null,
    });
    expect(readerAccepts(sig)).toBe(true);
  });

  it.each(INVALID)('rejects %s, as parseSignature does', (_label, sig) => {
    expect(validateSignature(sig)).toBe(false);
    expect(readerAccepts(sig)).toBe(false);
  });

  it('validates a single inputs/outputs list the way schemaFromJson reads it', () => {
    const lists = [...VALID, ...INVALID].map(([, sig]) => sig.inputs).filter((l) => l !== undefined);
    for (const list of lists) {
      let readerOk = true;
      try {
        schemaFromJson(list);
      } catch {
        readerOk = false;
      }
      expect({ list, ok: validateSchema(list) }).toEqual({ list, ok: readerOk });
    }
    expect(validateSchema({ inputs: [long()] })).toBe(false);
  });

  it('leaves name uniqueness and default conversion to the reader (JSON Schema cannot compare one key across items)', () => {
    const duplicateNames = { inputs: [long('a'), long('a')] };
    const lossyDefault = { inputs: [long()], params: [param({ type: 'long', default: 1.5 })] };
    for (const sig of [duplicateNames, lossyDefault]) {
      expect(validateSignature(sig)).toBe(true);
      expect(readerAccepts(sig)).toBe(false);
    }
  });
});

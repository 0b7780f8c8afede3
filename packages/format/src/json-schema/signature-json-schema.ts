/**
 * Model signatures as JSON Schema (draft 2020-12), for tools outside TypeScript. The signature area
 * reads schemas with hand-written checks (mlflow/types/schema.py `from_json_dict`), not zod, so the
 * JSON Schema is written here as a literal; the type and dtype lists come from the reader's own
 * constants, and a test runs the same documents through both to keep them agreeing.
 * `schemas/signature.schema.json` and `schemas/model-schema.schema.json` are the committed copies; a
 * test fails when they drift (regenerate: `UPDATE_SCHEMAS=1 npx vitest run src/json-schema`).
 *
 * What JSON Schema cannot say, and is left to `parseSignature`: input and param names must be unique
 * (`uniqueItems` compares whole entries, never one key of them); a param default must convert to its
 * type (the reader casts leniently, e.g. "3" for a long, as MLflow does).
 */
import { DATA_TYPES, TENSOR_DTYPES } from '../signature/types.js';

type JsonSchema = Record<string, unknown>;

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
/** Matches a document whose `key` is present and equal to `value` (for `if`). */
const keyIs = (key: string, value: string): JsonSchema => ({
  required: [key],
  properties: { [key]: { const: value } },
});

/** A `name` that is absent or null: MLflow's unnamed input. */
const UNNAMED = { type: 'null' };
/** `required` is optional in files from MLflow <= 2.8, where everything was required; null reads as true. */
const REQUIRED_FLAG = { type: ['boolean', 'null'] };
const NAMED = { required: ['name'], properties: { name: { type: 'string' } } };
const listOf = (title: string, items: JsonSchema): JsonSchema => ({ title, type: 'array', minItems: 1, items });

/** Types, columns and tensors: everything a Schema (one inputs/outputs list) refers to. */
function schemaDefs(): Record<string, JsonSchema> {
  return {
    ValueType: {
      description: 'A column, array item, object property or map value type; array/object/map nest.',
      type: 'object',
      required: ['type'],
      properties: { type: { enum: [...DATA_TYPES, 'array', 'object', 'map', 'any', 'sparkml_vector'] } },
      allOf: [
        { if: keyIs('type', 'array'), then: { required: ['items'], properties: { items: ref('ValueType') } } },
        {
          if: keyIs('type', 'object'),
          then: { required: ['properties'], properties: { properties: ref('ObjectProperties') } },
        },
        { if: keyIs('type', 'map'), then: { required: ['values'], properties: { values: ref('ValueType') } } },
      ],
    },
    ObjectProperties: {
      description: 'Properties of an Object type, by name (MLflow writes them sorted); at least one.',
      type: 'object',
      minProperties: 1,
      additionalProperties: { ...ref('ValueType'), properties: { required: REQUIRED_FLAG } },
    },
    ColSpec: {
      description: 'One column: a type body plus optional `name` and `required`.',
      ...ref('ValueType'),
      properties: { name: { type: ['string', 'null'] }, required: REQUIRED_FLAG },
    },
    TensorSpec: {
      description: 'One tensor input/output: numpy dtype name and shape (-1 = variable dimension).',
      type: 'object',
      required: ['type', 'tensor-spec'],
      properties: {
        name: { type: ['string', 'null'] },
        type: { const: 'tensor' },
        'tensor-spec': {
          type: 'object',
          required: ['dtype', 'shape'],
          properties: {
            dtype: { enum: [...TENSOR_DTYPES] },
            shape: { type: 'array', items: { type: 'integer', minimum: -1 } },
          },
        },
      },
    },
    Schema: {
      description:
        'An inputs/outputs list: not empty; all ColSpec or all TensorSpec; all named or all unnamed; ' +
        'unnamed columns must be required; several tensors must be named. Names must be unique (not checked here).',
      anyOf: [
        listOf('named columns', { ...ref('ColSpec'), ...NAMED }),
        listOf('unnamed columns', {
          ...ref('ColSpec'),
          properties: { name: UNNAMED, required: { enum: [true, null] } },
        }),
        listOf('named tensors', { ...ref('TensorSpec'), ...NAMED }),
        { ...listOf('one unnamed tensor', { ...ref('TensorSpec'), properties: { name: UNNAMED } }), maxItems: 1 },
      ],
    },
  };
}

const PARAM_TYPES = [...DATA_TYPES.filter((t) => t !== 'binary'), 'object'];

/** Inference parameters (the signature's `params` list). */
function paramDefs(): Record<string, JsonSchema> {
  return {
    ParamSpec: {
      description:
        'One inference parameter. `dtype` is read when `type` is absent (older writers). Scalar params ' +
        'have `shape` null or absent and a non-list default; 1-D list params have shape [-1] and a list default.',
      type: 'object',
      required: ['name', 'default'],
      properties: {
        name: { type: 'string' },
        type: { enum: PARAM_TYPES },
        shape: { enum: [null, [-1]] },
      },
      if: { required: ['type'] },
      else: { required: ['dtype'], properties: { dtype: { enum: PARAM_TYPES } } },
      allOf: [
        {
          if: { anyOf: [keyIs('type', 'object'), { not: { required: ['type'] }, ...keyIs('dtype', 'object') }] },
          then: { required: ['properties'], properties: { properties: ref('ObjectProperties') } },
        },
        {
          if: { required: ['shape'], properties: { shape: { const: [-1] } } },
          then: { properties: { default: { type: ['array', 'null'] } } },
          else: { properties: { default: { not: { type: 'array' } } } },
        },
      ],
    },
    ParamSchema: { type: 'array', items: ref('ParamSpec') },
  };
}

/**
 * JSON Schema of one signature inputs/outputs list: the JSON MLflow stores as the MLmodel's
 * `signature.inputs` / `signature.outputs` string, after parsing that string.
 */
export function schemaJsonSchema(): Record<string, unknown> {
  return {
    $schema: DRAFT,
    title: 'MLflow model schema',
    description:
      'A signature inputs/outputs list (an MLmodel signature.inputs/outputs string, parsed): ColSpecs or TensorSpecs.',
    ...ref('Schema'),
    $defs: schemaDefs(),
  };
}

/**
 * JSON Schema of a parsed model signature: `{inputs, outputs?, params?}` where each is the parsed
 * JSON of the MLmodel `signature` string of that name (null stands for absent, as MLflow writes
 * `params: null`). Other keys are allowed, as MLflow ignores them.
 */
export function signatureJsonSchema(): Record<string, unknown> {
  return {
    $schema: DRAFT,
    title: 'MLflow model signature',
    description:
      'An MLmodel signature with its inputs, outputs and params JSON strings parsed. Input/param name ' +
      'uniqueness and param default values are checked by readers, not by this schema.',
    type: 'object',
    required: ['inputs'],
    properties: {
      inputs: ref('Schema'),
      outputs: { anyOf: [ref('Schema'), { type: 'null' }] },
      params: { anyOf: [ref('ParamSchema'), { type: 'null' }] },
    },
    $defs: { ...schemaDefs(), ...paramDefs() },
  };
}

/**
 * The MLmodel schema as JSON Schema (draft 2020-12), for tools outside TypeScript. Generated from the
 * zod schema so the two cannot disagree; `schemas/mlmodel.schema.json` is the committed copy, and a
 * test fails when it drifts (regenerate: `UPDATE_SCHEMAS=1 npx vitest run src/json-schema`).
 */
import { z, type ZodType } from 'zod';
import { MLmodelSchema, createMLmodelSchema } from '../mlmodel/mlmodel-schema.js';

/**
 * JSON Schema of an MLmodel file's content (after YAML parsing). With `flavorSchemas`, those flavor
 * sections are described too. Refinements zod cannot express (e.g. onnx `execution_mode` spelling)
 * are left to `validateMLmodel`.
 */
export function mlmodelJsonSchema(flavorSchemas?: Record<string, ZodType>): Record<string, unknown> {
  const schema = flavorSchemas ? createMLmodelSchema(flavorSchemas) : MLmodelSchema;
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'MLmodel',
    description: "An MLflow model directory's MLmodel file (YAML), as written by MLflow 1.x-3.x and mlflow-ts.",
    ...rest,
  };
}

/**
 * The MLmodel file as MLflow 1.x–3.x writes it (mlflow/models/model.py `Model.to_dict`). Every
 * object is loose: unknown top-level keys and flavor keys are kept, as MLflow's `Model` keeps them
 * as attributes, so read → write loses nothing.
 */
import { z, type ZodType } from 'zod';
import { MlflowError } from '../errors.js';
import type { SavedInputExampleInfo } from '../signature/index.js';
import { PYFUNC_FLAVOR_NAME, PythonFunctionFlavorConfigSchema } from './flavor-configs.js';

/**
 * `signature` exactly as stored: each part is a JSON string (`json.dumps` of the ColSpec/TensorSpec
 * list), `params` null when there is no params schema. Parse it with `parseSignature`.
 */
export interface MLmodelSignatureDict {
  inputs?: string | null;
  outputs?: string | null;
  params?: string | null;
  [key: string]: unknown;
}

export interface MLmodel {
  /** 2.x: run-relative path; 3.x logged model: the full artifact URI. Omitted for plain saves. */
  artifact_path?: string | null;
  /** Flavor name → that flavor's section. */
  flavors: Record<string, Record<string, unknown>>;
  run_id?: string | null;
  /** Naive UTC `YYYY-MM-DD HH:MM:SS[.ffffff]` (see `formatUtcTimeCreated`). */
  utc_time_created?: string;
  signature?: MLmodelSignatureDict | null;
  /** Where the input example lives and how it is encoded (the signature area's `saveInputExample` writes it). */
  saved_input_example_info?: (SavedInputExampleInfo & Record<string, unknown>) | null;
  model_uuid?: string | null;
  /** 3.x LoggedModel id `m-<32 hex>`; written as null when the model was not logged. */
  model_id?: string | null;
  mlflow_version?: string;
  metadata?: Record<string, unknown> | null;
  model_size_bytes?: number | null;
  databricks_runtime?: string;
  resources?: Record<string, unknown> | null;
  /** Prompt URIs; 3.x writes null when absent. */
  prompts?: string[] | null;
  env_vars?: string[] | null;
  auth_policy?: Record<string, unknown> | null;
  is_signature_from_type_hint?: boolean;
  type_hint_from_example?: boolean;
  [key: string]: unknown;
}

export const MLmodelSignatureDictSchema = z.looseObject({
  inputs: z.string().nullable().optional(),
  outputs: z.string().nullable().optional(),
  params: z.string().nullable().optional(),
});

/** `saved_input_example_info`: `type` is dataframe, ndarray, json_object, sparse_matrix_csr or _csc. */
export const SavedInputExampleInfoSchema = z.looseObject({
  artifact_path: z.string(),
  type: z.string(),
  pandas_orient: z.string().optional(),
  serving_input_path: z.string().optional(),
  params: z.union([z.string(), z.boolean()]).optional(),
});

/** A flavor section whose flavor has no registered schema: any mapping. */
const AnyFlavorSection = z.record(z.string(), z.unknown());
const StringMap = z.record(z.string(), z.unknown());

function buildSchema(flavorSchemas: Record<string, ZodType>): ZodType<MLmodel> {
  const flavorShape: Record<string, ZodType> = {};
  for (const [name, schema] of Object.entries(flavorSchemas)) flavorShape[name] = schema.optional();
  const schema = z.looseObject({
    artifact_path: z.string().nullable().optional(),
    flavors: z.object(flavorShape).catchall(AnyFlavorSection),
    run_id: z.string().nullable().optional(),
    utc_time_created: z.string().optional(),
    signature: MLmodelSignatureDictSchema.nullable().optional(),
    saved_input_example_info: SavedInputExampleInfoSchema.nullable().optional(),
    model_uuid: z.string().nullable().optional(),
    model_id: z.string().nullable().optional(),
    mlflow_version: z.string().optional(),
    metadata: StringMap.nullable().optional(),
    model_size_bytes: z.number().int().min(0).nullable().optional(),
    databricks_runtime: z.string().optional(),
    resources: StringMap.nullable().optional(),
    prompts: z.array(z.string()).nullable().optional(),
    env_vars: z.array(z.string()).nullable().optional(),
    auth_policy: StringMap.nullable().optional(),
    is_signature_from_type_hint: z.boolean().optional(),
    type_hint_from_example: z.boolean().optional(),
  });
  return schema as unknown as ZodType<MLmodel>;
}

/** Flavor schemas every MLmodel is checked against: MLflow's `python_function`. */
const CORE_FLAVOR_SCHEMAS: Record<string, ZodType> = { [PYFUNC_FLAVOR_NAME]: PythonFunctionFlavorConfigSchema };

/** The MLmodel schema checking `python_function` and leaving other flavor sections as free maps. */
export const MLmodelSchema: ZodType<MLmodel> = buildSchema(CORE_FLAVOR_SCHEMAS);

/**
 * The MLmodel schema that also checks the named flavor sections (a flavor plugin passes its
 * `configSchema` under its `name`). A section is checked only when the file has that flavor.
 */
export function createMLmodelSchema(extraFlavorSchemas: Record<string, ZodType>): ZodType<MLmodel> {
  return buildSchema({ ...CORE_FLAVOR_SCHEMAS, ...extraFlavorSchemas });
}

const schemaCache = new WeakMap<Record<string, ZodType>, ZodType<MLmodel>>();

function schemaFor(flavorSchemas?: Record<string, ZodType>): ZodType<MLmodel> {
  if (!flavorSchemas) return MLmodelSchema;
  let schema = schemaCache.get(flavorSchemas);
  if (!schema) {
    schema = createMLmodelSchema(flavorSchemas);
    schemaCache.set(flavorSchemas, schema);
  }
  return schema;
}

/** `flavors.onnx.providers[0]` */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'is missing';
  const detail = issue.message.replace(/^Invalid input: /, '');
  return `is invalid: ${detail}`;
}

/**
 * Checks a parsed MLmodel (a plain object) and returns it typed. Throws INVALID_PARAMETER_VALUE
 * naming the first offending field, e.g. `MLmodel field 'flavors.onnx.data' is missing`.
 */
export function validateMLmodel(obj: unknown, flavorSchemas?: Record<string, ZodType>): MLmodel {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    const got = obj === null ? 'null' : Array.isArray(obj) ? 'a list' : typeof obj;
    throw new MlflowError('INVALID_PARAMETER_VALUE', `MLmodel must be a mapping, got ${got}`);
  }
  const result = schemaFor(flavorSchemas).safeParse(obj);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `MLmodel field '${formatPath(first!.path)}' ${describeIssue(first!)}${more}`,
  );
}

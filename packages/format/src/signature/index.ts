// Model signatures, schema enforcement, scoring payloads and input examples (mlflow/types, mlflow/models).
export {
  DATA_TYPES, TENSOR_DTYPES, createSchema, describeType, hasInputNames, inputNames, isTensorSchema, isTensorSpec,
  requiredInputNames,
} from './types.js';
export type {
  AnyType, ArrayType, ColSpec, DataType, MapType, ModelSignature, ObjectType, ParamSchema, ParamSpec, PropertySpec,
  ScalarType, Schema, SparkMLVectorType, TensorSpec, ValueType,
} from './types.js';
export { toPythonJson } from './python-json.js';
export {
  paramSchemaFromJson, paramSchemaToDict, paramSchemaToJson, parseParamSchemaJson, parseSchemaJson, schemaFromJson,
  schemaToDict, schemaToJson,
} from './schema-json.js';
export { SignatureDictSchema, parseSignature, signatureToDict } from './signature.js';
export type { SignatureDict } from './signature.js';
export { enforceParams } from './param-values.js';

// Model signatures, schema enforcement, scoring payloads and input examples (mlflow/types, mlflow/models).
export {
  DATA_TYPES,
  NUMERIC_TENSOR_DTYPES,
  TENSOR_DTYPES,
  createSchema,
  describeType,
  hasInputNames,
  inputNames,
  isTensorSchema,
  isTensorSpec,
  requiredInputNames,
} from './types.js';
export type {
  AnyType,
  ArrayType,
  ColSpec,
  DataType,
  MapType,
  ModelSignature,
  ObjectType,
  ParamSchema,
  ParamSpec,
  PropertySpec,
  ScalarType,
  Schema,
  SparkMLVectorType,
  TensorSpec,
  ValueType,
} from './types.js';
export { isFloatList, markFloatColumns, markFloatList, toPythonJson } from './python-json.js';
export {
  paramSchemaFromJson,
  paramSchemaToDict,
  paramSchemaToJson,
  parseParamSchemaJson,
  parseSchemaJson,
  schemaFromJson,
  schemaToDict,
  schemaToJson,
} from './schema-json.js';
export { SignatureDictSchema, parseSignature, signatureToDict } from './signature.js';
export type { SignatureDict } from './signature.js';
export { enforceParams } from './param-values.js';
export { enforceSchema } from './enforce-schema.js';
export { checkServingInput } from './serving-input.js';
export { castTensorData, fromHalfBits, isTensor, nestedShape, tensorToNested, toHalfBits } from './tensor-data.js';
export { SCORING_PROTOCOL_CHANGE_INFO, SUPPORTED_FORMATS, parseJsonPayload, parseJsonText } from './payload.js';
export { parseCsvPayload } from './csv-payload.js';
export {
  SCORING_CONTENT_TYPES,
  contentTypeError,
  isSupportedContentType,
  parseScoringPayload,
} from './content-type.js';
export { inferParamSchema, inferSchema, inferSignature, inferValueType } from './infer.js';
export { loadInputExample, loadInputExampleParams, saveInputExample } from './input-example.js';
export type { SavedInputExample, SavedInputExampleInfo } from './input-example.js';
export { toMlflowJsonValue, toPrediction } from './prediction.js';
export type { ToPredictionOptions } from './prediction.js';
export { base64ToBytes, bytesToBase64 } from './base64.js';

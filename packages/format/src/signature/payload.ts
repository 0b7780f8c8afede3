/**
 * `/invocations` JSON bodies (mlflow/pyfunc/scoring_server/__init__.py, mlflow/utils/proto_json_utils.py):
 * exactly one of dataframe_split, dataframe_records, instances, inputs, plus optional params.
 * Errors are BAD_REQUEST with MLflow's wording.
 */
import { MlflowError } from '../errors.js';
import type { ModelInput, ParsedPayload } from '../model-input.js';
import { isPlainObject, recordsToFrame } from './enforce-columns.js';

export const SUPPORTED_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const REQUIRED_INPUT_FORMAT =
  "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}";

export const SCORING_PROTOCOL_CHANGE_INFO =
  "IMPORTANT: The MLflow Model scoring protocol has changed in MLflow version 2.0. If you are seeing this error, you are likely using an outdated scoring request format. To resolve the error, either update your request format or adjust your MLflow Model's requirements file to specify an older version of MLflow (for example, change the 'mlflow' requirement specifier to 'mlflow==1.30.0'). If you are making a request using the MLflow client (e.g. via `mlflow.pyfunc.spark_udf()`), upgrade your MLflow client to a version >= 2.0 in order to use the new request format. For more information about the updated MLflow Model scoring protocol in MLflow 2.0, see https://mlflow.org/docs/latest/models.html#deploy-mlflow-models.";

function badRequest(message: string): MlflowError {
  return new MlflowError('BAD_REQUEST', message);
}

/** MLflow's MlflowInvalidInputException prefix. */
function invalidInput(message: string): MlflowError {
  return badRequest(`Invalid input. ${message}`);
}

function pyKeys(o: object): string {
  return `[${Object.keys(o)
    .map((k) => `'${k}'`)
    .join(', ')}]`;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'NoneType';
  return (
    { string: 'str', number: Number.isInteger(v) ? 'int' : 'float', boolean: 'bool', object: 'dict' }[
      typeof v as string
    ] ?? typeof v
  );
}

function splitFrame(d: unknown): ModelInput {
  if (!isPlainObject(d))
    throw invalidInput(
      `Dataframe split format must be a dictionary. Got ${Array.isArray(d) ? 'list' : `type ${typeName(d)}`}.`,
    );
  const keys = Object.keys(d);
  if (!('data' in d) || keys.some((k) => !['columns', 'data', 'index'].includes(k))) {
    throw invalidInput(
      `Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got {${keys.map((k) => `'${k}'`).join(', ')}}.'`,
    );
  }
  const notValid = (why: string) =>
    invalidInput(
      `Provided dataframe_split field is not a valid dataframe representation in 'split' format. Error: '${why}'`,
    );
  if (!Array.isArray(d.data)) throw notValid(`data must be a list, got ${typeName(d.data)}`);
  // A list of scalars is one column, as pandas reads it.
  const rows = d.data.map((r) => (Array.isArray(r) ? r : [r]));
  const width = rows.length > 0 ? rows[0]!.length : 0;
  let columns: string[];
  if (d.columns === undefined || d.columns === null) {
    columns = Array.from({ length: width }, (_, i) => String(i));
  } else {
    if (!Array.isArray(d.columns)) throw notValid(`columns must be a list, got ${typeName(d.columns)}`);
    columns = d.columns.map((c) => String(c));
  }
  for (const r of rows) {
    if (r.length !== columns.length)
      throw notValid(`${columns.length} columns passed, passed data had ${r.length} columns`);
  }
  if (d.index !== undefined && d.index !== null && (!Array.isArray(d.index) || d.index.length !== rows.length)) {
    throw notValid(
      `Shape of passed values is (${rows.length}, ${columns.length}), indices imply a different number of rows`,
    );
  }
  return { kind: 'dataframe', columns, rows };
}

function recordsFrame(d: unknown): ModelInput {
  if (!Array.isArray(d))
    throw invalidInput(
      `Dataframe records format must be a list of records. Got ${isPlainObject(d) ? 'dictionary' : `type ${typeName(d)}`}.`,
    );
  if (d.every(isPlainObject)) return { kind: 'dataframe', ...recordsToFrame(d) };
  if (d.every((r) => Array.isArray(r))) {
    const width = Math.max(0, ...d.map((r) => (r as unknown[]).length));
    return {
      kind: 'dataframe',
      columns: Array.from({ length: width }, (_, i) => String(i)),
      rows: d.map((r) => Array.from({ length: width }, (_, i) => (r as unknown[])[i] ?? null)),
    };
  }
  throw invalidInput(
    "Provided dataframe_records field is not a valid dataframe representation in 'records' format. Error: 'every record must be an object'",
  );
}

/** `instances`: a list of objects is pivoted to columns (`{col: [values]}`), as MLflow's row format does. */
function instancesInput(d: unknown): ModelInput {
  if (Array.isArray(d) && d.length > 0 && isPlainObject(d[0])) {
    const tensors: Record<string, unknown[]> = {};
    for (const item of d) {
      if (!isPlainObject(item))
        throw invalidInput(`Every item of 'instances' must be an object when the first one is; got ${typeName(item)}.`);
      for (const [k, v] of Object.entries(item)) (tensors[k] ??= []).push(v);
    }
    // Row format needs equal lengths; columns holding lists are array-typed and exempt, as in MLflow.
    const check = Object.entries(tensors).filter(([, vs]) => !vs.some((v) => Array.isArray(v)));
    if (check.some(([, vs]) => vs.length !== check[0]![1].length)) {
      throw invalidInput('The length of values for each input/column name are not the same');
    }
    return { kind: 'tensors', tensors };
  }
  return isPlainObject(d) ? { kind: 'tensors', tensors: d } : { kind: 'tensor', value: d };
}

/** Parses an already-decoded JSON body. */
export function parseJsonPayload(body: unknown): ParsedPayload {
  if (Array.isArray(body)) throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received a list.`);
  if (!isPlainObject(body))
    throw invalidInput(`${REQUIRED_INPUT_FORMAT}. Received unexpected input type '${typeName(body)}'.`);
  // Keys other than the four formats and params are ignored, as MLflow's _split_data_and_params does.
  const formats = SUPPORTED_FORMATS.filter((f) => f in body);
  if (formats.length !== 1) {
    throw badRequest(
      `${REQUIRED_INPUT_FORMAT}. Received dictionary with input fields: ${pyKeys(body)}. ${SCORING_PROTOCOL_CHANGE_INFO}`,
    );
  }
  const format = formats[0]!;
  const data = body[format];
  let input: ModelInput;
  if (format === 'dataframe_split') input = splitFrame(data);
  else if (format === 'dataframe_records') input = recordsFrame(data);
  else if (format === 'instances') input = instancesInput(data);
  else input = isPlainObject(data) ? { kind: 'tensors', tensors: data } : { kind: 'tensor', value: data };
  const params = body.params;
  if (params === undefined || params === null) return { input };
  if (!isPlainObject(params)) throw badRequest(`Parameters must be a dictionary. Got type '${typeName(params)}'.`);
  return { input, params };
}

/** Parses JSON text; malformed JSON is BAD_REQUEST. */
export function parseJsonText(text: string): ParsedPayload {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    const shown = text.length > 1000 ? `${text.slice(0, 1000)}...` : text;
    throw invalidInput(
      `Ensure that input is a valid JSON formatted string. Error: '${(e as Error).message}'\nInput: \n${shown}\n`,
    );
  }
  return parseJsonPayload(body);
}

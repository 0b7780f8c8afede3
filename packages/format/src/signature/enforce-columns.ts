/**
 * Column-based schema enforcement (mlflow/models/utils.py `_enforce_schema` with ColSpecs): the input
 * becomes a data frame, then each schema column is checked and converted cell by cell.
 */
import { MlflowError } from '../errors.js';
import type { DataFrameInput, ModelInput } from '../model-input.js';
import { isTypedArray } from './tensor-data.js';
import { enforceValue } from './value-enforce.js';
import { describeType, type ColSpec } from './types.js';

export interface Frame {
  columns: string[];
  rows: unknown[][];
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);
}

function asList(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isTypedArray(v)) return Array.from(v as ArrayLike<unknown>);
  return undefined;
}

export function pyList(names: readonly (string | number)[]): string {
  return `[${names.map((n) => (typeof n === 'number' ? String(n) : `'${n}'`)).join(', ')}]`;
}

/** Rows of objects → frame; columns in first-seen order, missing cells null (pandas `orient=records`). */
export function recordsToFrame(records: Record<string, unknown>[]): Frame {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k), columns.push(k);
  return { columns, rows: records.map((r) => columns.map((c) => (c in r ? r[c] : null))) };
}

function isCellType(spec: ColSpec | undefined): boolean {
  return spec !== undefined && ['array', 'object', 'map', 'any', 'sparkml_vector'].includes(spec.type);
}

/**
 * A dict input: one row when every value is one cell (a scalar, or a list for an Array-typed column);
 * otherwise columns of values, scalars broadcast (pandas `DataFrame(dict)`).
 */
export function dictToFrame(d: Record<string, unknown>, specs: ColSpec[]): Frame {
  const byName = new Map(specs.filter((s) => s.name !== undefined).map((s) => [s.name!, s]));
  const columns = Object.keys(d);
  const columnar = columns.filter((c) => asList(d[c]) !== undefined && !isCellType(byName.get(c)));
  if (columnar.length === 0) return { columns, rows: [columns.map((c) => d[c])] };
  const lists = new Map(columns.map((c) => [c, asList(d[c])]));
  const n = lists.get(columnar[0]!)!.length;
  const bad = columns.filter((c) => lists.get(c) !== undefined && lists.get(c)!.length !== n);
  if (bad.length > 0) {
    throw MlflowError.invalidParameter(
      `The length of values for each input/column name are not the same: ${columns.map((c) => `${c}: ${lists.get(c)?.length ?? 'scalar'}`).join(', ')}`,
    );
  }
  const rows = Array.from({ length: n }, (_, i) => columns.map((c) => (lists.get(c) ? lists.get(c)![i] : d[c])));
  return { columns, rows };
}

/** Any ModelInput as a frame, the way MLflow turns dict/list/ndarray/scalar inputs into a DataFrame. */
export function inputToFrame(input: ModelInput, specs: ColSpec[]): Frame {
  if (input.kind === 'dataframe') return { columns: input.columns, rows: input.rows };
  if (input.kind === 'tensors') return dictToFrame(input.tensors, specs);
  const v = input.value;
  const list = asList(v);
  // Serving assigns a bare (non-records) list to the only input of a single-column named schema.
  if (list && specs.length === 1 && specs[0]!.name !== undefined && !list.some(isPlainObject)) {
    return dictToFrame({ [specs[0]!.name]: v }, specs);
  }
  if (isPlainObject(v)) return dictToFrame(v, specs);
  if (list === undefined) return { columns: ['0'], rows: [[v]] };
  if (list.length > 0 && list.every(isPlainObject)) return recordsToFrame(list as Record<string, unknown>[]);
  if (list.length > 0 && list.every((r) => asList(r) !== undefined)) {
    const rows = list.map((r) => asList(r)!);
    const width = Math.max(...rows.map((r) => r.length));
    return {
      columns: Array.from({ length: width }, (_, i) => String(i)),
      rows: rows.map((r) => Array.from({ length: width }, (_, i) => (i < r.length ? r[i] : null))),
    };
  }
  return { columns: ['0'], rows: list.map((x) => [x]) };
}

/** Checks and converts one column; nulls are allowed only in optional columns. */
function enforceColumn(frame: Frame, index: number, spec: ColSpec, name: string): unknown[] {
  return frame.rows.map((row, r) => {
    const v = row[index];
    const missing =
      v === null ||
      v === undefined ||
      (typeof v === 'number' && Number.isNaN(v) && spec.type !== 'float' && spec.type !== 'double');
    if (missing) {
      if (!spec.required || spec.type === 'any') return null;
      throw MlflowError.invalidParameter(
        `Incompatible input types for column ${name}. Column ${name} is required (expected type ${describeType(spec)}) but row ${r} has a missing value.`,
      );
    }
    return enforceValue(v, spec, `column ${name}`);
  });
}

export function enforceColumnSchema(input: ModelInput, specs: ColSpec[]): DataFrameInput {
  const frame = inputToFrame(input, specs);
  const named = specs[0]!.name !== undefined;
  let chosen: { spec: ColSpec; index: number; name: string }[];
  if (named) {
    const actual = new Set(frame.columns);
    const required = specs.filter((s) => s.required).map((s) => s.name!);
    const missing = required.filter((n) => !actual.has(n));
    if (missing.length > 0) {
      const known = new Set(specs.map((s) => s.name!));
      const extra = frame.columns.filter((c) => !known.has(c));
      let message = `Model is missing inputs ${pyList(missing)}.`;
      if (extra.length > 0) message += ` Note that there were extra inputs: ${pyList(extra)}`;
      throw MlflowError.invalidParameter(message);
    }
    // Extra columns are dropped and the result follows the schema's order.
    chosen = specs
      .filter((s) => actual.has(s.name!))
      .map((s) => ({ spec: s, index: frame.columns.indexOf(s.name!), name: s.name! }));
  } else {
    if (frame.columns.length < specs.length) {
      throw MlflowError.invalidParameter(
        `Model inference is missing inputs. The model signature declares ${specs.length} inputs  but the provided value only has ${frame.columns.length} inputs. Note: the inputs were not named in the signature so we can only verify their count.`,
      );
    }
    chosen = specs.map((s, i) => ({ spec: s, index: i, name: frame.columns[i]! }));
  }
  const cols = chosen.map((c) => enforceColumn(frame, c.index, c.spec, c.name));
  return {
    kind: 'dataframe',
    columns: chosen.map((c) => c.name),
    rows: frame.rows.map((_, r) => cols.map((col) => col[r])),
  };
}

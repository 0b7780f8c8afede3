/**
 * Reads an MLproject file as MLflow does (`yaml.safe_load`, PyYAML's YAML 1.1 scalar rules), but keeps
 * whether a number was written as a float: MLflow substitutes `str(value)` of a default into the
 * command and logs it as the param, and Python prints the float `1.0` as `1.0` where JavaScript has `1`.
 */
import { MlflowError } from '../errors.js';
import { loadPyyamlDocument, pyyamlScalarTags } from '../mlmodel/pyyaml-load.js';
import { constructPyyamlFloat, pythonFloatStr, pyyamlSafeScalars } from '../mlmodel/pyyaml-resolver.js';

/** A YAML float, kept apart from integers so `pythonStr` can print it the way Python does. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const TAGS = pyyamlScalarTags(pyyamlSafeScalars({ float: (text) => new PyFloat(constructPyyamlFloat(text)) }));

/** Bounds what one MLproject may cost to read (MLflow's files are a few hundred bytes). */
const MAX_MLPROJECT_BYTES = 1024 * 1024;

export function loadMlprojectYaml(text: string): unknown {
  if (text.length > MAX_MLPROJECT_BYTES) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `MLproject file is larger than ${MAX_MLPROJECT_BYTES} bytes`);
  }
  return loadPyyamlDocument(text, 'YAML in MLproject file', TAGS, { uniqueKeys: false });
}

function pythonRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : pythonStr(value);
}

/** Python's `str()` of a value `yaml.safe_load` produced (what MLflow puts in commands and params). */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof PyFloat) return pythonFloatStr(value.value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : pythonFloatStr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Reads an MLproject file as MLflow does (`yaml.safe_load`, PyYAML's YAML 1.1 scalar rules), but keeps
 * whether a number was written as a float: MLflow substitutes `str(value)` of a default into the
 * command and logs it as the param, and Python prints the float `1.0` as `1.0` where JavaScript has `1`.
 */
import { parseDocument, type ScalarTag } from 'yaml';
import { MlflowError } from '../errors.js';
import {
  PYYAML_BOOL_RE,
  PYYAML_FLOAT_RE,
  PYYAML_INT_RE,
  PYYAML_NULL_RE,
  constructPyyamlBool,
  constructPyyamlFloat,
  constructPyyamlInt,
} from '../mlmodel/pyyaml-resolver.js';

/** A YAML float, kept apart from integers so `pythonStr` can print it the way Python does. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const TAGS: ScalarTag[] = [
  { tag: 'tag:yaml.org,2002:bool', default: true, test: PYYAML_BOOL_RE, resolve: constructPyyamlBool },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    test: PYYAML_FLOAT_RE,
    resolve: (text: string) => new PyFloat(constructPyyamlFloat(text)),
  },
  { tag: 'tag:yaml.org,2002:int', default: true, test: PYYAML_INT_RE, resolve: constructPyyamlInt },
  { tag: 'tag:yaml.org,2002:null', default: true, test: PYYAML_NULL_RE, resolve: () => null },
];

/** Bounds what one MLproject may cost to read (MLflow's files are a few hundred bytes). */
const MAX_MLPROJECT_BYTES = 1024 * 1024;

export function loadMlprojectYaml(text: string): unknown {
  if (text.length > MAX_MLPROJECT_BYTES) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `MLproject file is larger than ${MAX_MLPROJECT_BYTES} bytes`);
  }
  const doc = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    customTags: TAGS,
    merge: true,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const first = doc.errors[0];
  if (first) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid YAML in MLproject file: ${first.message}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Python's `repr(float)` (= `str`): shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pythonFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mantissa}e${exp < 0 ? '-' : '+'}${Math.abs(exp).toString().padStart(2, '0')}`;
  const s = x.toString();
  return s.includes('.') ? s : `${s}.0`;
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

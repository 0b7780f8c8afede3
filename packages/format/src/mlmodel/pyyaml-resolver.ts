/**
 * PyYAML's implicit scalar resolution (yaml/resolver.py, YAML 1.1) and the safe constructors for the
 * resolved tags. MLflow reads and writes every YAML file with PyYAML, so one table drives both sides:
 * the loader resolves plain scalars exactly as `yaml.safe_load` does, and the dumper quotes a string
 * exactly when PyYAML would (because a plain scalar would read back as something else).
 *
 * Timestamps are deliberately left out of loading (they stay strings, which is what MLflow writes —
 * `utc_time_created` is quoted) but kept for the dumper's quoting decision.
 */

/** PyYAML's resolvers, in its registration order; each applies only to values starting with one of `first`. */
const RESOLVERS: ReadonlyArray<{ tag: string; re: RegExp; first: string }> = [
  {
    tag: 'bool',
    re: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    first: 'yYnNtTfFoO',
  },
  {
    tag: 'float',
    re: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    first: '-+0123456789.',
  },
  {
    tag: 'int',
    re: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    first: '-+0123456789',
  },
  { tag: 'merge', re: /^(?:<<)$/, first: '<' },
  { tag: 'null', re: /^(?:~|null|Null|NULL|)$/, first: '~nN' },
  {
    tag: 'timestamp',
    re: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    first: '0123456789',
  },
  { tag: 'value', re: /^(?:=)$/, first: '=' },
  { tag: 'yaml', re: /^(?:!|&|\*)$/, first: '!&*' },
];

/**
 * The tag PyYAML would give `value` written as a plain scalar (`'str'` when no resolver claims it).
 * Python's `$` also matches before one trailing newline; such values are never written plain, so the
 * difference cannot change an output.
 */
export function pyyamlImplicitTag(value: string): string {
  if (value === '') return 'null';
  for (const r of RESOLVERS) if (r.first.includes(value[0]!) && r.re.test(value)) return r.tag;
  return 'str';
}

export const PYYAML_INT_RE = RESOLVERS[2]!.re;

/** One implicit scalar type of `yaml.safe_load`: plain scalars matching `test` become `construct(text)`. */
export interface PyyamlScalarType {
  readonly tag: 'bool' | 'float' | 'int' | 'null';
  readonly test: RegExp;
  readonly construct: (text: string) => unknown;
}

/**
 * The implicit scalar types `yaml.safe_load` resolves (bool, float, int, null; timestamps stay
 * strings), for any YAML library's custom-tag hook; no two patterns overlap, so order is free. A
 * reader that needs exact ints or marked floats passes its own `int` or `float` constructor.
 */
export function pyyamlSafeScalars(
  construct: { readonly int?: (text: string) => unknown; readonly float?: (text: string) => unknown } = {},
): PyyamlScalarType[] {
  return [
    { tag: 'bool', test: RESOLVERS[0]!.re, construct: constructPyyamlBool },
    { tag: 'float', test: RESOLVERS[1]!.re, construct: construct.float ?? constructPyyamlFloat },
    { tag: 'int', test: PYYAML_INT_RE, construct: construct.int ?? constructPyyamlInt },
    { tag: 'null', test: RESOLVERS[4]!.re, construct: () => null },
  ];
}

/** `a:b:c` base-60 digits (YAML 1.1 sexagesimal), most significant first. */
function sexagesimal(digits: string[], parse: (s: string) => number): number {
  let value = 0;
  for (const d of digits) value = value * 60 + parse(d);
  return value;
}

/** SafeConstructor.construct_yaml_int. */
export function constructPyyamlInt(text: string): number {
  let value = text.replace(/_/g, '');
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '0') return 0;
  if (value.startsWith('0b')) return sign * parseInt(value.slice(2), 2);
  if (value.startsWith('0x')) return sign * parseInt(value.slice(2), 16);
  if (value[0] === '0') return sign * parseInt(value, 8);
  if (value.includes(':')) return sign * sexagesimal(value.split(':'), (d) => parseInt(d, 10));
  return sign * parseInt(value, 10);
}

/**
 * `constructPyyamlInt`, but exact as Python ints are: a decimal beyond 2^53 (an 18-digit experiment
 * id written unquoted in meta.yaml) comes back as its exact digits, not a rounded number.
 */
export function constructPyyamlIntExact(text: string): number | string {
  const n = constructPyyamlInt(text);
  if (Number.isSafeInteger(n) || !/^[-+]?[1-9][0-9_]*$/.test(text)) return n;
  const digits = text.replace(/[_+]/g, '');
  return digits;
}

/** SafeConstructor.construct_yaml_float. */
export function constructPyyamlFloat(text: string): number {
  let value = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (value[0] === '-') sign = -1;
  if (value[0] === '-' || value[0] === '+') value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  if (value.includes(':')) return sign * sexagesimal(value.split(':'), Number.parseFloat);
  return sign * Number(value);
}

/** SafeConstructor.construct_yaml_bool. */
export function constructPyyamlBool(text: string): boolean {
  return ['yes', 'true', 'on'].includes(text.toLowerCase());
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

/**
 * Python's `repr(float)` as PyYAML's representer writes it: `.inf`, `-.inf`, `.nan`, and `1.0e-05`
 * rather than `1e-05` (PyYAML inserts `.0` so the text still resolves as a float).
 */
export function pyyamlFloatRepr(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const repr = pythonFloatStr(x);
  return repr.includes('e') && !repr.includes('.') ? repr.replace('e', '.0e') : repr;
}

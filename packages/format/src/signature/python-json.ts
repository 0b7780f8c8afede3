/**
 * JSON text exactly as Python's `json.dumps` writes it (default `ensure_ascii=True`,
 * `allow_nan=True`): MLflow stores signature schemas and input examples this way, and files must
 * stay byte-identical when read and written back. JavaScript numbers cannot tell 1.0 from 1, so
 * integral numbers are written the way Python writes ints.
 */

/**
 * Nested lists whose numbers are floats (a float tensor's values, as numpy's `tolist()` gives them):
 * written `4.0`, not `4`. Row lists (a DataFrame's records) may name their float columns instead.
 * A marker, not a wrapper, so the values stay plain arrays for every other reader.
 */
const FLOAT_LISTS = new WeakSet<object>();
const FLOAT_COLUMNS = new WeakMap<object, ReadonlySet<string>>();

/** Marks `list` (a nested list of numbers) as floats for `toPythonJson`; returns it. */
export function markFloatList<T extends object>(list: T): T {
  FLOAT_LISTS.add(list);
  return list;
}

/** Marks the float columns of `rows` (a list of records) for `toPythonJson`; returns it. */
export function markFloatColumns<T extends object>(rows: T, columns: Iterable<string>): T {
  FLOAT_COLUMNS.set(rows, new Set(columns));
  return rows;
}

export function isFloatList(list: object): boolean {
  return FLOAT_LISTS.has(list);
}

/** `indent` undefined: one line with `", "` / `": "` separators; a number: Python's `indent=n` layout. */
export function toPythonJson(value: unknown, indent?: number): string {
  return dump(value, indent, '', false);
}

function dump(
  value: unknown,
  indent: number | undefined,
  pad: string,
  float: boolean,
  floatKeys?: ReadonlySet<string>,
): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return float ? pythonFloat(value) : pythonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pythonString(value);
  if (value instanceof Date) return pythonString(value.toISOString());
  const inner = indent === undefined ? '' : pad + ' '.repeat(indent);
  const open = indent === undefined ? '' : `\n${inner}`;
  const close = indent === undefined ? '' : `\n${pad}`;
  const sep = indent === undefined ? ', ' : `,\n${inner}`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const list = value as ArrayLike<unknown>;
    if (list.length === 0) return '[]';
    const floats = float || FLOAT_LISTS.has(value) || value instanceof Float32Array || value instanceof Float64Array;
    if (indent === undefined) {
      const flat = numberList(list, floats);
      if (flat !== undefined) return flat;
    }
    const columns = FLOAT_COLUMNS.get(value) ?? floatKeys;
    let body = '';
    for (let i = 0; i < list.length; i++) body += (i > 0 ? sep : '') + dump(list[i], indent, inner, floats, columns);
    return `[${open}${body}${close}]`;
  }
  if (typeof value === 'object') {
    let body = '';
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      if (body !== '') body += sep;
      body += `${pythonString(k)}: ${dump(v, indent, inner, float || (floatKeys?.has(k) ?? false))}`;
    }
    return body === '' ? '{}' : `{${open}${body}${close}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

/** A number Python holds as a float: its repr, `.0` on integral values (`4.0`, `-0.0`, `3e+16`). */
export function pythonFloat(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e-4 && abs < 1e16) {
    // Both languages print the shortest round-trip digits here, and JS uses no exponent in this range.
    const s = String(n);
    return Number.isInteger(n) ? `${s}.0` : s;
  }
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  return floatRepr(n);
}

/** Python's repr of a number: an int when integral (in int64 range), else its float repr. */
export function pythonNumber(n: number): string {
  if (Number.isInteger(n)) {
    if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) return Object.is(n, -0) ? '0' : String(n);
    // Integral values in int64 range are written as Python ints; beyond it only a float could hold them.
    if (Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  }
  const abs = Math.abs(n);
  return abs >= 1e-4 && abs < 1e16 ? String(n) : floatRepr(n);
}

/** Python's float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16, `e-05` style exponents. */
function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return String(n);
  const sign = exp < 0 ? '-' : '+';
  const digits = Math.abs(exp).toString().padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

/** A flat list of numbers, written in one loop (prediction rows: the common case, kept fast). */
function numberList(items: ArrayLike<unknown>, float: boolean): string | undefined {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    const v = items[i];
    if (typeof v !== 'number') return undefined;
    if (i > 0) out += ', ';
    out += float ? pythonFloat(v) : pythonNumber(v);
  }
  return `${out}]`;
}

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function pythonString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  // JSON.stringify escapes what Python escapes except non-ASCII, which ensure_ascii writes as \uXXXX.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON text exactly as Python's `json.dumps` writes it (default `ensure_ascii=True`,
 * `allow_nan=True`): MLflow stores signature schemas and input examples this way, and files must
 * stay byte-identical when read and written back. JavaScript numbers cannot tell 1.0 from 1, so
 * integral numbers are written the way Python writes ints.
 */

/** `indent` undefined: one line with `", "` / `": "` separators; a number: Python's `indent=n` layout. */
export function toPythonJson(value: unknown, indent?: number): string {
  return dump(value, indent, '');
}

function dump(value: unknown, indent: number | undefined, pad: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return pythonString(value);
  if (value instanceof Date) return pythonString(value.toISOString());
  const inner = indent === undefined ? '' : pad + ' '.repeat(indent);
  const open = indent === undefined ? '' : `\n${inner}`;
  const close = indent === undefined ? '' : `\n${pad}`;
  const sep = indent === undefined ? ', ' : `,\n${inner}`;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    if (items.length === 0) return '[]';
    return `[${open}${items.map((v) => dump(v, indent, inner)).join(sep)}${close}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${pythonString(k)}: ${dump(v, indent, inner)}`).join(sep);
    return `{${open}${body}${close}}`;
  }
  throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
}

/** Python's float repr: shortest round-trip digits, scientific below 1e-4 and from 1e16, `e-05` style exponents. */
export function pythonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  // Integral values in int64 range are written as Python ints; beyond it only a float could hold them.
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Object.is(n, -0) ? '0' : BigInt(n).toString();
  const [mantissa, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) return String(n);
  const sign = exp < 0 ? '-' : '+';
  const digits = Math.abs(exp).toString().padStart(2, '0');
  return `${mantissa}e${sign}${digits}`;
}

function pythonString(s: string): string {
  // JSON.stringify escapes what Python escapes except non-ASCII, which ensure_ascii writes as \uXXXX.
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

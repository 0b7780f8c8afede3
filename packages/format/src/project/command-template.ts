/**
 * An entry point's `command` is a Python `str.format` template: `{name}` is replaced by the
 * (already shell-quoted) parameter, `{{` and `}}` are literal braces. Conversions, format specs and
 * positional fields are not used by MLproject files; they are refused with a clear error rather than
 * half-supported.
 */
import { MlflowError } from '../errors.js';

export function formatCommand(template: string, values: Readonly<Record<string, string>>, entryPoint = 'main'): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) throw badTemplate(entryPoint, "Single '{' encountered in format string");
      const field = template.slice(i + 1, end);
      if (!/^[A-Za-z_][\w-]*$/.test(field)) {
        throw badTemplate(
          entryPoint,
          `unsupported replacement field '{${field}}' (only {parameter_name} is supported)`,
        );
      }
      const value = values[field];
      if (value === undefined) {
        throw badTemplate(entryPoint, `the command refers to {${field}}, which is not a parameter of the entry point`);
      }
      out += value;
      i = end + 1;
    } else if (c === '}') {
      throw badTemplate(entryPoint, "Single '}' encountered in format string");
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function badTemplate(entryPoint: string, why: string): MlflowError {
  return new MlflowError('INVALID_PARAMETER_VALUE', `Invalid command of entry point '${entryPoint}': ${why}`);
}

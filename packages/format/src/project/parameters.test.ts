import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { formatCommand } from './command-template.js';
import { pythonFloatStr } from '../mlmodel/pyyaml-resolver.js';
import { entryPointCommand, localPathOrUndefined, parameterText, resolveParameters } from './parameters.js';
import { parseMlproject } from './project-spec.js';
import { shellQuote } from './shell-quote.js';

const spec = parseMlproject(`
entry_points:
  main:
    parameters:
      alpha: float
      epochs: {type: int, default: 10}
      data: {type: uri, default: "s3://bucket/data.csv"}
      out: path
      name: {type: string, default: "hello world"}
    command: "train --alpha {alpha} --epochs {epochs} --data {data} --out {out} --name {name}"
`);
const main = spec.entryPoints.main!;

const messageOf = (fn: () => unknown): string => catchMlflowError(fn).message;

describe('resolveParameters', () => {
  it('takes defaults, casts by type and keeps extra keys', () => {
    const r = resolveParameters(main, { alpha: '0.5', out: 'x', extra: 'a b', n: 3 });
    expect(r.params).toEqual({
      alpha: '0.5',
      epochs: '10',
      data: 's3://bucket/data.csv',
      out: 'x',
      name: 'hello world',
    });
    expect(r.typed).toMatchObject({ alpha: 0.5, epochs: 10 });
    expect(r.extra).toEqual({ extra: 'a b', n: '3' });
    expect(entryPointCommand(main, r.params, r.extra)).toBe(
      "train --alpha 0.5 --epochs 10 --data s3://bucket/data.csv --out x --name 'hello world' --extra 'a b' --n 3",
    );
  });

  it('names every missing parameter at once', () => {
    expect(messageOf(() => resolveParameters(main, {}))).toBe("No value given for missing parameters: 'alpha', 'out'");
  });

  it('refuses values of the wrong type, naming the parameter', () => {
    expect(messageOf(() => resolveParameters(main, { alpha: 'abc', out: 'x' }))).toBe(
      "Parameter 'alpha' of entry point 'main' must be a float, got 'abc'",
    );
    expect(messageOf(() => resolveParameters(main, { alpha: '1', epochs: '1.5', out: 'x' }))).toBe(
      "Parameter 'epochs' of entry point 'main' must be an int, got '1.5'",
    );
    expect(messageOf(() => resolveParameters(main, { alpha: '1', data: 'relative/file', out: 'x' }))).toBe(
      'Expected URI for parameter data but got relative/file',
    );
  });

  it("accepts what Python's int() and float() accept", () => {
    for (const alpha of ['1', '-2.5', '.5', '1e-3', '1_000.5', ' 3 ', 'inf', '-Infinity', 'nan', '5.']) {
      expect(() => resolveParameters(main, { alpha, out: 'x' }), alpha).not.toThrow();
    }
    for (const alpha of ['', '.', 'e5', '1e', '0x10', '1,5', '--1']) {
      expect(() => resolveParameters(main, { alpha, out: 'x' }), alpha).toThrow(MlflowError);
    }
    expect(resolveParameters(main, { alpha: 1, epochs: '1_000', out: 'x' }).typed.epochs).toBe(1000);
  });

  it("prints non-string values as Python's str() does", () => {
    expect(parameterText(true)).toBe('True');
    expect(parameterText(0.1)).toBe('0.1');
    expect(parameterText(3)).toBe('3');
    expect(parameterText(1e-7)).toBe('1e-07');
    expect(pythonFloatStr(1e16)).toBe('1e+16');
    expect(pythonFloatStr(2)).toBe('2.0');
  });
});

describe('names that are Object.prototype keys', () => {
  it('stay plain keys and never become a prototype', () => {
    const s = parseMlproject(
      'entry_points:\n  __proto__:\n    command: "echo hi"\n  constructor:\n    command: "echo {toString}"\n    parameters: {toString: {default: x}}\n',
    );
    expect(Object.getPrototypeOf(s.entryPoints)).toBe(Object.prototype);
    const ep = s.entryPoints.constructor as unknown as typeof main;
    const user = JSON.parse('{"__proto__": "y"}') as Record<string, string>;
    const r = resolveParameters(ep, user);
    expect(Object.getPrototypeOf(r.extra)).toBe(Object.prototype);
    expect(entryPointCommand(ep, r.params, r.extra)).toBe('echo x --__proto__ y');
  });
});

describe('shellQuote (shlex.quote)', () => {
  it('quotes exactly what shlex.quote quotes', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a-b_c/d.e:f,g@h%i+j=k')).toBe('a-b_c/d.e:f,g@h%i+j=k');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote('$(rm -rf /)')).toBe("'$(rm -rf /)'");
    expect(shellQuote('é')).toBe("'é'");
  });
});

describe('formatCommand (str.format)', () => {
  it('fills fields and unescapes braces', () => {
    expect(formatCommand('echo {{x}} {a}', { a: '1' })).toBe('echo {x} 1');
  });
  it('refuses unknown and unsupported fields', () => {
    expect(messageOf(() => formatCommand('echo {b}', { a: '1' }))).toMatch(/refers to \{b\}, which is not a parameter/);
    expect(messageOf(() => formatCommand('echo {}', {}))).toMatch(/unsupported replacement field/);
    expect(messageOf(() => formatCommand('echo {a', { a: '1' }))).toMatch(/Single '\{'/);
    expect(messageOf(() => formatCommand('echo }', {}))).toMatch(/Single '\}'/);
  });
});

describe('localPathOrUndefined (get_local_path_or_none)', () => {
  it('returns local paths and file: URIs without a host', () => {
    expect(localPathOrUndefined('data/x.csv')).toBe('data/x.csv');
    expect(localPathOrUndefined('/abs/x')).toBe('/abs/x');
    expect(localPathOrUndefined('file:///abs/a%20b')).toBe('/abs/a b');
    expect(localPathOrUndefined('file://host/x')).toBeUndefined();
    expect(localPathOrUndefined('s3://b/k')).toBeUndefined();
  });
});

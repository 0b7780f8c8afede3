import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import type { SafeDumpOptions } from './pyyaml-dump.js';
import { safeLoadYaml } from './pyyaml-load.js';

const golden = JSON.parse(readFileSync(new URL('./testdata/pyyaml-golden.json', import.meta.url), 'utf8')) as {
  cases: Array<{ value: unknown; options: SafeDumpOptions; yaml: string }>;
};

describe('safeLoadYaml', () => {
  it('resolves plain scalars as PyYAML safe_load does', () => {
    // Expected values are Python's yaml.safe_load of the same text.
    const text =
      "a: [yes, 1_000, 0x1F, 017, '1:30', 1:30, 1e5, ~, 2023-01-01x, .5, 1.5e+3, 190:20:30.15, 0b101, +12, -.inf, On, 0, -0, 00, 3.10.12, 1.]";
    expect(safeLoadYaml(text)).toEqual({
      a: [
        true,
        1000,
        31,
        15,
        '1:30',
        90,
        '1e5',
        null,
        '2023-01-01x',
        0.5,
        1500,
        685230.15,
        5,
        12,
        -Infinity,
        true,
        0,
        0,
        0,
        '3.10.12',
        1,
      ],
    });
  });

  it('keeps timestamps as strings and honours merge keys', () => {
    expect(
      safeLoadYaml("t: 2023-01-01 10:57:16.077123\nq: '2023-01-01'\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n"),
    ).toEqual({
      t: '2023-01-01 10:57:16.077123',
      q: '2023-01-01',
      base: { x: 1 },
      m: { x: 1, y: 2 },
    });
  });

  it('reads back every PyYAML-written document of the golden corpus', () => {
    // The `yaml` package reads YAML 1.2, where NEL, LS and PS are not line breaks; PyYAML (1.1) folds
    // at them. They only reach the output unescaped with allow_unicode, which MLmodel does not use.
    const cases = golden.cases.filter(
      (c) => !(c.options.allowUnicode && /[\x85\u2028\u2029]/.test(JSON.stringify(c.value))),
    );
    expect(cases.length).toBeGreaterThan(180);
    for (const c of cases) expect(safeLoadYaml(c.yaml)).toEqual(c.value);
  });

  it('reports syntax errors as INVALID_PARAMETER_VALUE naming the document', () => {
    let error: unknown;
    try {
      safeLoadYaml("a: 'unclosed\n", 'MLmodel');
    } catch (e) {
      error = e;
    }
    expect(MlflowError.isInstance(error) && error.code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as Error).message).toMatch(/^Invalid MLmodel: /);
  });
});

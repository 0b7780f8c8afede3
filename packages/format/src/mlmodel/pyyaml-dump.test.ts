import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.js';
import { safeDumpYaml, type SafeDumpOptions } from './pyyaml-dump.js';

// Written by PyYAML itself (scripts/pyyaml-golden.py): random strings with every quoting trigger,
// long word runs that fold, nesting, empty collections, floats, unicode with and without allow_unicode.
const golden = JSON.parse(readFileSync(new URL('./testdata/pyyaml-golden.json', import.meta.url), 'utf8')) as {
  cases: Array<{ value: unknown; options: SafeDumpOptions; yaml: string }>;
};

describe('safeDumpYaml', () => {
  it('matches PyYAML safe_dump byte for byte on the golden corpus', () => {
    expect(golden.cases.length).toBeGreaterThan(200);
    const mismatches = golden.cases.filter((c) => safeDumpYaml(c.value, c.options) !== c.yaml);
    expect(mismatches.slice(0, 3).map((c) => ({ ...c, ours: safeDumpYaml(c.value, c.options) }))).toEqual([]);
  });

  it("writes floats as Python repr does, with PyYAML's special values", () => {
    // Expected strings are yaml.safe_dump([...]) output.
    expect(safeDumpYaml([0.5, 1e-5, 1.5e-7, 2.5e20, 1e16, 0.0001, NaN, Infinity, -Infinity, -0, 3])).toBe(
      '- 0.5\n- 1.0e-05\n- 1.5e-07\n- 2.5e+20\n- 1.0e+16\n- 0.0001\n- .nan\n- .inf\n- -.inf\n- -0.0\n- 3\n',
    );
  });

  it('ends a plain root scalar with the document-end marker', () => {
    expect(safeDumpYaml('abc')).toBe('abc\n...\n');
    expect(safeDumpYaml('yes')).toBe("'yes'\n");
    expect(safeDumpYaml({})).toBe('{}\n');
  });

  it('rejects values JSON cannot hold, naming the path', () => {
    let error: unknown;
    try {
      safeDumpYaml({ metadata: { when: new Date(0) } });
    } catch (e) {
      error = e;
    }
    expect(MlflowError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("'metadata.when'");
  });
});

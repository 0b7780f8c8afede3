import { describe, expect, it } from 'vitest';
import { dumpYaml, parseYaml } from './yaml-file.js';

describe('parseYaml (PyYAML safe_load semantics)', () => {
  it('reads what MLflow writes into a run meta.yaml', () => {
    const text = [
      'artifact_uri: file:///tmp/mlruns/123/abc/artifacts',
      'deleted_time: null',
      'end_time: null',
      "entry_point_name: ''",
      "experiment_id: '123'",
      'lifecycle_stage: active',
      'run_id: abc',
      "run_name: 'yes'",
      'source_type: 4',
      'start_time: 1700000000123',
      'status: 3',
      'tags: []',
      'user_id: ',
      '',
    ].join('\n');
    expect(parseYaml(text)).toEqual({
      artifact_uri: 'file:///tmp/mlruns/123/abc/artifacts',
      deleted_time: null,
      end_time: null,
      entry_point_name: '',
      experiment_id: '123',
      lifecycle_stage: 'active',
      run_id: 'abc',
      run_name: 'yes',
      source_type: 4,
      start_time: 1700000000123,
      status: 3,
      tags: [],
      user_id: null,
    });
  });

  it('resolves plain scalars by YAML 1.1 rules, not YAML 1.2 core', () => {
    const m = parseYaml(
      'a: yes\nb: Off\nc: 1e5\nd: 0o17\ne: 0777\nf: 1_000\ng: 1.5e+3\nh: .inf\ni: ~\nj: 0x1f\nk: 1:30\nl: 2024-01-02\n',
    ) as Record<string, unknown>;
    expect(m).toEqual({
      a: true,
      b: false,
      c: '1e5',
      d: '0o17',
      e: 511,
      f: 1000,
      g: 1500,
      h: Infinity,
      i: null,
      j: 31,
      k: 90,
      l: '2024-01-02',
    });
  });

  it('keeps integers beyond 2^53 digit-exact and lets a later duplicate key win', () => {
    expect(parseYaml('experiment_id: 123456789012345678\nx: 1\nx: 2\n')).toEqual({
      experiment_id: '123456789012345678',
      x: 2,
    });
  });

  it('round-trips what dumpYaml writes', () => {
    const data = { a: '', b: 'null', c: '0', d: 'yes', e: 12, f: null, g: '1e5', h: 'x: y', i: [] };
    expect(parseYaml(dumpYaml(data))).toEqual(data);
  });

  it('throws on malformed text', () => {
    expect(() => parseYaml('a: [1, 2\nb: 3')).toThrow();
  });
});

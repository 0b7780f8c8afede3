import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import { compareSortValues, compareWithOrderBy, parseOrderBy } from './order-by.js';

const orderByError = (clause: string, entity: SearchEntity = 'runs'): string =>
  catchMlflowError(() => parseOrderBy([clause], entity), 'INVALID_PARAMETER_VALUE').message;

describe('parseOrderBy', () => {
  it('parses documented clauses with ASC by default', () => {
    expect(parseOrderBy(['metrics.accuracy DESC', 'params.lr DESC', 'metrics.m DESC'], 'runs')).toEqual([
      { identifier: { type: 'metric', key: 'accuracy' }, ascending: false },
      { identifier: { type: 'param', key: 'lr' }, ascending: false },
      { identifier: { type: 'metric', key: 'm' }, ascending: false },
    ]);
    expect(
      parseOrderBy(['attributes.start_time DESC', 'start_time desc', 'created asc'], 'runs').map((c) => [
        c.identifier.key,
        c.ascending,
      ]),
    ).toEqual([
      ['start_time', false],
      ['start_time', false],
      ['start_time', true],
    ]);
    // The filter aliases work here too (MLflow only takes `created`; accepting more is harmless).
    expect(parseOrderBy(['"run name" DESC'], 'runs')).toEqual([
      { identifier: { type: 'attribute', key: 'run_name' }, ascending: false },
    ]);
    expect(parseOrderBy(['metrics.`my key` DESC', 'params."a b"', 'tags.mlflow.runName'], 'runs')).toEqual([
      { identifier: { type: 'metric', key: 'my key' }, ascending: false },
      { identifier: { type: 'param', key: 'a b' }, ascending: true },
      { identifier: { type: 'tag', key: 'mlflow.runName' }, ascending: true },
    ]);
    expect(
      parseOrderBy(['name', 'experiment_id DESC', 'creation_time', 'last_update_time ASC'], 'experiments'),
    ).toHaveLength(4);
    expect(
      parseOrderBy(['name ASC', 'creation_timestamp DESC', 'last_updated_timestamp'], 'registered_models'),
    ).toHaveLength(3);
    expect(parseOrderBy(['version_number DESC', 'name'], 'model_versions')[0]).toEqual({
      identifier: { type: 'attribute', key: 'version_number' },
      ascending: false,
    });
    expect(parseOrderBy(undefined, 'runs')).toEqual([]);
  });

  const bad: [string, SearchEntity, RegExp][] = [
    [
      'metrics.acc DOWN',
      'runs',
      /position 13: expected ASC, DESC or the end of the clause after 'metrics.acc', found 'DOWN'/,
    ],
    ['metrics.acc DESC extra', 'runs', /position 18: expected the end of the clause/],
    ['datasets.name', 'runs', /'datasets' identifiers are not supported in order_by for runs/],
    ['attributes.lifecycle_stage', 'runs', /invalid attribute key 'lifecycle_stage'/],
    ['tags.k', 'experiments', /'tags' identifiers are not supported in order_by for experiments/],
    ['version_number', 'registered_models', /invalid attribute key 'version_number' for registered models/],
    ['source_path', 'model_versions', /invalid attribute key 'source_path'/],
    ['', 'runs', /position 1: expected an identifier, found an empty clause/],
    ["'name'", 'experiments', /expected an identifier/],
  ];
  for (const [clause, entity, pattern] of bad) {
    it(`rejects ${entity} '${clause}'`, () => {
      const message = orderByError(clause, entity);
      expect(message.startsWith(`Invalid order_by clause '${clause}' at position `)).toBe(true);
      expect(message).toMatch(pattern);
    });
  }
});

describe('compareWithOrderBy', () => {
  type Item = { id: string; m?: number; s?: string };
  const get = (item: Item, id: Identifier) => (id.key === 'm' ? item.m : item.s);
  const items: Item[] = [
    { id: 'a', m: 2, s: 'x' },
    { id: 'b', m: NaN, s: 'y' },
    { id: 'c', s: 'x' },
    { id: 'd', m: 1, s: 'x' },
    { id: 'e', m: 2, s: 'w' },
  ];
  const m: Identifier = { type: 'metric', key: 'm' };
  const s: Identifier = { type: 'param', key: 's' };

  it('puts NaN then missing last in both directions', () => {
    expect([...items].sort(compareWithOrderBy([{ identifier: m, ascending: true }], get)).map((i) => i.id)).toEqual([
      'd',
      'a',
      'e',
      'b',
      'c',
    ]);
    expect([...items].sort(compareWithOrderBy([{ identifier: m, ascending: false }], get)).map((i) => i.id)).toEqual([
      'a',
      'e',
      'd',
      'b',
      'c',
    ]);
  });

  it('applies clauses in order and keeps the base order on ties', () => {
    const cmp = compareWithOrderBy(
      [
        { identifier: s, ascending: true },
        { identifier: m, ascending: false },
      ],
      get,
    );
    expect([...items].sort(cmp).map((i) => i.id)).toEqual(['e', 'a', 'd', 'c', 'b']);
    expect(compareWithOrderBy([], get)(items[0]!, items[1]!)).toBe(0);
  });

  it('compares strings by code unit and big integer IDs exactly', () => {
    expect(compareSortValues('10', '9', true)).toBeLessThan(0);
    expect(compareSortValues(123456789012345678n, 123456789012345679n, true)).toBeLessThan(0);
    expect(compareSortValues(5, 5, false)).toBe(0);
    expect(compareSortValues(undefined, NaN, false)).toBeGreaterThan(0);
  });
});

/** Property: SQL search-experiments answers exactly what `searchExperimentsInMemory` answers over the same experiments. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFilter, searchExperimentsInMemory } from '@mlflow-ts/format';
import type { Comparator, Experiment, FilterNode, Identifier } from '@mlflow-ts/format';
import { filterTrees } from './filter-trees.js';
import { DIALECTS, openStore, type OpenedStore } from './stores.js';

const NAMES = ['a', 'A', 'ab', 'a%b', 'a_b', "it's", 'b', 'x\\y'];
const VALUES = ['dev', 'prod', 'Dev', '', 'a%b'];
const PATTERNS = ['a%', '%b%', '_', 'A%', '%\\%%', '%', 'p%', '%v'];

describe.each(DIALECTS)('SQL experiment search equals in-memory search on %s', (dialect) => {
  let s: OpenedStore;
  let experiments: Experiment[];
  let times: number[];
  beforeAll(async () => {
    s = await openStore(dialect);
    for (let i = 0; i < 24; i++) {
      const tags = [];
      if (i % 3 !== 0) tags.push({ key: 'stage', value: VALUES[i % VALUES.length] as string });
      if (i % 4 === 1) tags.push({ key: 'owner name', value: VALUES[(i * 7) % VALUES.length] as string });
      const id = await s.store.createExperiment({ name: `${NAMES[i % NAMES.length]}-${i}`, tags });
      if (i % 5 === 4) await s.store.deleteExperiment(id);
    }
    experiments = (await s.store.searchExperiments({ view_type: 'ALL', max_results: 1000 })).items;
    times = [...new Set(experiments.flatMap((e) => [e.creation_time ?? 0, e.last_update_time ?? 0]))];
  });
  afterAll(async () => {
    await s.cleanup();
  });

  const cmp = (identifier: Identifier, comparator: Comparator, value: unknown): FilterNode =>
    ({ kind: 'comparison', identifier, comparator, value }) as FilterNode;
  const stringId = fc.constantFrom<Identifier>(
    { type: 'attribute', key: 'name' },
    { type: 'tag', key: 'stage' },
    { type: 'tag', key: 'owner name' },
  );
  const comparison: fc.Arbitrary<FilterNode> = fc.oneof(
    fc
      .tuple(stringId, fc.constantFrom<Comparator>('=', '!='), fc.constantFrom(...VALUES, 'a-0'))
      .map(([i, op, v]) => cmp(i, op, v)),
    fc
      .tuple(
        stringId,
        fc.constantFrom<Comparator>('LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'),
        fc.constantFrom(...PATTERNS),
      )
      .map(([i, op, v]) => cmp(i, op, v)),
    fc.tuple(stringId, fc.constantFrom<Comparator>('IS NULL', 'IS NOT NULL')).map(([i, op]) => cmp(i, op, null)),
    fc
      .tuple(
        fc.constantFrom('creation_time', 'last_update_time'),
        fc.constantFrom<Comparator>('=', '>', '<=', '!='),
        fc.nat(),
      )
      .map(([key, op, n]) => cmp({ type: 'attribute', key }, op, times[n % times.length] ?? 0)),
  );
  const filter = filterTrees(comparison, 3);
  const orderBy = fc.subarray(
    ['name DESC', 'creation_time ASC', 'last_update_time DESC', 'experiment_id DESC', 'name'],
    { maxLength: 2 },
  );
  const viewType = fc.constantFrom('ACTIVE_ONLY', 'DELETED_ONLY', 'ALL' as const);

  it('answers every random filter, order and view type exactly like the in-memory evaluator', async () => {
    expect(experiments.length).toBe(25); // with Default
    await fc.assert(
      fc.asyncProperty(filter, orderBy, viewType, async (node, order, view) => {
        const req = { filter: formatFilter(node), order_by: order, view_type: view, max_results: 1000 };
        const expected = searchExperimentsInMemory(experiments, req).items.map((e) => e.experiment_id);
        const got = (await s.store.searchExperiments(req)).items.map((e) => e.experiment_id);
        expect({ ...req, ids: got }).toEqual({ ...req, ids: expected });
      }),
      { seed: 20261203, numRuns: 150 },
    );
  });
});

/**
 * Property: for random filters and order_by clauses (MLflow's dialect and our extensions, NaN and
 * infinite metrics, missing values, LIKE escapes, quotes), the SQL search answers exactly what the
 * in-memory evaluator (`searchRunsInMemory`) answers over the same runs, in the same order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFilter, searchRunsInMemory } from '@mlflow-ts/format';
import type { Comparator, FilterNode, Identifier, Run } from '@mlflow-ts/format';
import { filterTrees } from './filter-trees.js';
import { DIALECTS, openStore, type OpenedStore } from './stores.js';

const NUMBERS = [0, 0.5, 1, -1, 2.5, 1e300, -0];
const METRIC_VALUES = [...NUMBERS, NaN, Infinity, -Infinity];
const STRINGS = ['a', 'A', 'ab', 'a%b', 'a_b', 'x\\y', "it's", 'say "hi"', '', 'é', 'abc', 'b'];
const PATTERNS = ['a%', '%b', '_', 'a\\%b', 'a\\_b', '%', 'A%', "%'%", 'x\\\\y', 'x\\y', 'é%', '', '%a%b%', '__', 'a_'];

/** Deterministic pseudo-random choices for the fixture (not fast-check: the data must not shrink). */
function lcg(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe.each(DIALECTS)('SQL search equals in-memory search on %s', (dialect) => {
  let s: OpenedStore;
  let exp: string;
  let runs: Run[];
  let runIds: string[];
  beforeAll(async () => {
    s = await openStore(dialect);
    exp = await s.store.createExperiment({ name: 'fuzz' });
    const rnd = lcg(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    for (let i = 0; i < 40; i++) {
      const { info } = await s.store.createRun({
        experiment_id: exp,
        run_name: pick(STRINGS) || `r${i}`,
        start_time: 1000 + Math.floor(rnd() * 5) * 100,
        user_id: pick(['u', 'U', '']),
      });
      const metrics = [];
      for (const key of ['acc', 'loss']) {
        if (rnd() < 0.25) continue;
        for (let step = 0; step < 3; step++)
          if (rnd() < 0.6) metrics.push({ key, value: pick(METRIC_VALUES), timestamp: 10 + step, step });
      }
      const params = ['lr', 'model'].filter(() => rnd() < 0.7).map((key) => ({ key, value: pick(STRINGS) }));
      const tags = ['team', 'a b'].filter(() => rnd() < 0.7).map((key) => ({ key, value: pick(STRINGS) }));
      await s.store.logBatch(info.run_id, { metrics, params, tags });
      if (rnd() < 0.4)
        await s.store.updateRun(info.run_id, {
          status: pick(['FINISHED', 'FAILED', 'KILLED'] as const),
          end_time: 2000 + Math.floor(rnd() * 3),
        });
      if (rnd() < 0.4) {
        const n = 1 + Math.floor(rnd() * 2);
        const datasets = Array.from({ length: n }, (_, j) => ({
          tags: rnd() < 0.5 ? [{ key: 'mlflow.data.context', value: pick(['train', 'eval', 'a%b']) }] : [],
          dataset: {
            name: pick(['wine', 'iris', 'a_b']),
            digest: `d${j}${pick(['x', 'y'])}`,
            source_type: 'local',
            source: '{}',
          },
        }));
        await s.store.logInputs(info.run_id, { datasets });
      }
      if (rnd() < 0.15) await s.store.deleteRun(info.run_id);
    }
    runs = (await s.store.searchRuns({ experiment_ids: [exp], run_view_type: 'ALL', max_results: 1000 })).items;
    runIds = runs.map((r) => r.info.run_id);
  });
  afterAll(async () => {
    await s.cleanup();
  });

  const id = (type: Identifier['type'], key: string): Identifier => ({ type, key });
  const cmp = (
    identifier: Identifier,
    comparator: Comparator,
    value: FilterNode extends never ? never : unknown,
  ): FilterNode => ({ kind: 'comparison', identifier, comparator, value }) as FilterNode;

  const numericId = fc.constantFrom(
    id('metric', 'acc'),
    id('metric', 'loss'),
    id('metric', 'never'),
    id('attribute', 'start_time'),
    id('attribute', 'end_time'),
  );
  const stringId = fc.constantFrom(
    id('param', 'lr'),
    id('param', 'model'),
    id('tag', 'team'),
    id('tag', 'a b'),
    id('attribute', 'status'),
    id('attribute', 'user_id'),
    id('attribute', 'run_name'),
    id('param', 'never'),
  );
  const datasetId = fc.constantFrom(id('dataset', 'name'), id('dataset', 'digest'), id('dataset', 'context'));
  const nullTest = fc.constantFrom<Comparator>('IS NULL', 'IS NOT NULL');
  const integer = fc.constantFrom(0, 1000, 1100, 1200, 1300, 2000, 2001, 3000);

  const comparison: fc.Arbitrary<FilterNode> = fc.oneof(
    fc
      .tuple(
        numericId,
        fc.constantFrom<Comparator>('=', '!=', '>', '>=', '<', '<='),
        fc.constantFrom(...NUMBERS),
        integer,
      )
      .map(([i, op, n, t]) => cmp(i, op, i.type === 'metric' ? n : t)),
    fc
      .tuple(
        numericId,
        fc.constantFrom<Comparator>('BETWEEN', 'NOT BETWEEN'),
        integer,
        integer,
        fc.constantFrom(...NUMBERS),
        fc.constantFrom(...NUMBERS),
      )
      .map(([i, op, a, b, x, y]) =>
        cmp(i, op, i.type === 'metric' ? [Math.min(x, y), Math.max(x, y)] : [Math.min(a, b), Math.max(a, b)]),
      ),
    fc.tuple(fc.oneof(numericId, stringId, datasetId), nullTest).map(([i, op]) => cmp(i, op, null)),
    fc
      .tuple(fc.oneof(stringId, datasetId), fc.constantFrom<Comparator>('=', '!='))
      .chain(([i, op]) => fc.constantFrom(...STRINGS).map((v) => cmp(i, op, v))),
    fc
      .tuple(
        fc.oneof(stringId, datasetId),
        fc.constantFrom<Comparator>('LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'),
        fc.constantFrom(...PATTERNS),
      )
      .map(([i, op, p]) => cmp(i, op, p)),
    fc
      .tuple(
        datasetId,
        fc.constantFrom<Comparator>('IN', 'NOT IN'),
        fc.subarray(['wine', 'iris', 'a_b', 'train', 'd0x', 'd1y'], { minLength: 1 }),
      )
      .map(([i, op, vs]) => cmp(i, op, vs)),
    fc
      .tuple(
        fc.constantFrom<Comparator>('IN', 'NOT IN'),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 1000 }),
      )
      .map(([op, a, b]) =>
        cmp(id('attribute', 'run_id'), op, [
          runIds[a % runIds.length] ?? 'x',
          runIds[b % runIds.length] ?? 'y',
          'ffff',
        ]),
      ),
  );
  const filter = filterTrees(comparison, 4);
  const orderBy = fc.subarray(
    [
      'metrics.acc ASC',
      'metrics.loss DESC',
      'params.lr',
      'tags.team DESC',
      'attributes.end_time ASC',
      'attributes.run_name DESC',
      'attributes.status',
      'attributes.start_time ASC',
      'params.`never`',
    ],
    { maxLength: 3 },
  );

  it('answers every random filter and order exactly like the in-memory evaluator', async () => {
    expect(runs.length).toBe(40);
    await fc.assert(
      fc.asyncProperty(filter, orderBy, async (node, order) => {
        const text = formatFilter(node);
        const expected = searchRunsInMemory(runs, { filter: text, order_by: order, max_results: 1000 }).items.map(
          (r) => r.info.run_id,
        );
        const got = (
          await s.store.searchRuns({
            experiment_ids: [exp],
            run_view_type: 'ALL',
            filter: text,
            order_by: order,
            max_results: 1000,
          })
        ).items.map((r) => r.info.run_id);
        expect({ filter: text, order, ids: got }).toEqual({ filter: text, order, ids: expected });
      }),
      { seed: 20261203, numRuns: 250 },
    );
  });

  it('pages through a filtered, ordered search exactly like the in-memory evaluator', async () => {
    const req = { filter: 'metrics.acc >= 0 OR params.lr IS NULL', order_by: ['metrics.acc DESC', 'params.lr'] };
    const expected = searchRunsInMemory(runs, { ...req, max_results: 1000 }).items.map((r) => r.info.run_id);
    const got: string[] = [];
    let token: string | undefined;
    do {
      const page = await s.store.searchRuns({
        experiment_ids: [exp],
        run_view_type: 'ALL',
        ...req,
        max_results: 7,
        page_token: token,
      });
      got.push(...page.items.map((r) => r.info.run_id));
      token = page.next_page_token;
    } while (token);
    expect(got).toEqual(expected);
  });
});

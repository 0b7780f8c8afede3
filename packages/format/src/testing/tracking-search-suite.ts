/** Conformance: search-runs filters (MLflow's dialect plus OR / parentheses / BETWEEN), order_by, pages. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../entities.js';
import type { SearchRunsRequest, TrackingStore } from '../tracking-store.js';
import { expectMlflowError, type SuiteContext } from './conformance-helpers.js';
import { newExperiment } from './tracking-runs-suite.js';

interface Fixture {
  exp: string;
  other: string;
}

/** Five runs with known data; `epsilon` is deleted. Names are what the assertions compare. */
async function createFixture(store: TrackingStore): Promise<Fixture> {
  const exp = await newExperiment(store, 'conf-search-runs');
  const other = await newExperiment(store, 'conf-search-runs-other');
  const specs = [
    { name: 'alpha', start: 1000, status: 'FINISHED', acc: 0.9, params: { lr: '0.1', model: 'cnn' }, team: 'a' },
    { name: 'beta', start: 2000, status: 'RUNNING', acc: 0.5, params: { lr: '0.01', model: 'rnn' }, team: 'b' },
    { name: 'gamma', start: 3000, status: 'FAILED', acc: 0.7, params: { model: 'cnn' }, team: 'a' },
    { name: 'delta', start: 4000, status: 'FINISHED', acc: undefined, params: { lr: '0.2' }, team: 'c' },
    { name: 'epsilon', start: 5000, status: 'FINISHED', acc: 0.2, params: {}, team: 'a' },
  ] as const;
  for (const s of specs) {
    const { info } = await store.createRun({
      experiment_id: exp,
      run_name: s.name,
      start_time: s.start,
      user_id: 'tester',
    });
    await store.logBatch(info.run_id, {
      metrics: s.acc === undefined ? [] : [{ key: 'acc', value: s.acc, timestamp: s.start, step: 0 }],
      params: Object.entries(s.params).map(([key, value]) => ({ key, value })),
      tags: [{ key: 'team', value: s.team }],
    });
    if (s.status !== 'RUNNING') await store.updateRun(info.run_id, { status: s.status, end_time: s.start + 10 });
    if (s.name === 'alpha') {
      await store.logInputs(info.run_id, {
        datasets: [{ tags: [], dataset: { name: 'wine', digest: 'abc123', source_type: 'local', source: '{}' } }],
      });
    }
    if (s.name === 'epsilon') await store.deleteRun(info.run_id);
  }
  await store.createRun({ experiment_id: other, run_name: 'zeta', start_time: 6000 });
  return { exp, other };
}

export function describeRunSearch(ctx: SuiteContext<TrackingStore>): void {
  describe('search runs', () => {
    let fx: Fixture;
    beforeAll(async () => {
      fx = await createFixture(ctx.get());
    });

    const names = (runs: Run[]) => runs.map((r) => r.info.run_name);
    async function search(req: Partial<SearchRunsRequest>): Promise<string[]> {
      const page = await ctx.get().searchRuns({ experiment_ids: [fx.exp], ...req });
      return names(page.items);
    }

    it('returns active runs newest first by default, honouring view types', async () => {
      expect(await search({})).toEqual(['delta', 'gamma', 'beta', 'alpha']);
      expect(await search({ run_view_type: 'DELETED_ONLY' })).toEqual(['epsilon']);
      expect(await search({ run_view_type: 'ALL' })).toEqual(['epsilon', 'delta', 'gamma', 'beta', 'alpha']);
      expect(await search({ experiment_ids: [fx.exp, fx.other] })).toEqual(['zeta', 'delta', 'gamma', 'beta', 'alpha']);
    });

    it('filters by metrics, params, tags and attributes', async () => {
      expect(await search({ filter: 'metrics.acc > 0.6' })).toEqual(['gamma', 'alpha']);
      expect(await search({ filter: 'metrics.acc != 0.5' })).toEqual(['gamma', 'alpha']);
      expect(await search({ filter: 'metrics.acc <= 0.5' })).toEqual(['beta']);
      expect(await search({ filter: "params.model = 'cnn'" })).toEqual(['gamma', 'alpha']);
      expect(await search({ filter: "params.lr != '0.1'" })).toEqual(['delta', 'beta']);
      expect(await search({ filter: "params.lr LIKE '0.0%'" })).toEqual(['beta']);
      expect(await search({ filter: "tags.team = 'a'" })).toEqual(['gamma', 'alpha']);
      expect(await search({ filter: "attributes.status = 'FINISHED'" })).toEqual(['delta', 'alpha']);
      expect(await search({ filter: "run_name = 'beta'" })).toEqual(['beta']);
      expect(await search({ filter: "attributes.run_name ILIKE 'AL%'" })).toEqual(['alpha']);
      expect(await search({ filter: 'attributes.start_time >= 3000' })).toEqual(['delta', 'gamma']);
      expect(await search({ filter: "metrics.acc > 0.4 AND params.model = 'cnn' AND tags.team = 'a'" })).toEqual([
        'gamma',
        'alpha',
      ]);
      expect(await search({ filter: "datasets.name = 'wine'" })).toEqual(['alpha']);
    });

    it('supports the OR, parentheses and BETWEEN extensions', async () => {
      expect(await search({ filter: "metrics.acc > 0.8 OR params.model = 'rnn'" })).toEqual(['beta', 'alpha']);
      expect(await search({ filter: "(tags.team = 'a' OR tags.team = 'b') AND metrics.acc < 0.8" })).toEqual([
        'gamma',
        'beta',
      ]);
      expect(await search({ filter: 'metrics.acc BETWEEN 0.4 AND 0.8' })).toEqual(['gamma', 'beta']);
    });

    it('orders by metrics, params, tags and attributes, missing values last', async () => {
      expect(await search({ order_by: ['metrics.acc DESC'] })).toEqual(['alpha', 'gamma', 'beta', 'delta']);
      expect(await search({ order_by: ['metrics.acc ASC'] })).toEqual(['beta', 'gamma', 'alpha', 'delta']);
      expect(await search({ order_by: ['params.lr ASC'] })).toEqual(['beta', 'alpha', 'delta', 'gamma']);
      expect(await search({ order_by: ['attributes.start_time ASC'] })).toEqual(['alpha', 'beta', 'gamma', 'delta']);
      expect(await search({ order_by: ['tags.team DESC'] })).toEqual(['delta', 'beta', 'gamma', 'alpha']);
      expect(await search({ order_by: ['attributes.run_name'] })).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    });

    it('pages with max_results and page tokens', async () => {
      const store = ctx.get();
      const first = await store.searchRuns({ experiment_ids: [fx.exp], max_results: 3 });
      expect(names(first.items)).toEqual(['delta', 'gamma', 'beta']);
      expect(first.next_page_token).toBeTruthy();
      const second = await store.searchRuns({
        experiment_ids: [fx.exp],
        max_results: 3,
        page_token: first.next_page_token,
      });
      expect(names(second.items)).toEqual(['alpha']);
      expect(second.next_page_token).toBeFalsy();
      const exact = await store.searchRuns({ experiment_ids: [fx.exp], max_results: 4 });
      expect(exact.items).toHaveLength(4);
    });

    it('rejects bad filters, page tokens and max_results', async () => {
      const store = ctx.get();
      await expectMlflowError(
        store.searchRuns({ experiment_ids: [fx.exp], filter: 'metrics.acc >' }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        store.searchRuns({ experiment_ids: [fx.exp], filter: "metrics.acc = 'text'" }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        store.searchRuns({ experiment_ids: [fx.exp], page_token: 'not-a-token' }),
        'INVALID_PARAMETER_VALUE',
      );
      await expectMlflowError(
        store.searchRuns({ experiment_ids: [fx.exp], max_results: 50001 }),
        'INVALID_PARAMETER_VALUE',
      );
    });
  });
}

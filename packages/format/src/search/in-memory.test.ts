import { describe, expect, it } from 'vitest';
import type { Experiment, ModelVersion, RegisteredModel, Run } from '../entities.js';
import { MlflowError } from '../errors.js';
import {
  SEARCH_MAX_RESULTS,
  resolveMaxResults,
  searchExperimentsInMemory,
  searchModelVersionsInMemory,
  searchRegisteredModelsInMemory,
  searchRunsInMemory,
} from './in-memory.js';
import { runValueAccessor } from './accessors.js';
import { encodePageToken } from './page-token.js';

function run(
  id: string,
  start: number,
  metrics: Record<string, number> = {},
  params: Record<string, string> = {},
  extra: Partial<Run['info']> = {},
): Run {
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: `run-${id}`,
      experiment_id: '1',
      user_id: 'u',
      status: 'FINISHED',
      start_time: start,
      artifact_uri: `file:///m/1/${id}/artifacts`,
      lifecycle_stage: 'active',
      ...extra,
    },
    data: {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })),
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      tags: [],
    },
    inputs: { dataset_inputs: [] },
  };
}

const ids = (page: { items: { info: { run_id: string } }[] }) => page.items.map((r) => r.info.run_id);

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'INVALID_PARAMETER_VALUE') return e.message;
    throw e;
  }
  throw new Error('expected INVALID_PARAMETER_VALUE');
}

describe('searchRunsInMemory', () => {
  const runs = [
    run('c', 100, { acc: 0.9 }, { model: 'GPT-3' }),
    run('a', 300, { acc: 0.5 }, { model: 'GPT-4' }),
    run('b', 300, { acc: NaN }),
    run('d', 200, {}, { model: 'bert' }, { lifecycle_stage: 'deleted', experiment_id: '2' }),
  ];

  it('orders by start_time DESC, run_id ASC by default', () => {
    expect(ids(searchRunsInMemory(runs, {}))).toEqual(['a', 'b', 'd', 'c']);
  });

  it('filters, then orders with missing/NaN last and the base order on ties', () => {
    expect(ids(searchRunsInMemory(runs, { filter: 'metrics.acc > 0.1' }))).toEqual(['a', 'c']);
    expect(ids(searchRunsInMemory(runs, { order_by: ['metrics.acc DESC'] }))).toEqual(['c', 'a', 'b', 'd']);
    expect(ids(searchRunsInMemory(runs, { order_by: ['metrics.acc'] }))).toEqual(['a', 'c', 'b', 'd']);
    expect(ids(searchRunsInMemory(runs, { order_by: ['params.model DESC'] }))).toEqual(['d', 'a', 'c', 'b']);
    expect(ids(searchRunsInMemory(runs, { filter: "params.model LIKE 'GPT%' OR metrics.acc IS NULL" }))).toEqual([
      'a',
      'd',
      'c',
    ]);
  });

  it('restricts by view type and experiment only when asked', () => {
    expect(ids(searchRunsInMemory(runs, { run_view_type: 'ACTIVE_ONLY' }))).toEqual(['a', 'b', 'c']);
    expect(ids(searchRunsInMemory(runs, { run_view_type: 'DELETED_ONLY' }))).toEqual(['d']);
    expect(ids(searchRunsInMemory(runs, { experiment_ids: ['2'] }))).toEqual(['d']);
  });

  it('pages through results with MLflow tokens', () => {
    const first = searchRunsInMemory(runs, { max_results: 3 });
    expect(ids(first)).toEqual(['a', 'b', 'd']);
    expect(first.next_page_token).toBe(encodePageToken(3));
    const second = searchRunsInMemory(runs, { max_results: 3, page_token: first.next_page_token });
    expect(ids(second)).toEqual(['c']);
    expect(second.next_page_token).toBeUndefined();
  });

  it('rejects bad max_results, filters, order_by and tokens before doing any work', () => {
    expect(invalid(() => searchRunsInMemory(runs, { max_results: 50001 }))).toBe(
      'Invalid value for request parameter max_results. It must be at most 50000, but got value 50001',
    );
    expect(invalid(() => searchRunsInMemory(runs, { max_results: 0 }))).toMatch(/positive integer/);
    expect(invalid(() => searchRunsInMemory(runs, { filter: 'metrics.acc >' }))).toMatch(
      /^Invalid filter at position 14/,
    );
    expect(invalid(() => searchRunsInMemory(runs, { order_by: ['metrics.acc sideways'] }))).toMatch(
      /^Invalid order_by clause/,
    );
    expect(invalid(() => searchRunsInMemory(runs, { page_token: 'garbage!' }))).toMatch(/^Invalid page token/);
    expect(searchRunsInMemory(runs, { max_results: 50000 }).items).toHaveLength(4);
  });

  it('searches 10k runs (speed is measured in bench/, not here)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      run(
        i.toString(16).padStart(32, '0'),
        1_700_000_000_000 + (i % 977),
        { acc: (i % 100) / 100, loss: i / 10_000, a: 1, b: 2, c: 3 },
        { model: `m${i % 7}`, lr: '0.01' },
      ),
    );
    const req = {
      filter: "metrics.acc > 0.5 AND params.model != 'm3'",
      order_by: ['metrics.loss DESC'],
      max_results: 100,
    };
    const page = searchRunsInMemory(many, req);
    expect(page.items).toHaveLength(100);
    expect(page.items[0]!.data.metrics.find((m) => m.key === 'loss')!.value).toBeCloseTo(0.9998);
  });

  it('searches any run representation through an accessor, as it searches Runs', () => {
    interface Row {
      run: Run;
    }
    const rows: Row[] = runs.map((run) => ({ run }));
    const accessor = (row: Row) => runValueAccessor(row.run);
    for (const req of [
      { filter: 'metrics.acc > 0.1', order_by: ['metrics.acc ASC'] },
      { run_view_type: 'DELETED_ONLY' as const },
      { experiment_ids: ['2'], run_view_type: 'ALL' as const },
      { max_results: 2, order_by: ['params.model DESC'] },
    ]) {
      const want = searchRunsInMemory(runs, req);
      const got = searchRunsInMemory(rows, req, accessor);
      expect(got.items.map((r) => r.run.info.run_id)).toEqual(ids(want));
      expect(got.next_page_token).toBe(want.next_page_token);
    }
  });

  it('pages of a few out of many come out as a full sort orders them (ties, NaN and missing included)', () => {
    // Few distinct values, so most comparisons are ties settled by the base order; some NaN, some missing.
    const many = Array.from({ length: 3000 }, (_, i) => {
      const m: Record<string, number> = {};
      if (i % 11 !== 0) m['acc'] = i % 13 === 0 ? NaN : (i * 7919) % 17;
      return run(`r${((i * 104729) % 3001).toString().padStart(5, '0')}`, 1000 + (i % 5), m);
    });
    const reference = (order: string[]) =>
      [...many]
        .map((r) => ({ r, acc: r.data.metrics.find((x) => x.key === 'acc')?.value }))
        .sort((a, b) => {
          const rank = (v: number | undefined) => (v === undefined ? 2 : Number.isNaN(v) ? 1 : 0);
          for (const o of order) {
            if (o === 'acc') {
              const d = rank(a.acc) - rank(b.acc) || (rank(a.acc) === 0 ? b.acc! - a.acc! : 0);
              if (d !== 0) return d;
            }
          }
          const t = b.r.info.start_time! - a.r.info.start_time!;
          return t !== 0 ? t : a.r.info.run_id < b.r.info.run_id ? -1 : 1;
        })
        .map((x) => x.r.info.run_id);
    for (const [order, want] of [
      [['metrics.acc DESC'], reference(['acc'])],
      [[], reference([])],
    ] as const) {
      for (const max of [1, 7, 100]) {
        const got: string[] = [];
        let token: string | undefined;
        for (let n = 0; n < 5; n++) {
          const page = searchRunsInMemory(many, { order_by: [...order], max_results: max, page_token: token });
          got.push(...ids(page));
          token = page.next_page_token;
        }
        expect(got).toEqual(want.slice(0, 5 * max));
        expect(token).toBe(encodePageToken(5 * max));
      }
    }
  });
});

function experiment(
  id: string,
  name: string,
  creation?: number,
  tags: Record<string, string> = {},
  stage: 'active' | 'deleted' = 'active',
): Experiment {
  return {
    experiment_id: id,
    name,
    artifact_location: `file:///m/${id}`,
    lifecycle_stage: stage,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    ...(creation === undefined ? {} : { creation_time: creation, last_update_time: creation }),
  };
}

describe('searchExperimentsInMemory', () => {
  // The fixture of mlflow.search_experiments' docstring, plus the Default experiment.
  const exps = [
    experiment('0', 'Default', 1),
    experiment('1', 'a', 10),
    experiment('2', 'b', 20),
    experiment('3', 'ab', 30, { k: 'v' }),
    experiment('4', 'bb', 40, { k: 'V' }),
    experiment('5', 'gone', 50, {}, 'deleted'),
  ];
  const names = (f: Parameters<typeof searchExperimentsInMemory>[1]) =>
    searchExperimentsInMemory(exps, { view_type: 'ACTIVE_ONLY', ...f }).items.map((e) => e.name);

  it('answers the documented examples', () => {
    expect(names({ filter: "name = 'a'" })).toEqual(['a']);
    expect(names({ filter: "name LIKE 'a%'" })).toEqual(['ab', 'a']);
    expect(names({ filter: "tags.k ILIKE '%v'" })).toEqual(['bb', 'ab']);
    expect(names({ filter: "name LIKE '%b' AND tags.k = 'v'" })).toEqual(['ab']);
    expect(names({ order_by: ['name'] })).toEqual(['Default', 'a', 'ab', 'b', 'bb']);
    expect(names({ order_by: ['experiment_id DESC'] })).toEqual(['bb', 'ab', 'b', 'a', 'Default']);
  });

  it('defaults to creation_time DESC, experiment_id ASC and honours view_type', () => {
    expect(names({})).toEqual(['bb', 'ab', 'b', 'a', 'Default']);
    expect(searchExperimentsInMemory(exps, { view_type: 'DELETED_ONLY' }).items.map((e) => e.name)).toEqual(['gone']);
    expect(
      searchExperimentsInMemory(exps, { view_type: 'ALL', filter: 'creation_time >= 40' }).items.map((e) => e.name),
    ).toEqual(['gone', 'bb']);
  });

  it('compares 18-digit FS IDs exactly and breaks ties by experiment_id DESC', () => {
    const same = [
      experiment('123456789012345678', 'x', 5),
      experiment('123456789012345679', 'x', 5),
      experiment('99', 'x', 5),
    ];
    expect(searchExperimentsInMemory(same, { order_by: ['name'] }).items.map((e) => e.experiment_id)).toEqual([
      '123456789012345679',
      '123456789012345678',
      '99',
    ]);
    expect(searchExperimentsInMemory(same, {}).items.map((e) => e.experiment_id)).toEqual([
      '99',
      '123456789012345678',
      '123456789012345679',
    ]);
  });
});

function version(
  name: string,
  v: number,
  updated: number,
  runId: string,
  tags: Record<string, string> = {},
): ModelVersion {
  return {
    name,
    version: String(v),
    creation_timestamp: updated,
    last_updated_timestamp: updated,
    current_stage: 'None',
    source: `models:/m-${runId}`,
    run_id: runId,
    status: 'READY',
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    aliases: [],
  };
}

describe('registry searches', () => {
  const models: RegisteredModel[] = ['CordobaWeatherForecastModel', 'BostonWeatherForecastModel', 'Zed'].map(
    (name, i) => ({
      name,
      creation_timestamp: 100 - i,
      last_updated_timestamp: i,
      latest_versions: [],
      aliases: [],
      tags: i === 2 ? [{ key: 'key', value: 'value1' }] : [],
    }),
  );

  it('searches registered models ordered by name by default', () => {
    const names = (req: Parameters<typeof searchRegisteredModelsInMemory>[1]) =>
      searchRegisteredModelsInMemory(models, req).items.map((m) => m.name);
    expect(names({})).toEqual(['BostonWeatherForecastModel', 'CordobaWeatherForecastModel', 'Zed']);
    expect(names({ filter: "name LIKE 'Boston%'" })).toEqual(['BostonWeatherForecastModel']);
    expect(names({ filter: "name = 'Zed' and tag.key = 'value1'" })).toEqual(['Zed']);
    expect(names({ order_by: ['last_updated_timestamp DESC'] })).toEqual([
      'Zed',
      'BostonWeatherForecastModel',
      'CordobaWeatherForecastModel',
    ]);
    expect(invalid(() => searchRegisteredModelsInMemory(models, { max_results: 1001 }))).toMatch(/at most 1000/);
    expect(resolveMaxResults('registered_models', undefined)).toBe(SEARCH_MAX_RESULTS.registered_models.default);
  });

  it('searches model versions: last_updated DESC, name ASC, version DESC', () => {
    const versions = [
      version('m', 1, 5, 'r1'),
      version('m', 2, 5, 'r2'),
      version('m', 10, 5, 'r3'),
      version('a', 1, 5, 'r1'),
      version('m', 3, 9, 'r1', { t: 'x' }),
    ];
    const keys = (req: Parameters<typeof searchModelVersionsInMemory>[1]) =>
      searchModelVersionsInMemory(versions, req).items.map((v) => `${v.name}/${v.version}`);
    expect(keys({})).toEqual(['m/3', 'a/1', 'm/10', 'm/2', 'm/1']);
    expect(keys({ filter: "run_id IN ('r1', 'r3')" })).toEqual(['m/3', 'a/1', 'm/10', 'm/1']);
    expect(keys({ filter: 'version_number > 2' })).toEqual(['m/3', 'm/10']);
    expect(keys({ filter: "source_path = 'models:/m-r2'" })).toEqual(['m/2']);
    expect(keys({ filter: "tags.t = 'x'" })).toEqual(['m/3']);
    expect(keys({ order_by: ['version_number ASC'] })).toEqual(['a/1', 'm/1', 'm/2', 'm/3', 'm/10']);
    expect(keys({ order_by: ['creation_timestamp'] })).toEqual(['a/1', 'm/10', 'm/2', 'm/1', 'm/3']);
  });
});

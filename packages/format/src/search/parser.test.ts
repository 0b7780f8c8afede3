import { describe, expect, it } from 'vitest';
import type { MlflowError } from '../errors.js';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import type { SearchEntity } from './entity-rules.js';
import { formatFilter, toMlflowComparisons } from './filter-node.js';
import type { ComparisonNode, FilterNode } from './filter-node.js';
import { parseFilter } from './parser.js';

/**
 * Every filter example in MLflow's documentation: docs/classic-ml/search/search-runs (UI guide,
 * syntax deep dive, example queries, complex filter, R and Java snippets), search-experiments,
 * and the docstrings of mlflow.search_runs / search_experiments / search_registered_models /
 * search_model_versions (plus the R client's registry example).
 */
const DOCUMENTED: Record<SearchEntity, string[]> = {
  runs: [
    'metrics.accuracy > 0.92',
    'params.model = "LogisticRegression" and params.lambda = "0.001" and metrics.error <= 0.05',
    'attributes.status = "FAILED"',
    'metrics.loss > 0.8',
    'metrics.`cross-entropy-loss` < 0.5',
    'params.`1st_iteration_timestamp` = "2022-01-01"',
    "attributes.run_id IN ('5984a3488161440f92de9847e846b342', 'babe221a676b4fa4b204f8240f2c4f14')",
    'metrics.accuracy > 0.72',
    'metrics.loss <= 0.15',
    'metrics.accuracy != 0.15',
    'params.model = "GPT-4o"',
    'params.model LIKE "GPT%"',
    'params.model ILIKE "gpt%"',
    "datasets.name IN ('custom', 'also custom', 'another custom name')",
    "datasets.digest IN ('s8ds293b', 'jks834s2')",
    "attributes.run_id IN ('5984a3488161440f92de9847e846b342')",
    'metrics."accuracy" > 0.72',
    'metrics.`log-scale-loss` <= 0',
    'metrics.`f1 score` >= 0.5',
    'metrics.accuracy > 0.72 AND metrics.loss <= 0.15',
    'params.batch_size = "2"',
    'params.model ILIKE "gPt%"',
    'params.model LIKE "GPT%" AND params.batch_size = "2"',
    'tags."environment" = "notebook"',
    'tags.environment = "notebook"',
    'tags.task = "Classification"',
    'tags.task ILIKE "classif%"',
    'datasets.name LIKE "custom"',
    'datasets.context = "train"',
    'attributes.status = "ACTIVE"',
    'attributes.user_id LIKE "user1"',
    'attributes.run_name = "my-run"',
    'attributes.run_id = "a1b2c3d4"',
    "attributes.run_id IN ('a1b2c3d4', 'e5f6g7h8')",
    'attributes.start_time >= 1664067852747',
    'attributes.end_time < 1664067852747',
    'attributes.created > 1664067852747',
    "datasets.name IN ('custom', 'also custom')",
    'metrics.accuracy > 0.72 AND metrics.batch_size != 0',
    "metrics.accuracy > 0.72 AND metrics.batch_size != 0 AND attributes.run_id IN ('a1b2c3d4', 'e5f6g7h8')",
    'metrics.loss <= 0.15 AND metrics.loss >= 0.1',
    'params.batch_size != "None"',
    '\nattributes.run_id IN (\'22db81f070f6413588641c8c343cdd72\',\'c3680e37d0fa44eb9c9fb7828f6b5481\')\n  AND metrics.loss > 0.3\n  AND metrics."f1 score" < 0.5\n  AND params.model LIKE "GPT%"\n',
    "params.model = 'GPT-4'",
    "metrics.rmse < 0.9 and tags.production = 'true'",
    'metrics.accuracy_score < 99.90',
    "tags.s.release ILIKE '%rc%'",
    "metrics.rmse < 1 and params.model_class = 'LogisticRegression'",
  ],
  experiments: [
    "attributes.name = 'x'",
    "name = 'x'",
    "attributes.name LIKE 'x%'",
    "tags.group != 'x'",
    "tags.group ILIKE '%x%'",
    "attributes.name LIKE 'x%' AND tags.group = 'y'",
    "name = 'a'",
    "name LIKE 'a%'",
    "tags.k ILIKE '%v'",
    "name LIKE '%b' AND tags.k = 'v'",
    "attribute.name = 'a'",
    "attribute.`name` = 'a'",
    "tags.`project_name` = 'grocery-forecasting'",
  ],
  registered_models: [
    "name = 'a_model_name' and tag.key = 'value1'",
    "name = 'CordobaWeatherForecastModel'",
    "name LIKE 'Boston%'",
    "name = 'my_model_name' and tag.key = 'value1'",
    "tags.`extra key` = 'x'",
    "tags.`mlflow.prompt.is_prompt` = 'true'",
  ],
  model_versions: [
    "name = 'a_model_name' and tag.key = 'value1'",
    "name = 'CordobaWeatherForecastModel'",
    "run_id = 'ae9a606a12834c04a8ef1006d0cff779'",
    "name='my-model-name'",
    "run_id IN ('ae9a606a12834c04a8ef1006d0cff779', 'd8f028b5fedf4faf8e458f7693dfa7ce')",
    "source_path LIKE '%/artifacts/model'",
  ],
  // mlflow.search_logged_models docstring and docs/classic-ml/model/index.mdx
  logged_models: [
    "params.alpha = '0.5'",
    'metrics.accuracy > 0.9',
    "name = 'my_model' AND tags.env = 'prod'",
    "status = 'READY' AND creation_timestamp > 0",
  ],
};

function comparisons(node: FilterNode | null): ComparisonNode[] {
  const list = toMlflowComparisons(node);
  if (list === null) throw new Error('not a plain AND filter');
  return list;
}

const parseError = (filter: string, entity: SearchEntity = 'runs'): MlflowError =>
  catchMlflowError(() => parseFilter(filter, entity));

describe('parseFilter: documented MLflow examples', () => {
  for (const [entity, examples] of Object.entries(DOCUMENTED) as [SearchEntity, string[]][]) {
    for (const example of examples) {
      it(`${entity}: ${example.replace(/\s+/g, ' ').trim()}`, () => {
        const node = parseFilter(example, entity);
        const list = comparisons(node);
        expect(list.length).toBe(example.split(/\band\b/i).length);
        // Round trip: formatting and re-parsing gives the same tree.
        expect(parseFilter(formatFilter(node), entity)).toEqual(node);
      });
    }
  }
});

describe('parseFilter: structure', () => {
  it('returns null for missing or blank filters', () => {
    expect(parseFilter(undefined, 'runs')).toBeNull();
    expect(parseFilter('', 'runs')).toBeNull();
    expect(parseFilter('   \n', 'runs')).toBeNull();
  });

  it('reads identifiers in every spelling, quoting and alias', () => {
    const one = (f: string) => comparisons(parseFilter(f, 'runs'))[0]!;
    for (const p of ['metric', 'metrics'])
      expect(one(`${p}.acc > 1`).identifier).toEqual({ type: 'metric', key: 'acc' });
    for (const p of ['param', 'params', 'parameter', 'parameters'])
      expect(one(`${p}.lr = '1'`).identifier).toEqual({ type: 'param', key: 'lr' });
    for (const p of ['tag', 'tags']) expect(one(`${p}.t = '1'`).identifier).toEqual({ type: 'tag', key: 't' });
    for (const p of ['attribute', 'attributes', 'attr', 'run'])
      expect(one(`${p}.status = 'x'`).identifier).toEqual({ type: 'attribute', key: 'status' });
    expect(one("dataset.digest = 'x'").identifier).toEqual({ type: 'dataset', key: 'digest' });
    expect(one('`metrics`.acc > 1').identifier).toEqual({ type: 'metric', key: 'acc' });
    expect(one("tags.mlflow.runName = 'x'").identifier).toEqual({ type: 'tag', key: 'mlflow.runName' });
    expect(one("tags.`a``b` = 'x'").identifier).toEqual({ type: 'tag', key: 'a`b' });
    expect(one('created >= 5').identifier).toEqual({ type: 'attribute', key: 'start_time' });
    expect(one('Created >= 5').identifier).toEqual({ type: 'attribute', key: 'start_time' });
    for (const alias of ['"run name"', '"Run name"', '`Run Name`', 'attributes."run name"']) {
      expect(one(`${alias} = 'x'`).identifier).toEqual({ type: 'attribute', key: 'run_name' });
    }
    expect(one("status = 'FINISHED'")).toEqual({
      kind: 'comparison',
      identifier: { type: 'attribute', key: 'status' },
      comparator: '=',
      value: 'FINISHED',
    });
  });

  it('reads values: both quote styles, escapes, numbers, lists', () => {
    const value = (f: string, e: SearchEntity = 'runs') => comparisons(parseFilter(f, e))[0]!.value;
    expect(value("params.a = 'it''s'")).toBe("it's");
    expect(value("params.a = 'it\\'s'")).toBe("it's");
    expect(value('params.a = "say ""hi"""')).toBe('say "hi"');
    expect(value("params.a = 'C:\\data\\x'")).toBe('C:\\data\\x');
    expect(value('metrics.a > -1.5e3')).toBe(-1500);
    expect(value('metrics.a > .5')).toBe(0.5);
    expect(value('metrics.a>=0')).toBe(0);
    expect(value("tags.`mlflow.runName`='abt_buy_pipelines'")).toBe('abt_buy_pipelines');
    expect(value('run_id NOT IN (\'abc\', "def")')).toEqual(['abc', 'def']);
    // Uppercase run IDs can never match a real run (MLflow drops them).
    expect(value("attributes.run_id IN ('abc', 'ABC', 'aBc')")).toEqual(['abc']);
    expect(value("datasets.name IN ('Big')")).toEqual(['Big']);
    expect(value('version_number >= 3', 'model_versions')).toBe(3);
  });

  it('is case-insensitive for keywords and comparators', () => {
    const node = parseFilter("params.m like 'a%' aNd tags.t ilike 'b' AND run_id not in ('a')", 'runs');
    expect(comparisons(node).map((c) => c.comparator)).toEqual(['LIKE', 'ILIKE', 'NOT IN']);
  });

  it('supports OR, NOT, parentheses and precedence (NOT > AND > OR)', () => {
    const node = parseFilter("metrics.a > 1 OR metrics.b < 2 AND NOT params.p = 'x'", 'runs');
    expect(node).toEqual({
      kind: 'or',
      children: [
        { kind: 'comparison', identifier: { type: 'metric', key: 'a' }, comparator: '>', value: 1 },
        {
          kind: 'and',
          children: [
            { kind: 'comparison', identifier: { type: 'metric', key: 'b' }, comparator: '<', value: 2 },
            {
              kind: 'not',
              child: { kind: 'comparison', identifier: { type: 'param', key: 'p' }, comparator: '=', value: 'x' },
            },
          ],
        },
      ],
    });
    const grouped = parseFilter("(metrics.a > 1 OR metrics.b < 2) AND (tags.t = 'x')", 'runs');
    expect(grouped?.kind).toBe('and');
    expect(toMlflowComparisons(grouped)).toBeNull();
    expect(parseFilter(formatFilter(grouped), 'runs')).toEqual(grouped);
    expect(parseFilter('NOT NOT (metrics.a > 1)', 'runs')).toEqual({
      kind: 'not',
      child: {
        kind: 'not',
        child: { kind: 'comparison', identifier: { type: 'metric', key: 'a' }, comparator: '>', value: 1 },
      },
    });
  });

  it('supports BETWEEN, NOT BETWEEN, NOT LIKE and IS [NOT] NULL', () => {
    const one = (f: string) => parseFilter(f, 'runs') as ComparisonNode;
    expect(one('metrics.acc BETWEEN 0.8 AND 0.9')).toMatchObject({ comparator: 'BETWEEN', value: [0.8, 0.9] });
    expect(one('start_time not between 1 and 2')).toMatchObject({ comparator: 'NOT BETWEEN', value: [1, 2] });
    expect(one("params.m NOT ILIKE 'gpt%'")).toMatchObject({ comparator: 'NOT ILIKE', value: 'gpt%' });
    expect(one('tags.t IS NULL')).toMatchObject({ comparator: 'IS NULL', value: null });
    expect(one('metrics.m is not null')).toMatchObject({ comparator: 'IS NOT NULL', value: null });
    // BETWEEN's AND binds to the range, the next AND joins clauses.
    const node = parseFilter("metrics.acc BETWEEN 0.8 AND 0.9 AND params.p = 'x'", 'runs');
    expect(node).toMatchObject({ kind: 'and', children: [{ comparator: 'BETWEEN' }, { comparator: '=' }] });
    expect(parseFilter(formatFilter(node), 'runs')).toEqual(node);
  });
});

describe('parseFilter: errors carry a position and what was expected', () => {
  it('reports the exact column of a missing comparator', () => {
    const e = parseError("params.p = 'x' AND metrics.acc 0.5");
    expect(e.code).toBe('INVALID_PARAMETER_VALUE');
    expect(e.message).toBe("Invalid filter at position 32: expected a comparator after 'metrics.acc', found '0.5'");
  });

  const cases: [string, SearchEntity, RegExp][] = [
    [
      'metrics.cross-entropy-loss < 0.5',
      'runs',
      /position 14: expected a comparator after 'metrics.cross', found unexpected character '-'/,
    ],
    ['params.1st_iteration_timestamp = "2022-01-01"', 'runs', /position 8: expected a key after 'params\.'.*backticks/],
    ["tag.'test' = 'abc'", 'runs', /position 5: expected a key.*not single quotes/],
    ['tag.`test` = `abc`', 'runs', /position 14: expected a quoted string value.*backticks quote keys/],
    ['tag.`test` = abc', 'runs', /position 14: expected a quoted string value/],
    ['metrics.accuracy != "None"', 'runs', /position 21: expected a number for 'metrics.accuracy'/],
    ['params.batch_size = 2', 'runs', /position 21: expected a quoted string value.*must be quoted/],
    ["metrics.a LIKE '1'", 'runs', /position 11: comparator 'LIKE' is not supported for 'metrics.a'/],
    ["params.a > '1'", 'runs', /position 10: comparator '>' is not supported/],
    ["status IN ('a')", 'runs', /position 8: comparator 'IN' is not supported for 'status'/],
    ['metrics.a == 1', 'runs', /position 11: invalid comparator '=='/],
    ['metrics.a <> 1', 'runs', /invalid comparator '<>'/],
    ['metrics.a > 1 OR', 'runs', /position 17: expected an identifier.*found the end of the input/],
    ['metrics.a > 1 AND AND metrics.b > 2', 'runs', /position 19: expected an identifier.*found 'AND'/],
    ['(metrics.a > 1', 'runs', /position 15: expected '\)' to close the '\(' at position 1/],
    ['metrics.a > 1)', 'runs', /position 14: unbalanced '\)'/],
    [
      'metrics.a > 1 metrics.b > 2',
      'runs',
      /position 15: expected AND, OR or the end of the filter after 'metrics.a > 1'/,
    ],
    [
      "params.a = 'open",
      'runs',
      /position 12: expected a quoted string value for 'params.a', found unterminated string starting at position 12/,
    ],
    ['metric.a > 1 ; drop', 'runs', /position 14: .*unexpected character ';'/],
    ["foo.bar = 'x'", 'runs', /position 1: invalid entity type 'foo'/],
    ["nope = 'x'", 'runs', /position 1: invalid attribute key 'nope' for runs/],
    ["datasets.schema = 'x'", 'runs', /position 10: invalid dataset key 'schema'/],
    ['start_time > 1.5', 'runs', /position 14: expected an integer for 'start_time'/],
    ['run_id IN ()', 'runs', /expected a non-empty list/],
    ["run_id IN ('a' 'b')", 'runs', /expected ',' or '\)'/],
    ["run_id IN 'a'", 'runs', /expected '\('/],
    ['metrics.a BETWEEN 1 2', 'runs', /expected AND in 'metrics.a BETWEEN 1 AND …', found '2'/],
    ['metrics.a IS 1', 'runs', /expected NULL after 'metrics.a IS'/],
    ["params.a NOT = 'x'", 'runs', /expected IN, LIKE, ILIKE or BETWEEN after 'params.a NOT'/],
    [
      'metrics.acc > 1',
      'experiments',
      /position 1: 'metrics' identifiers are not supported in filters for experiments/,
    ],
    ["params.p = 'x'", 'registered_models', /not supported in filters for registered models/],
    [
      "run_id = 'x'",
      'experiments',
      /invalid attribute key 'run_id' for experiments; valid keys are 'name', 'creation_time', 'last_update_time'/,
    ],
    ["source_path = 'x'", 'registered_models', /invalid attribute key 'source_path'/],
    ["name IN ('a')", 'registered_models', /comparator 'IN' is not supported for 'name'/],
    ['creation_time > "1"', 'experiments', /expected a number/],
    ['version_number = 1.5', 'model_versions', /expected an integer/],
    ["datasets.name > 'a'", 'runs', /comparator '>' is not supported/],
    ["tags.`` = 'x'", 'runs', /empty key/],
  ];
  for (const [filter, entity, pattern] of cases) {
    it(`${entity}: ${filter}`, () => {
      const e = parseError(filter, entity);
      expect(e.code).toBe('INVALID_PARAMETER_VALUE');
      expect(e.message).toMatch(/^Invalid filter at position \d+: /);
      expect(e.message).toMatch(pattern);
    });
  }
});

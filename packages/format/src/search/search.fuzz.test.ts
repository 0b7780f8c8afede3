/**
 * Fuzzing the filter language (fixed seed, a few hundred runs per property, so it takes seconds):
 * for every entity, any text and any token soup either parses or is refused with
 * INVALID_PARAMETER_VALUE — never another exception, never a stack overflow; what parses prints
 * back to a filter that parses to the same tree, and evaluates over arbitrary values without
 * throwing; the LIKE matcher agrees with a regular-expression reference; in-memory searches over
 * random entities answer or refuse cleanly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Experiment, ModelVersion, RegisteredModel, Run } from '../entities.js';
import { MlflowError } from '../errors.js';
import { ENTITY_RULES } from './entity-rules.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import { compileFilter } from './evaluate.js';
import { formatFilter } from './filter-node.js';
import {
  searchExperimentsInMemory,
  searchModelVersionsInMemory,
  searchRegisteredModelsInMemory,
  searchRunsInMemory,
} from './in-memory.js';
import { compileLikePattern } from './like-pattern.js';
import { parseOrderBy } from './order-by.js';
import { parseFilter } from './parser.js';

const SEED = 20261203;
const RUNS = 300;
const ENTITIES = Object.keys(ENTITY_RULES) as SearchEntity[];

/** Runs `fn`; an MlflowError INVALID_PARAMETER_VALUE is a clean refusal, anything else fails. */
function cleanly<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (MlflowError.isInstance(e) && e.code === 'INVALID_PARAMETER_VALUE') return undefined;
    throw e;
  }
}

const KEYS = ['acc', 'loss', 'a b', 'x.y', 'mlflow.runName', '€', ''];
const quoted = (s: string, q: string) => `${q}${s.split(q).join(q + q)}${q}`;
const keyText = fc.oneof(
  fc.constantFrom(...KEYS.filter((k) => /^[A-Za-z_][\w.]*$/.test(k))),
  fc.constantFrom(...KEYS).map((k) => quoted(k, '`')),
  fc.constantFrom(...KEYS).map((k) => quoted(k, '"')),
);
const identifier = (entity: SearchEntity) => {
  const rules = ENTITY_RULES[entity];
  const attributes = Object.keys(rules.attributes);
  const prefixes = ['metrics', 'params', 'tags', 'attributes', 'datasets', 'metric', 'tag', 'attr', 'run', 'x'];
  return fc.oneof(
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...prefixes), keyText).map(([p, k]) => `${p}.${k}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...rules.types.map((t) => `${t}s`)), keyText).map(([p, k]) => `${p}.${k}`),
    },
    { weight: 3, arbitrary: attributes.length > 0 ? fc.constantFrom(...attributes) : fc.constant('name') },
    { weight: 1, arbitrary: fc.constantFrom(...attributes, 'name').map((a) => `attributes.${a}`) },
    { weight: 1, arbitrary: fc.constantFrom('datasets.name', 'datasets.digest', 'datasets.context') },
  );
};
const stringValue = fc
  .string({ maxLength: 12, unit: fc.constantFrom('a', 'b', '%', '_', '\\', "'", '"', '€', ' ', 'x') })
  .chain((s) => fc.constantFrom(quoted(s, "'"), quoted(s, '"')));
const numberValue = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('1e309', '-0', '.5', '1.', '+3'),
);
const token = (entity: SearchEntity) =>
  fc.oneof(
    { weight: 4, arbitrary: identifier(entity) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '=',
        '!=',
        '<',
        '<=',
        '>',
        '>=',
        '==',
        'LIKE',
        'ILIKE',
        'NOT LIKE',
        'not ilike',
        'IN',
        'NOT IN',
        'BETWEEN',
        'IS NULL',
        'IS NOT NULL',
      ),
    },
    { weight: 3, arbitrary: fc.oneof(stringValue, numberValue) },
    { weight: 2, arbitrary: fc.constantFrom('AND', 'OR', 'NOT', 'and', '(', ')', ',', '.') },
    { weight: 1, arbitrary: fc.array(stringValue, { minLength: 1, maxLength: 3 }).map((vs) => `(${vs.join(', ')})`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
  );
/** A comparison the entity's rules allow (valid identifier, comparator and value type), so that plenty parses. */
const comparison = (entity: SearchEntity) => {
  const rules = ENTITY_RULES[entity];
  const typed: { id: string; numeric: boolean; list: boolean }[] = Object.entries(rules.attributes).map(
    ([name, rule]) => ({ id: name, numeric: rule.value !== 'string', list: !!rule.list }),
  );
  if (rules.types.includes('tag')) typed.push({ id: 'tags.`a b`', numeric: false, list: false });
  if (rules.types.includes('param')) typed.push({ id: 'params.lr', numeric: false, list: false });
  if (rules.types.includes('metric')) typed.push({ id: 'metrics.acc', numeric: true, list: false });
  return fc
    .tuple(fc.constantFrom(...typed), fc.nat(), stringValue, fc.integer({ min: -1000, max: 1000 }).map(String))
    .map(([t, k, str, n]) => {
      const options = t.numeric
        ? [`${t.id} > ${n}`, `${t.id} = ${n}`, `${t.id} BETWEEN ${n} AND ${n}`, `${t.id} IS NOT NULL`]
        : [
            `${t.id} = ${str}`,
            `${t.id} LIKE ${str}`,
            `${t.id} NOT ILIKE ${str}`,
            `${t.id} IS NULL`,
            ...(t.list ? [`${t.id} IN (${str})`] : []),
          ];
      return options[k % options.length]!;
    });
};
const filterText = (entity: SearchEntity) =>
  fc.oneof(
    fc.array(token(entity), { maxLength: 12 }).map((ts) => ts.join(' ')),
    fc
      .array(fc.oneof(comparison(entity), fc.constantFrom('AND', 'OR', 'NOT', '(', ')')), { maxLength: 9 })
      .map((ts) => ts.join(' ')),
    fc
      .array(comparison(entity), { minLength: 1, maxLength: 4 })
      .chain((cs) =>
        fc.constantFrom(cs.join(' AND '), cs.join(' OR '), `NOT (${cs.join(' and ')})`, `(${cs.join(') OR (')})`),
      ),
  );

/** A value for any identifier: what accessors may hand the evaluator. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.boolean(),
);
/** What a dataset accessor hands the evaluator: every logged dataset. */
const datasetValues = fc.array(
  fc.record({
    name: fc.string({ maxLength: 5 }),
    digest: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
    context: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
  }),
  { maxLength: 3 },
);

describe('filter parser fuzz (every entity)', () => {
  for (const entity of ENTITIES) {
    it(`${entity}: arbitrary text parses or is refused with INVALID_PARAMETER_VALUE`, () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (text) => {
          cleanly(() => parseFilter(text, entity));
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });

    it(`${entity}: token soups parse or are refused; what parses round-trips and evaluates`, () => {
      let parsed = 0;
      fc.assert(
        fc.property(
          filterText(entity),
          fc.array(anyValue, { minLength: 1, maxLength: 8 }),
          datasetValues,
          (text, values, datasets) => {
            const node = cleanly(() => parseFilter(text, entity));
            if (node === undefined || node === null) return;
            parsed++;
            expect(parseFilter(formatFilter(node), entity)).toEqual(node);
            let i = 0;
            const get = (id: Identifier) => (id.type === 'dataset' ? datasets : values[i++ % values.length]);
            expect(typeof compileFilter(node)(get)).toBe('boolean');
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      expect(parsed).toBeGreaterThan(RUNS / 20);
    });

    it(`${entity}: order_by clauses parse or are refused`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.string({ maxLength: 30 }),
              identifier(entity).map((id) => `${id} DESC`),
            ),
            { maxLength: 4 },
          ),
          (clauses) => {
            cleanly(() => parseOrderBy(clauses, entity));
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

  it('deep nesting and huge inputs are refused, not a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40_000 }), fc.constantFrom('(', 'NOT ', 'NOT ('), (depth, open) => {
        cleanly(() =>
          parseFilter(`${open.repeat(depth)}name = 'a'${open.includes('(') ? ')'.repeat(depth) : ''}`, 'experiments'),
        );
      }),
      { seed: SEED, numRuns: 50 },
    );
  });
});

describe('LIKE matcher fuzz', () => {
  /** The regular-expression translation the matcher replaced: right, but exponential on many `%`. */
  const escapeChar = (c: string) => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);
  function reference(pattern: string, caseInsensitive: boolean): RegExp {
    let source = '';
    const chars = [...pattern];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const next = chars[i + 1];
      if (c === '\\' && next !== undefined && '%_\\'.includes(next)) {
        source += escapeChar(next);
        i++;
      } else if (c === '%') source += '.*';
      else if (c === '_') source += '.';
      else source += escapeChar(c);
    }
    return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
  }
  const unit = fc.constantFrom('a', 'b', 'A', '%', '_', '\\', '.', '😀', '\n');

  it('agrees with the regular-expression reference on short patterns', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8, unit }),
        fc.string({ maxLength: 12, unit }),
        fc.boolean(),
        (pattern, value, ci) => {
          expect(compileLikePattern(pattern, ci)(value)).toBe(reference(pattern, ci).test(value));
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

describe('in-memory search fuzz', () => {
  const kv = fc.array(fc.record({ key: fc.constantFrom(...KEYS), value: fc.string({ maxLength: 10 }) }), {
    maxLength: 4,
  });
  const run = fc
    .record({
      metrics: fc.array(
        fc.record({ key: fc.constantFrom(...KEYS), value: fc.double(), timestamp: fc.nat(), step: fc.nat() }),
        { maxLength: 3 },
      ),
      params: kv,
      tags: kv,
      start: fc.nat(),
      name: fc.string({ maxLength: 8 }),
    })
    .map(
      (r): Run =>
        ({
          info: {
            run_id: `r${r.start}${r.name.length}`,
            run_uuid: 'x',
            run_name: r.name,
            experiment_id: '0',
            user_id: 'u',
            status: 'FINISHED',
            start_time: r.start,
            artifact_uri: 'mlflow-artifacts:/0',
            lifecycle_stage: 'active',
          },
          data: { metrics: r.metrics, params: r.params, tags: r.tags },
        }) as unknown as Run,
    );
  const experiment = fc.record({ id: fc.nat(), name: fc.string({ maxLength: 8 }), tags: kv }).map(
    (e): Experiment =>
      ({
        experiment_id: String(e.id),
        name: e.name,
        artifact_location: 'mlflow-artifacts:/',
        lifecycle_stage: 'active',
        tags: e.tags,
        creation_time: e.id,
        last_update_time: e.id,
      }) as unknown as Experiment,
  );
  const model = fc.record({ name: fc.string({ maxLength: 8 }), tags: kv, t: fc.nat() }).map(
    (m): RegisteredModel =>
      ({
        name: m.name,
        creation_timestamp: m.t,
        last_updated_timestamp: m.t,
        tags: m.tags,
        aliases: [],
        latest_versions: [],
      }) as unknown as RegisteredModel,
  );
  const version = fc.record({ name: fc.string({ maxLength: 8 }), v: fc.nat({ max: 50 }), tags: kv, t: fc.nat() }).map(
    (m): ModelVersion =>
      ({
        name: m.name,
        version: String(m.v),
        creation_timestamp: m.t,
        last_updated_timestamp: m.t,
        tags: m.tags,
        aliases: [],
        current_stage: 'None',
        source: 'runs:/x/model',
        run_id: 'x',
        status: 'READY',
      }) as unknown as ModelVersion,
  );
  const request = (entity: SearchEntity) =>
    fc.record({
      filter: fc.option(filterText(entity), { nil: undefined }),
      order_by: fc.option(
        fc.array(
          identifier(entity).chain((id) => fc.constantFrom(id, `${id} DESC`, `${id} ASC`)),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
      max_results: fc.option(fc.integer({ min: -5, max: 2000 }), { nil: undefined }),
      page_token: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.base64String({ maxLength: 16 })), {
        nil: undefined,
      }),
    });

  it('runs, experiments, registered models and model versions answer or refuse cleanly', () => {
    fc.assert(
      fc.property(fc.array(run, { maxLength: 6 }), request('runs'), (runs, req) => {
        cleanly(() => searchRunsInMemory(runs, { ...req, run_view_type: 'ALL' }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(experiment, { maxLength: 6 }), request('experiments'), (experiments, req) => {
        cleanly(() => searchExperimentsInMemory(experiments, { ...req, view_type: 'ALL' }));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(model, { maxLength: 6 }), request('registered_models'), (models, req) => {
        cleanly(() => searchRegisteredModelsInMemory(models, req));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.array(version, { maxLength: 6 }), request('model_versions'), (versions, req) => {
        cleanly(() => searchModelVersionsInMemory(versions, req));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

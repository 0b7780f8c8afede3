/**
 * Evaluates parsed filters against any entity through a `ValueAccessor`.
 *
 * Logic is SQL's three-valued logic: a comparison against a missing value (a run without that
 * metric, param or tag) is *unknown*, never true — so `params.p != 'x'` skips runs lacking `p`, as
 * MLflow does — and NOT of unknown stays unknown. Only IS [NOT] NULL looks at missing values.
 * NaN is a present value with IEEE semantics (NaN = x is false, NaN != x is true), like Python.
 */
import type { Identifier } from './entity-rules.js';
import type { ComparisonNode, FilterNode } from './filter-node.js';
import { compileLikePattern } from './like-pattern.js';

/**
 * Reads one identifier's value from an entity: `undefined` (or null) = missing. For datasets it
 * returns every logged dataset as `{ name, digest, context }`.
 */
export type ValueAccessor = (id: Identifier) => unknown;

export interface DatasetValue {
  name?: string;
  digest?: string;
  context?: string;
}

/** true / false / undefined (unknown). */
type Truth = boolean | undefined;
type Compiled = (get: ValueAccessor) => Truth;
type Test = (value: unknown) => boolean;

const cache = new WeakMap<FilterNode, (get: ValueAccessor) => boolean>();

/** A fast predicate for one filter; compile once, then call per entity. */
export function compileFilter(node: FilterNode | null): (get: ValueAccessor) => boolean {
  if (node === null) return () => true;
  const hit = cache.get(node);
  if (hit) return hit;
  const inner = compileNode(node);
  const predicate = (get: ValueAccessor) => inner(get) === true;
  cache.set(node, predicate);
  return predicate;
}

export function evaluateFilter(node: FilterNode | null, get: ValueAccessor): boolean {
  return compileFilter(node)(get);
}

/**
 * SQL's three-valued AND (`decisive` false) and OR (`decisive` true): the first part that is
 * `decisive` decides; otherwise the answer is unknown if any part is, else `!decisive`.
 */
function compileJunction(children: FilterNode[], decisive: boolean): Compiled {
  const parts = children.map(compileNode);
  return (get) => {
    let unknown = false;
    for (const part of parts) {
      const v = part(get);
      if (v === decisive) return decisive;
      if (v === undefined) unknown = true;
    }
    return unknown ? undefined : !decisive;
  };
}

function compileNode(node: FilterNode): Compiled {
  switch (node.kind) {
    case 'and':
      return compileJunction(node.children, false);
    case 'or':
      return compileJunction(node.children, true);
    case 'not': {
      const child = compileNode(node.child);
      return (get) => {
        const v = child(get);
        return v === undefined ? undefined : !v;
      };
    }
    case 'comparison':
      return compileComparison(node);
  }
}

function compileComparison(node: ComparisonNode): Compiled {
  const { identifier, comparator } = node;
  const isNullTest = comparator === 'IS NULL' || comparator === 'IS NOT NULL';
  const wantNull = comparator === 'IS NULL';
  if (identifier.type === 'dataset') {
    const field = identifier.key as keyof DatasetValue;
    const test = isNullTest ? undefined : valueTest(node);
    return (get) => {
      const datasets = get(identifier);
      const values: unknown[] = [];
      if (Array.isArray(datasets)) {
        for (const d of datasets as DatasetValue[]) {
          const v = d?.[field];
          if (v !== undefined && v !== null) values.push(v);
        }
      }
      if (test === undefined) return (values.length === 0) === wantNull;
      if (values.length === 0) return undefined;
      // MLflow: a run matches when any of its datasets does.
      return values.some(test);
    };
  }
  if (isNullTest) {
    return (get) => {
      const v = get(identifier);
      return (v === undefined || v === null) === wantNull;
    };
  }
  const test = valueTest(node);
  return (get) => {
    const v = get(identifier);
    return v === undefined || v === null ? undefined : test(v);
  };
}

function valueTest(node: ComparisonNode): Test {
  const { comparator, value } = node;
  // `NOT LIKE`, `NOT IN`, … test as their positive form, negated.
  const negate = comparator.startsWith('NOT ');
  const positive = negate ? comparator.slice(4) : comparator;
  if (positive === 'LIKE' || positive === 'ILIKE') {
    const like = compileLikePattern(String(value), positive === 'ILIKE');
    return (v) => like(String(v)) !== negate;
  }
  if (positive === 'IN') {
    const set = new Set(value as readonly string[]);
    return (v) => set.has(String(v)) !== negate;
  }
  if (positive === 'BETWEEN') {
    const [low, high] = value as readonly [number, number];
    return (v) => {
      const n = toNumber(v);
      if (Number.isNaN(n)) return negate;
      return (n >= low && n <= high) !== negate;
    };
  }
  return typeof value === 'number' ? numericTest(comparator, value) : stringTest(comparator, String(value));
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function numericTest(comparator: string, rhs: number): Test {
  switch (comparator) {
    case '=':
      return (v) => toNumber(v) === rhs;
    case '!=':
      return (v) => toNumber(v) !== rhs;
    case '>':
      return (v) => toNumber(v) > rhs;
    case '>=':
      return (v) => toNumber(v) >= rhs;
    case '<':
      return (v) => toNumber(v) < rhs;
    default:
      return (v) => toNumber(v) <= rhs;
  }
}

function stringTest(comparator: string, rhs: string): Test {
  return comparator === '!=' ? (v) => String(v) !== rhs : (v) => String(v) === rhs;
}

/**
 * The parsed filter language (`parseFilter` from @mlflow-ts/format: MLflow's dialect plus OR, NOT,
 * parentheses, BETWEEN, NOT LIKE, IS [NOT] NULL) as one SQL boolean expression, for any entity.
 *
 * An entity supplies a `SqlSearchScope`: how each identifier reads its value, either a scalar (a
 * column, or the value column of a LEFT JOINed key/value row, NULL when missing) or many values
 * (datasets: any one may match). Every value a request controls is a bound parameter; the only
 * text spliced into the SQL is what the scope and this module write themselves.
 *
 * Semantics equal `compileFilter` from @mlflow-ts/format: SQL's three-valued logic is the
 * evaluator's (a comparison against a missing value is unknown, NOT unknown stays unknown), NaN
 * metrics (stored as 0 with `is_nan`) compare like IEEE NaN, LIKE is case-sensitive and its
 * backslash escapes are read exactly as the in-memory matcher reads them.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { ComparisonNode, FilterNode, Identifier } from '@mlflow-ts/format';
import type { SqlDialectName } from '../connect.js';

export type SqlExpr = RawBuilder<unknown>;

/** One value per row, NULL when missing. */
export interface ScalarSource {
  kind: 'scalar';
  value: SqlExpr;
  type: 'string' | 'number';
  /** For metrics: a boolean expression, true when the stored value stands for NaN. */
  isNan?: SqlExpr;
  /** A partial index on this value that only holds values of at most `maxBytes` (UTF-8). */
  index?: PartialValueIndex;
}

export interface PartialValueIndex {
  /** The index's predicate on the value. */
  predicate: SqlExpr;
  maxBytes: number;
}

/** An entity's attribute columns: identifier key → column and its type. */
export type ColumnMap = Readonly<Record<string, { column: string; type: 'string' | 'number' }>>;

/** A ColumnMap from `{ key: column }` of the text columns and of the number columns. */
export function columnMap(strings: Record<string, string>, numbers: Record<string, string>): ColumnMap {
  const out: Record<string, { column: string; type: 'string' | 'number' }> = {};
  for (const [key, column] of Object.entries(strings)) out[key] = { column, type: 'string' };
  for (const [key, column] of Object.entries(numbers)) out[key] = { column, type: 'number' };
  return out;
}

/** Any number of values per row (datasets): a comparison holds when one value passes. */
export interface MultiSource {
  kind: 'multi';
  /** `EXISTS (… WHERE <where(value)>)` over this row's values. */
  exists(where: (value: SqlExpr) => SqlExpr): SqlExpr;
}

export type ValueSource = ScalarSource | MultiSource;

export interface SqlSearchScope {
  readonly dialect: SqlDialectName;
  /** How an identifier reads its value (may register a join, see `JoinSet`). */
  resolve(id: Identifier): ValueSource;
}

const TRUE = sql`(1 = 1)`;

/** A WHERE expression for `node` (null: match everything). */
export function compileSqlFilter(node: FilterNode | null, scope: SqlSearchScope): SqlExpr {
  if (node === null) return TRUE;
  switch (node.kind) {
    case 'and':
      return sql`(${sql.join(
        node.children.map((c) => compileSqlFilter(c, scope)),
        sql` AND `,
      )})`;
    case 'or':
      return sql`(${sql.join(
        node.children.map((c) => compileSqlFilter(c, scope)),
        sql` OR `,
      )})`;
    case 'not':
      return sql`(NOT ${compileSqlFilter(node.child, scope)})`;
    case 'comparison':
      return compileComparison(node, scope);
  }
}

function compileComparison(node: ComparisonNode, scope: SqlSearchScope): SqlExpr {
  const src = scope.resolve(node.identifier);
  const { comparator } = node;
  if (src.kind === 'multi') {
    const present = src.exists((v) => sql`${v} IS NOT NULL`);
    if (comparator === 'IS NULL') return sql`(NOT ${present})`;
    if (comparator === 'IS NOT NULL') return present;
    // No value at all → unknown (CASE without ELSE is NULL); otherwise does any value pass?
    const any = src.exists((v) => sql`${v} IS NOT NULL AND ${valueTest(node, v, scope.dialect)}`);
    return sql`(CASE WHEN ${present} THEN ${any} END)`;
  }
  if (comparator === 'IS NULL') return sql`(${src.value} IS NULL)`;
  if (comparator === 'IS NOT NULL') return sql`(${src.value} IS NOT NULL)`;
  const test = valueTest(node, src.value, scope.dialect);
  // `= 'x'` on a short literal implies the partial index's predicate: written out, the planner may use
  // the index (the result is the same).
  const { index } = src;
  if (index && comparator === '=' && typeof node.value === 'string' && Buffer.byteLength(node.value) <= index.maxBytes)
    return sql`(${test} AND ${index.predicate})`;
  if (!src.isNan) return test;
  // A NaN is present: it fails =, <, >, BETWEEN… and passes != and NOT BETWEEN, like IEEE NaN. Written
  // with AND/OR (not CASE) so the expression stays NULL for a missing row and strict: the database may
  // then turn the LEFT JOIN of a top-level comparison into an inner join.
  if (comparator === '!=' || comparator === 'NOT BETWEEN') return sql`(${test} OR ${src.isNan})`;
  return sql`(${test} AND NOT ${src.isNan})`;
}

const OPERATORS: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

function valueTest(node: ComparisonNode, v: SqlExpr, dialect: SqlDialectName): SqlExpr {
  const { comparator, value } = node;
  switch (comparator) {
    case 'LIKE':
    case 'ILIKE':
    case 'NOT LIKE':
    case 'NOT ILIKE': {
      const match = likeMatch(v, String(value), comparator.endsWith('ILIKE'), dialect);
      return comparator.startsWith('NOT') ? sql`(NOT ${match})` : match;
    }
    case 'IN':
    case 'NOT IN': {
      const list = sql.join((value as readonly string[]).map((x) => sql`${x}`));
      return comparator === 'IN' ? sql`(${v} IN (${list}))` : sql`(${v} NOT IN (${list}))`;
    }
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const [low, high] = value as readonly [number, number];
      return comparator === 'BETWEEN'
        ? sql`(${v} BETWEEN ${low} AND ${high})`
        : sql`(${v} NOT BETWEEN ${low} AND ${high})`;
    }
    default: {
      const op = OPERATORS[comparator];
      if (op === undefined) throw new Error(`unsupported comparator ${comparator}`);
      return sql`(${v} ${sql.raw(op)} ${value as string | number})`;
    }
  }
}

/** A LIKE pattern read as the in-memory matcher reads it: literal runs, `_` (one character) and `%`. */
type LikePart = { kind: 'char'; c: string } | { kind: 'one' } | { kind: 'any' };

export function parseLikePattern(pattern: string): LikePart[] {
  const chars = [...pattern];
  const out: LikePart[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const next = chars[i + 1];
    if (c === '\\' && (next === '%' || next === '_' || next === '\\')) {
      out.push({ kind: 'char', c: next });
      i++;
    } else if (c === '%') out.push({ kind: 'any' });
    else if (c === '_') out.push({ kind: 'one' });
    else out.push({ kind: 'char', c });
  }
  return out;
}

/** PostgreSQL LIKE with `\` as escape character. */
function toSqlLike(parts: readonly LikePart[]): string {
  return parts
    .map((p) => (p.kind === 'any' ? '%' : p.kind === 'one' ? '_' : /[\\%_]/.test(p.c) ? `\\${p.c}` : p.c))
    .join('');
}

/** SQLite GLOB (case-sensitive, unlike SQLite's LIKE): `*`, `?`, brackets quote the specials. */
function toGlob(parts: readonly LikePart[]): string {
  return parts
    .map((p) => (p.kind === 'any' ? '*' : p.kind === 'one' ? '?' : /[*?[]/.test(p.c) ? `[${p.c}]` : p.c))
    .join('');
}

function likeMatch(v: SqlExpr, pattern: string, caseInsensitive: boolean, dialect: SqlDialectName): SqlExpr {
  if (dialect === 'postgresql') {
    const p = toSqlLike(parseLikePattern(pattern));
    return caseInsensitive ? sql`(${v} ILIKE ${p} ESCAPE '\\')` : sql`(${v} LIKE ${p} ESCAPE '\\')`;
  }
  // SQLite's lower() folds ASCII letters only: fold the pattern the same way.
  const g = toGlob(parseLikePattern(caseInsensitive ? pattern.replace(/[A-Z]/g, (c) => c.toLowerCase()) : pattern));
  return caseInsensitive ? sql`(lower(${v}) GLOB ${g})` : sql`(${v} GLOB ${g})`;
}

/** LEFT JOINs an entity's search needs, one per distinct key, with generated aliases (`j1`, `j2`…). */
export class JoinSet {
  private readonly byKey = new Map<string, { alias: string; clause: SqlExpr }>();

  /** The alias of the join for `key`, adding it with `make(alias)` the first time. */
  add(key: string, make: (alias: string) => SqlExpr): string {
    const hit = this.byKey.get(key);
    if (hit) return hit.alias;
    const alias = `j${this.byKey.size + 1}`;
    this.byKey.set(key, { alias, clause: make(alias) });
    return alias;
  }

  /** The joins in the order they were added (empty `sql` when none). */
  toSql(): SqlExpr {
    const clauses = [...this.byKey.values()].map((j) => j.clause);
    return clauses.length === 0 ? sql`` : sql.join(clauses, sql` `);
  }
}

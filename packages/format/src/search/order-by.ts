/**
 * order_by clauses: `"<identifier> [ASC|DESC]"` (ASC by default, keywords in any case), with the
 * same identifier spellings and quoting as filters, restricted to each entity's sortable keys.
 */
import { MlflowError } from '../errors.js';
import { MAX_ORDER_BY_CLAUSES, MAX_ORDER_BY_CLAUSE_LENGTH, limitExceeded } from './filter-limits.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import { IdentifierReader, describeToken } from './identifier-reader.js';
import { isKeyword, tokenize } from './tokenizer.js';

export interface OrderByClause {
  identifier: Identifier;
  ascending: boolean;
}

export function parseOrderBy(orderBy: readonly string[] | undefined, entity: SearchEntity): OrderByClause[] {
  if (orderBy === undefined || orderBy === null) return [];
  if (!Array.isArray(orderBy))
    throw MlflowError.invalidParameter(`Invalid order_by: expected a list of strings, got ${JSON.stringify(orderBy)}`);
  if (orderBy.length > MAX_ORDER_BY_CLAUSES) {
    const what = 'Invalid order_by: too many clauses, their number';
    throw limitExceeded(what, orderBy.length, MAX_ORDER_BY_CLAUSES, 'MAX_ORDER_BY_CLAUSES');
  }
  return orderBy.map((clause) => {
    if (typeof clause !== 'string')
      throw MlflowError.invalidParameter(`Invalid order_by clause ${JSON.stringify(clause)}: expected a string`);
    if (clause.length > MAX_ORDER_BY_CLAUSE_LENGTH) {
      const what = 'Invalid order_by clause: the clause is too long, its length';
      throw limitExceeded(what, clause.length, MAX_ORDER_BY_CLAUSE_LENGTH, 'MAX_ORDER_BY_CLAUSE_LENGTH');
    }
    return new OrderByParser(clause, entity).parse();
  });
}

class OrderByParser extends IdentifierReader {
  constructor(
    private readonly clause: string,
    entity: SearchEntity,
  ) {
    super(tokenize(clause), entity, 'order_by', `Invalid order_by clause '${clause}'`, clause);
  }

  parse(): OrderByClause {
    if (this.peek().kind === 'eof') this.fail(this.peek(), 'expected an identifier, found an empty clause');
    const { identifier, text } = this.readIdentifier();
    let ascending = true;
    const dir = this.peek();
    if (isKeyword(dir, 'ASC') || isKeyword(dir, 'DESC')) {
      ascending = isKeyword(dir, 'ASC');
      this.next();
    } else if (dir.kind !== 'eof') {
      this.fail(dir, `expected ASC, DESC or the end of the clause after '${text}', found ${describeToken(dir)}`);
    }
    const end = this.next();
    if (end.kind !== 'eof')
      this.fail(
        end,
        `expected the end of the clause after '${this.clause.slice(0, end.pos).trim()}', found ${describeToken(end)}`,
      );
    return { identifier, ascending };
  }
}

/** 0 for a present value, 1 for NaN, 2 for missing: NaN and missing sort last in both directions. */
export function sortRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  return typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

function typeOrder(v: unknown): number {
  return typeof v === 'number' || typeof v === 'bigint' ? 0 : typeof v === 'string' ? 1 : 2;
}

/**
 * Compares two sort values for one direction: present values in order, then NaN, then missing —
 * regardless of direction, as MLflow does.
 */
export function compareSortValues(a: unknown, b: unknown, ascending: boolean): number {
  const ra = sortRank(a);
  const rb = sortRank(b);
  if (ra !== 0 || rb !== 0) return ra - rb;
  let c: number;
  const ta = typeOrder(a);
  const tb = typeOrder(b);
  if (ta !== tb) c = ta - tb;
  else if (ta === 2) c = 0;
  else c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  return ascending ? c : 0 - c;
}

/**
 * A comparator applying the clauses in order. Ties return 0, so a stable sort keeps the caller's
 * base order (`Array.prototype.sort` is stable).
 */
export function compareWithOrderBy<T>(
  clauses: readonly OrderByClause[],
  get: (item: T, id: Identifier) => unknown,
): (a: T, b: T) => number {
  return (a, b) => {
    for (const clause of clauses) {
      const c = compareSortValues(get(a, clause.identifier), get(b, clause.identifier), clause.ascending);
      if (c !== 0) return c;
    }
    return 0;
  };
}

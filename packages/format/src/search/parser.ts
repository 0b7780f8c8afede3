/**
 * Recursive-descent parser for filter strings and order_by clauses.
 *
 *   filter     := or EOF
 *   or         := and (OR and)*
 *   and        := not (AND not)*
 *   not        := NOT not | '(' or ')' | comparison
 *   comparison := identifier ( op value | [NOT] (LIKE|ILIKE) string | [NOT] IN '(' strings ')'
 *                            | [NOT] BETWEEN number AND number | IS [NOT] NULL )
 *
 * Every error is INVALID_PARAMETER_VALUE naming the 1-based column and what was expected there.
 */
import { MlflowError } from '../errors.js';
import {
  MAX_FILTER_CLAUSES,
  MAX_FILTER_LENGTH,
  MAX_FILTER_NESTING,
  MAX_LIKE_PATTERN_LENGTH,
  limitExceeded,
} from './filter-limits.js';
import { valueRule } from './entity-rules.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import { type Comparator, type ComparisonNode, type FilterNode, RELATIONAL_COMPARATORS } from './filter-node.js';
import { isKeyword, tokenize } from './tokenizer.js';
import type { Token, TokenKind } from './tokenizer.js';
import { IdentifierReader, describeToken } from './identifier-reader.js';

const OPERATORS = new Set<string>(RELATIONAL_COMPARATORS);
const NUMERIC_OK = new Set<Comparator>([...RELATIONAL_COMPARATORS, 'BETWEEN', 'NOT BETWEEN', 'IS NULL', 'IS NOT NULL']);
const STRING_OK = new Set<Comparator>(['=', '!=', 'LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE', 'IS NULL', 'IS NOT NULL']);

/** What a string value written as this kind of token should have been. */
const STRING_VALUE_HINTS: Partial<Record<TokenKind, string>> = {
  number: " (string values must be quoted, e.g. '2')",
  backtick: ' (backticks quote keys, not values)',
};

/** Parses a filter for one entity; `undefined`, empty or blank → null (match everything). */
export function parseFilter(filter: string | undefined, entity: SearchEntity): FilterNode | null {
  if (filter === undefined || filter === null) return null;
  if (typeof filter !== 'string')
    throw MlflowError.invalidParameter(`Invalid filter: expected a string, got ${typeof filter}`);
  if (filter.length > MAX_FILTER_LENGTH) {
    const what = 'Invalid filter: the filter string is too long, its length';
    throw limitExceeded(what, filter.length, MAX_FILTER_LENGTH, 'MAX_FILTER_LENGTH');
  }
  if (filter.trim() === '') return null;
  return new FilterParser(filter, entity).parse();
}

class FilterParser extends IdentifierReader {
  private depth = 0;
  private comparisons = 0;

  constructor(input: string, entity: SearchEntity) {
    super(tokenize(input), entity, 'filter', 'Invalid filter', input);
  }

  parse(): FilterNode {
    const node = this.parseOr();
    const tok = this.peek();
    if (tok.kind !== 'eof') {
      if (tok.kind === 'rparen') this.fail(tok, `unbalanced ')' after '${this.textBefore(tok)}'`);
      this.fail(
        tok,
        `expected AND, OR or the end of the filter after '${this.textBefore(tok)}', found ${describeToken(tok)}`,
      );
    }
    return node;
  }

  private parseOr(): FilterNode {
    return this.parseJunction('or', () => this.parseAnd());
  }

  private parseAnd(): FilterNode {
    return this.parseJunction('and', () => this.parseNot());
  }

  /** `operand (AND|OR operand)*`: the operand alone, or one `and`/`or` node of all of them. */
  private parseJunction(kind: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const children = [operand()];
    const keyword = kind.toUpperCase();
    while (isKeyword(this.peek(), keyword)) {
      this.next();
      children.push(operand());
    }
    return children.length === 1 ? children[0]! : { kind, children };
  }

  private parseNot(): FilterNode {
    const tok = this.peek();
    const nests = isKeyword(tok, 'NOT') || tok.kind === 'lparen';
    if (!nests) return this.parseComparison();
    if (++this.depth > MAX_FILTER_NESTING) {
      const what = `Invalid filter at position ${tok.pos + 1}: nesting of parentheses and NOT`;
      throw limitExceeded(what, this.depth, MAX_FILTER_NESTING, 'MAX_FILTER_NESTING');
    }
    this.next();
    let node: FilterNode;
    if (tok.kind === 'lparen') {
      node = this.parseOr();
      const close = this.next();
      if (close.kind !== 'rparen')
        this.fail(close, `expected ')' to close the '(' at position ${tok.pos + 1}, found ${describeToken(close)}`);
    } else {
      node = { kind: 'not', child: this.parseNot() };
    }
    this.depth--;
    return node;
  }

  private parseComparison(): ComparisonNode {
    if (++this.comparisons > MAX_FILTER_CLAUSES) {
      const what = 'Invalid filter: too many comparisons, their number';
      throw limitExceeded(what, this.comparisons, MAX_FILTER_CLAUSES, 'MAX_FILTER_CLAUSES');
    }
    const { identifier, text } = this.readIdentifier();
    const { comparator, opToken } = this.readComparator(text);
    const rule = valueRule(this.entity, identifier);
    const numeric = rule.value !== 'string';
    const allowed = numeric ? NUMERIC_OK : STRING_OK;
    const isList = comparator === 'IN' || comparator === 'NOT IN';
    if (isList ? !rule.list : !allowed.has(comparator)) {
      const options = [...allowed].concat(rule.list ? ['IN', 'NOT IN'] : []).join(', ');
      this.fail(opToken, `comparator '${comparator}' is not supported for '${text}'; expected one of ${options}`);
    }
    return { kind: 'comparison', identifier, comparator, value: this.readValue(identifier, comparator, text, opToken) };
  }

  private readComparator(idText: string): { comparator: Comparator; opToken: Token } {
    const tok = this.next();
    if (tok.kind === 'op') {
      if (!OPERATORS.has(tok.value))
        this.fail(tok, `invalid comparator '${tok.value}' after '${idText}'; expected one of =, !=, >, >=, <, <=`);
      return { comparator: tok.value as Comparator, opToken: tok };
    }
    if (tok.kind === 'word') {
      const word = tok.value.toUpperCase();
      if (word === 'LIKE' || word === 'ILIKE' || word === 'IN' || word === 'BETWEEN')
        return { comparator: word, opToken: tok };
      if (word === 'NOT') {
        const second = this.next();
        const w2 = second.kind === 'word' ? second.value.toUpperCase() : '';
        if (w2 === 'LIKE' || w2 === 'ILIKE' || w2 === 'IN' || w2 === 'BETWEEN')
          return { comparator: `NOT ${w2}`, opToken: tok };
        this.fail(second, `expected IN, LIKE, ILIKE or BETWEEN after '${idText} NOT', found ${describeToken(second)}`);
      }
      if (word === 'IS') {
        let second = this.next();
        let negated = false;
        if (isKeyword(second, 'NOT')) {
          negated = true;
          second = this.next();
        }
        if (!isKeyword(second, 'NULL'))
          this.fail(second, `expected NULL after '${this.textBefore(second)}', found ${describeToken(second)}`);
        return { comparator: negated ? 'IS NOT NULL' : 'IS NULL', opToken: tok };
      }
    }
    return this.fail(tok, `expected a comparator after '${idText}', found ${describeToken(tok)}`);
  }

  private readValue(id: Identifier, comparator: Comparator, idText: string, opToken: Token): ComparisonNode['value'] {
    const rule = valueRule(this.entity, id);
    if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return null;
    if (comparator === 'BETWEEN' || comparator === 'NOT BETWEEN') {
      const low = this.readNumber(rule.value === 'integer', idText);
      const and = this.next();
      if (!isKeyword(and, 'AND'))
        this.fail(and, `expected AND in '${idText} ${comparator} ${low} AND …', found ${describeToken(and)}`);
      const high = this.readNumber(rule.value === 'integer', idText);
      return [low, high];
    }
    if (comparator === 'IN' || comparator === 'NOT IN') {
      const values = this.readList(idText, opToken);
      // MLflow drops run IDs with uppercase letters: run IDs are lowercase hex and MySQL's IN is
      // case-insensitive, so such an ID could only ever match the wrong run.
      return id.type === 'attribute' && id.key === 'run_id' ? values.filter((v) => v === v.toLowerCase()) : values;
    }
    if (rule.value !== 'string') return this.readNumber(rule.value === 'integer', idText);
    const text = this.readString(idText);
    if (comparator.endsWith('LIKE') && text.length > MAX_LIKE_PATTERN_LENGTH) {
      const what = `Invalid filter: the ${comparator} pattern for '${idText}' is too long, its length`;
      throw limitExceeded(what, text.length, MAX_LIKE_PATTERN_LENGTH, 'MAX_LIKE_PATTERN_LENGTH');
    }
    return text;
  }

  private readNumber(integer: boolean, idText: string): number {
    const tok = this.next();
    if (tok.kind !== 'number') {
      this.fail(
        tok,
        `expected a number for '${idText}', found ${describeToken(tok)}${tok.kind === 'sstring' || tok.kind === 'dstring' ? ' (numeric values are not quoted)' : ''}`,
      );
    }
    const value = Number(tok.value);
    if (integer && !Number.isInteger(value)) this.fail(tok, `expected an integer for '${idText}', found '${tok.raw}'`);
    return value;
  }

  private readString(idText: string): string {
    const tok = this.next();
    if (tok.kind === 'sstring' || tok.kind === 'dstring') return tok.value;
    const hint = STRING_VALUE_HINTS[tok.kind] ?? '';
    return this.fail(tok, `expected a quoted string value for '${idText}', found ${describeToken(tok)}${hint}`);
  }

  private readList(idText: string, opToken: Token): string[] {
    const open = this.next();
    if (open.kind !== 'lparen')
      this.fail(open, `expected '(' after '${idText} ${opToken.value.toUpperCase()}…', found ${describeToken(open)}`);
    const values: string[] = [];
    for (;;) {
      const tok = this.next();
      if (tok.kind === 'rparen' && values.length === 0)
        this.fail(tok, `expected a non-empty list of quoted strings after '${idText}'`);
      if (tok.kind !== 'sstring' && tok.kind !== 'dstring')
        this.fail(tok, `expected a quoted string in the list for '${idText}', found ${describeToken(tok)}`);
      values.push(tok.value);
      const sep = this.next();
      if (sep.kind === 'rparen') return values;
      if (sep.kind !== 'comma')
        this.fail(sep, `expected ',' or ')' in the list for '${idText}', found ${describeToken(sep)}`);
    }
  }
}

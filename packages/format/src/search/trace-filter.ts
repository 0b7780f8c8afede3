/**
 * MLflow's trace filter language (SearchTraceUtils in mlflow/utils/search_utils.py): clauses joined
 * by AND over `tags.k` / `tag.k`, `metadata.k` / `request_metadata.k`, and attributes (`attributes.`,
 * `attribute.`, `trace.` or bare): `request_id`, `timestamp_ms` (`timestamp`), `execution_time_ms`
 * (`execution_time`), `end_time_ms` (`end_time`), `status`, `client_request_id`, `name` (the
 * `mlflow.traceName` tag) and `run_id` (the `mlflow.sourceRun` metadata). Span and assessment
 * filters need a database in MLflow too and are refused here as there. RLIKE is refused: a request
 * may not choose a regular expression (no linear-time bound); LIKE goes through the linear matcher.
 */
import { MlflowError } from '../errors.js';
import type { TraceInfo } from '../trace-entities.js';
import { compileLikePattern } from './like-pattern.js';
import { isKeyword, tokenize } from './tokenizer.js';
import type { Token } from './tokenizer.js';
import { MAX_FILTER_CLAUSES, MAX_FILTER_LENGTH } from './filter-limits.js';

export type TraceKeyType = 'tag' | 'metadata' | 'attribute';

export interface TraceIdentifier {
  type: TraceKeyType;
  key: string;
}

export interface TraceClause {
  id: TraceIdentifier;
  comparator: string;
  value: string | number | string[];
}

const PREFIXES: Record<string, TraceKeyType | 'span' | 'assessment'> = {
  tag: 'tag',
  tags: 'tag',
  request_metadata: 'metadata',
  metadata: 'metadata',
  attribute: 'attribute',
  attributes: 'attribute',
  trace: 'attribute',
  span: 'span',
  feedback: 'assessment',
  expectation: 'assessment',
};
const NUMERIC = new Set(['timestamp_ms', 'execution_time_ms', 'end_time_ms']);
const ATTRIBUTE_ALIASES: Record<string, string> = {
  timestamp: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  end_time: 'end_time_ms',
};
const FILTER_ATTRIBUTES = new Set([
  'request_id',
  'timestamp_ms',
  'execution_time_ms',
  'end_time_ms',
  'status',
  'client_request_id',
]);
const ORDER_ATTRIBUTES = new Set([
  'experiment_id',
  'request_id',
  'timestamp_ms',
  'execution_time_ms',
  'end_time_ms',
  'status',
]);
const LIST_ATTRIBUTES = new Set(['status', 'request_id', 'client_request_id']);
const TAG_COMPARATORS = ['=', '!=', 'LIKE', 'ILIKE'];
const STRING_COMPARATORS = ['=', '!=', 'IN', 'NOT IN', 'LIKE', 'ILIKE'];
const NUMERIC_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='];

function bad(message: string): never {
  throw MlflowError.invalidParameter(message);
}

/** Maps `name` / `run_id` onto the tag / metadata MLflow keeps them in, and attribute aliases. */
function canonical(type: TraceKeyType, rawKey: string): TraceIdentifier {
  const key = rawKey.toLowerCase();
  if (type === 'attribute' || !['tag', 'metadata'].includes(type)) {
    if (key === 'name') return { type: 'tag', key: 'mlflow.traceName' };
    if (key === 'run_id') return { type: 'metadata', key: 'mlflow.sourceRun' };
    return { type, key: ATTRIBUTE_ALIASES[key] ?? key };
  }
  return { type, key: rawKey };
}

class Cursor {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}
  peek(o = 0): Token {
    return this.tokens[Math.min(this.i + o, this.tokens.length - 1)] as Token;
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
}

function readIdentifier(c: Cursor, purpose: 'filter' | 'order_by'): TraceIdentifier {
  const first = c.next();
  if (first.kind !== 'word' && first.kind !== 'backtick' && first.kind !== 'dstring') {
    bad(
      `Invalid identifier '${first.raw}' in trace ${purpose}: expected a key such as 'tags.my_tag' or 'timestamp_ms'.`,
    );
  }
  if (c.peek().kind !== 'dot') {
    const id = canonical('attribute', first.value);
    return id;
  }
  const prefix = PREFIXES[first.value];
  if (prefix === undefined) {
    bad(
      `Invalid entity type '${first.value}'. Valid values are ['attribute', 'attributes', 'metadata', 'request_metadata', 'tag', 'tags', 'trace', 'span', 'feedback', 'expectation']`,
    );
  }
  c.next();
  const parts: string[] = [];
  const k = c.next();
  if (k.kind === 'backtick' || k.kind === 'dstring') parts.push(k.value);
  else if (k.kind === 'word' || k.kind === 'number') {
    parts.push(k.value);
    while (c.peek().kind === 'dot' && (c.peek(1).kind === 'word' || c.peek(1).kind === 'number')) {
      c.next();
      parts.push(c.next().value);
    }
  } else bad(`Invalid identifier: expected a key after '${first.value}.', got '${k.raw}'.`);
  const key = parts.join('.');
  if (prefix === 'span')
    bad('Span filtering requires database support and cannot be performed on in-memory trace data.');
  if (prefix === 'assessment')
    bad('Assessment filtering requires database support and cannot be performed on in-memory trace data.');
  return canonical(prefix, key);
}

function readComparator(c: Cursor): string {
  const t = c.next();
  if (t.kind === 'op') return t.value;
  if (isKeyword(t, 'NOT') && isKeyword(c.peek(), 'IN')) {
    c.next();
    return 'NOT IN';
  }
  if (t.kind === 'word') return t.value.toUpperCase();
  return bad(`Invalid comparator '${t.raw}' in trace filter.`);
}

function readValue(c: Cursor, id: TraceIdentifier, comparator: string): string | number | string[] {
  const t = c.next();
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (t.kind !== 'lparen')
      bad(`Expected a parenthesised list of quoted strings after ${comparator}, got '${t.raw}'.`);
    const items: string[] = [];
    for (;;) {
      const v = c.next();
      if (v.kind !== 'sstring' && v.kind !== 'dstring') bad(`Expected a quoted string in the list, got '${v.raw}'.`);
      items.push(v.value);
      const sep = c.next();
      if (sep.kind === 'rparen') break;
      if (sep.kind !== 'comma') bad(`Expected ',' or ')' in the list, got '${sep.raw}'.`);
    }
    return items;
  }
  if (t.kind === 'number') {
    if (id.type !== 'attribute' || !NUMERIC.has(id.key)) {
      bad(`Only the '${[...NUMERIC].join("', '")}' attributes support comparison with numeric values.`);
    }
    return Number(t.value);
  }
  if (t.kind === 'sstring' || t.kind === 'dstring') {
    if (id.type === 'attribute' && NUMERIC.has(id.key))
      bad(`Expected a numeric value for attribute '${id.key}', got '${t.raw}'.`);
    return t.value;
  }
  return bad(`Expected a quoted string value for ${id.type} '${id.key}' (e.g. 'my-value'). Got value ${t.raw}`);
}

function checkComparator(id: TraceIdentifier, comparator: string): void {
  if (comparator === 'RLIKE') bad("Comparator 'RLIKE' is not supported by this server: use LIKE or ILIKE.");
  let allowed: string[];
  if (id.type !== 'attribute') allowed = TAG_COMPARATORS;
  else if (!FILTER_ATTRIBUTES.has(id.key)) {
    bad(
      `Invalid search key '${id.key}', supported are ['client_request_id', 'end_time_ms', 'execution_time_ms', 'name', 'request_id', 'run_id', 'status', 'timestamp_ms']`,
    );
  } else allowed = NUMERIC.has(id.key) ? NUMERIC_COMPARATORS : STRING_COMPARATORS;
  if (!allowed.includes(comparator)) bad(`Invalid comparator '${comparator}' not one of '${allowed.join("', '")}'`);
  if ((comparator === 'IN' || comparator === 'NOT IN') && !LIST_ATTRIBUTES.has(id.key)) {
    bad(
      `Only attributes in ['client_request_id', 'name', 'request_id', 'run_id', 'status'] supports comparison with a list of quoted string values.`,
    );
  }
}

export function parseTraceFilter(filter: string | undefined): TraceClause[] {
  if (!filter || filter.trim() === '') return [];
  if (filter.length > MAX_FILTER_LENGTH) bad(`Trace filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  const c = new Cursor(tokenize(filter));
  const clauses: TraceClause[] = [];
  for (;;) {
    const id = readIdentifier(c, 'filter');
    const comparator = readComparator(c);
    checkComparator(id, comparator);
    const value = readValue(c, id, comparator);
    clauses.push({ id, comparator, value });
    if (clauses.length > MAX_FILTER_CLAUSES) bad(`Trace filter has more than ${MAX_FILTER_CLAUSES} clauses.`);
    const t = c.next();
    if (t.kind === 'eof') return clauses;
    if (!isKeyword(t, 'AND')) bad(`Invalid trace filter '${filter}': expected AND between clauses, got '${t.raw}'.`);
  }
}

/** The value a trace has for an identifier (`undefined`: no such tag/metadata → the clause fails). */
export function traceValue(info: TraceInfo, id: TraceIdentifier): string | number | undefined {
  if (id.type === 'tag') return info.tags[id.key];
  if (id.type === 'metadata') return info.trace_metadata[id.key];
  switch (id.key) {
    case 'request_id':
      return info.trace_id;
    case 'timestamp_ms':
      return info.request_time;
    case 'execution_time_ms':
      return info.execution_duration;
    case 'end_time_ms':
      return info.execution_duration === undefined ? undefined : info.request_time + info.execution_duration;
    case 'status':
      return info.state;
    case 'client_request_id':
      return info.client_request_id;
    case 'experiment_id':
      return info.trace_location.mlflow_experiment?.experiment_id;
    default:
      return undefined;
  }
}

function clausePredicate(cl: TraceClause): (info: TraceInfo) => boolean {
  const { id, comparator, value } = cl;
  const get = (info: TraceInfo) => traceValue(info, id);
  switch (comparator) {
    case 'LIKE':
    case 'ILIKE': {
      const like = compileLikePattern(String(value), comparator === 'ILIKE');
      return (info) => {
        const v = get(info);
        return v !== undefined && like(String(v));
      };
    }
    case 'IN':
    case 'NOT IN': {
      const set = new Set(value as string[]);
      const want = comparator === 'IN';
      return (info) => {
        const v = get(info);
        return v !== undefined && set.has(String(v)) === want;
      };
    }
    default: {
      const cmp = (a: string | number, b: string | number): boolean => {
        switch (comparator) {
          case '=':
            return a === b;
          case '!=':
            return a !== b;
          case '>':
            return a > b;
          case '>=':
            return a >= b;
          case '<':
            return a < b;
          default:
            return a <= b;
        }
      };
      return (info) => {
        const v = get(info);
        return v !== undefined && cmp(v, value as string | number);
      };
    }
  }
}

export function compileTraceFilter(filter: string | undefined): (info: TraceInfo) => boolean {
  const preds = parseTraceFilter(filter).map(clausePredicate);
  if (preds.length === 0) return () => true;
  return (info) => {
    for (const p of preds) if (!p(info)) return false;
    return true;
  };
}

export interface TraceOrderClause {
  key: string;
  ascending: boolean;
}

/** MLflow's trace order_by: attributes only, then `timestamp_ms DESC`, `request_id ASC` tie-breakers. */
export function parseTraceOrderBy(orderBy: readonly string[] | undefined): TraceOrderClause[] {
  const clauses: TraceOrderClause[] = [];
  for (const raw of orderBy ?? []) {
    if (raw.length > 500) bad('order_by clause is too long.');
    const c = new Cursor(tokenize(raw));
    const id = readIdentifier(c, 'order_by');
    let ascending = true;
    const dir = c.next();
    if (isKeyword(dir, 'DESC')) ascending = false;
    else if (!isKeyword(dir, 'ASC') && dir.kind !== 'eof') bad(`Invalid order_by clause '${raw}'.`);
    if (dir.kind !== 'eof' && c.next().kind !== 'eof') bad(`Invalid order_by clause '${raw}'.`);
    if (id.type !== 'attribute' || !ORDER_ATTRIBUTES.has(id.key))
      bad(`Invalid order_by entity \`${id.type}\` with key \`${id.key}\``);
    clauses.push({ key: id.key, ascending });
  }
  if (!clauses.some((c) => c.key === 'timestamp_ms')) clauses.push({ key: 'timestamp_ms', ascending: false });
  if (!clauses.some((c) => c.key === 'request_id')) clauses.push({ key: 'request_id', ascending: true });
  return clauses;
}

export function compareTraces(clauses: readonly TraceOrderClause[]): (a: TraceInfo, b: TraceInfo) => number {
  const ids = clauses.map((c) => ({ id: { type: 'attribute' as const, key: c.key }, sign: c.ascending ? 1 : -1 }));
  return (a, b) => {
    for (const { id, sign } of ids) {
      const x = traceValue(a, id);
      const y = traceValue(b, id);
      if (x === y) continue;
      // MLflow's _apply_reversor puts missing values last either way.
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return 0;
  };
}

/** `true` when the clauses are exactly the default order (timestamp DESC, request_id ASC). */
export function isDefaultTraceOrder(clauses: readonly TraceOrderClause[]): boolean {
  return (
    clauses.length === 2 &&
    clauses[0]?.key === 'timestamp_ms' &&
    clauses[0].ascending === false &&
    clauses[1]?.key === 'request_id' &&
    clauses[1].ascending
  );
}

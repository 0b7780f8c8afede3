/**
 * The parsed form of a filter string. MLflow's own dialect is a flat AND of comparisons; OR, NOT,
 * parentheses, BETWEEN, NOT LIKE and IS [NOT] NULL are our extensions. `formatFilter` writes a node
 * back as text, and `toMlflowComparisons` tells a caller (e.g. a client talking to a real MLflow
 * server) whether the filter stays inside MLflow's dialect.
 */
import type { Identifier } from './entity-rules.js';

export type Comparator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'LIKE'
  | 'ILIKE'
  | 'NOT LIKE'
  | 'NOT ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'BETWEEN'
  | 'NOT BETWEEN'
  | 'IS NULL'
  | 'IS NOT NULL';

/** A scalar, a list (IN), a `[low, high]` range (BETWEEN) or null (IS NULL). */
export type FilterValue = string | number | readonly string[] | readonly [number, number] | null;

export interface ComparisonNode {
  kind: 'comparison';
  identifier: Identifier;
  comparator: Comparator;
  value: FilterValue;
}

export interface AndNode {
  kind: 'and';
  children: FilterNode[];
}

export interface OrNode {
  kind: 'or';
  children: FilterNode[];
}

export interface NotNode {
  kind: 'not';
  child: FilterNode;
}

export type FilterNode = ComparisonNode | AndNode | OrNode | NotNode;

/** The comparison operators (numbers and strings alike). */
export const RELATIONAL_COMPARATORS = ['=', '!=', '>', '>=', '<', '<='] as const satisfies readonly Comparator[];

const MLFLOW_COMPARATORS: ReadonlySet<Comparator> = new Set([
  ...RELATIONAL_COMPARATORS,
  'LIKE',
  'ILIKE',
  'IN',
  'NOT IN',
]);

/**
 * The comparisons of a filter MLflow itself could run (a plain AND of MLflow comparators), or
 * null when the filter uses one of our extensions.
 */
export function toMlflowComparisons(node: FilterNode | null): ComparisonNode[] | null {
  if (node === null) return [];
  if (node.kind === 'comparison') return MLFLOW_COMPARATORS.has(node.comparator) ? [node] : null;
  if (node.kind !== 'and') return null;
  const out: ComparisonNode[] = [];
  for (const child of node.children) {
    const part = toMlflowComparisons(child);
    if (part === null) return null;
    out.push(...part);
  }
  return out;
}

const PREFIX: Record<Identifier['type'], string> = {
  metric: 'metrics',
  param: 'params',
  tag: 'tags',
  attribute: 'attributes',
  dataset: 'datasets',
};
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function formatIdentifier(id: Identifier): string {
  const key = SIMPLE_KEY.test(id.key) ? id.key : `\`${id.key.replaceAll('`', '``')}\``;
  return `${PREFIX[id.type]}.${key}`;
}

/** Quotes a string value so MLflow (which only trims the quotes) reads it back unchanged. */
export function quoteValue(value: string): string {
  // Only backslashes our lexer would read as escapes need doubling; others stay as MLflow sees them.
  if (/\\(?=[\\'"]|$)/.test(value)) value = value.replaceAll('\\', '\\\\');
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return `'${value.replaceAll("'", "''")}'`;
}

/** A number as the tokenizer reads it back: `-0` keeps its sign, infinities (from `1e999`) stay numbers. */
function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  if (value === Infinity) return '1e999';
  if (value === -Infinity) return '-1e999';
  return String(value);
}

function formatScalar(value: string | number): string {
  return typeof value === 'number' ? formatNumber(value) : quoteValue(value);
}

/** Writes a node back as filter text that `parseFilter` reads as the same node. */
export function formatFilter(node: FilterNode | null): string {
  if (node === null) return '';
  switch (node.kind) {
    case 'and':
      return node.children.map((c) => (c.kind === 'or' ? `(${formatFilter(c)})` : formatFilter(c))).join(' AND ');
    case 'or':
      return node.children.map((c) => formatFilter(c)).join(' OR ');
    case 'not':
      return `NOT (${formatFilter(node.child)})`;
    case 'comparison': {
      const lhs = formatIdentifier(node.identifier);
      const { comparator, value } = node;
      if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return `${lhs} ${comparator}`;
      if (comparator === 'BETWEEN' || comparator === 'NOT BETWEEN') {
        const [low, high] = value as readonly [number, number];
        return `${lhs} ${comparator} ${formatNumber(low)} AND ${formatNumber(high)}`;
      }
      if (comparator === 'IN' || comparator === 'NOT IN') {
        return `${lhs} ${comparator} (${(value as readonly string[]).map(quoteValue).join(', ')})`;
      }
      return `${lhs} ${comparator} ${formatScalar(value as string | number)}`;
    }
  }
}

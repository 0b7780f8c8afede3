/** The filter language and in-memory search (MLflow's dialect plus OR, NOT, parentheses, BETWEEN). */
export { DATASET_KEYS, ENTITY_RULES, IDENTIFIER_PREFIXES } from './entity-rules.js';
export type { Identifier, IdentifierType, SearchEntity } from './entity-rules.js';
export { formatFilter, formatIdentifier, quoteValue, toMlflowComparisons } from './filter-node.js';
export type { AndNode, Comparator, ComparisonNode, FilterNode, FilterValue, NotNode, OrNode } from './filter-node.js';
export { parseFilter } from './parser.js';
export {
  MAX_FILTER_CLAUSES,
  MAX_FILTER_LENGTH,
  MAX_FILTER_NESTING,
  MAX_LIKE_PATTERN_LENGTH,
  MAX_ORDER_BY_CLAUSES,
  MAX_ORDER_BY_CLAUSE_LENGTH,
} from './filter-limits.js';
export { compileFilter, evaluateFilter } from './evaluate.js';
export type { DatasetValue, ValueAccessor } from './evaluate.js';
export { compileLikePattern } from './like-pattern.js';
export { compareSortValues, compareWithOrderBy, parseOrderBy } from './order-by.js';
export type { OrderByClause } from './order-by.js';
export {
  DATASET_CONTEXT_TAG,
  IS_PROMPT_TAG,
  experimentValueAccessor,
  modelVersionValueAccessor,
  registeredModelValueAccessor,
  runValueAccessor,
} from './accessors.js';
export { decodePageToken, encodePageToken, paginate } from './page-token.js';
export {
  SEARCH_MAX_RESULTS,
  resolveMaxResults,
  searchExperimentsInMemory,
  searchModelVersionsInMemory,
  searchRegisteredModelsInMemory,
  searchRunsInMemory,
} from './in-memory.js';
export type { InMemorySearchRequest } from './in-memory.js';
export {
  hasMetricClause,
  loggedModelValueAccessor,
  parseLoggedModelOrderBy,
  searchLoggedModelsInMemory,
} from './logged-models.js';
export type { LoggedModelSortKey } from './logged-models.js';
export {
  compareTraces,
  compileTraceFilter,
  isDefaultTraceOrder,
  parseTraceFilter,
  parseTraceOrderBy,
  traceValue,
} from './trace-filter.js';
export type { TraceClause, TraceIdentifier, TraceKeyType, TraceOrderClause } from './trace-filter.js';
export {
  SEARCH_TRACES_DEFAULT_MAX_RESULTS,
  SEARCH_TRACES_MAX_RESULTS,
  resolveTraceMaxResults,
  searchTracesInMemory,
} from './trace-search.js';
export type { TraceSearchOptions } from './trace-search.js';

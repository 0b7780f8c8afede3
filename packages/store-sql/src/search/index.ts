/** Filter, order_by and page tokens → SQL, shared by the SQL stores (runs, experiments, registry, logged models). */
export { columnMap, compileSqlFilter, JoinSet, parseLikePattern } from './sql-filter.js';
export type { MultiSource, ScalarSource, SqlExpr, SqlSearchScope, ValueSource } from './sql-filter.js';
export { compileSqlOrderBy, presentInFilter } from './sql-order.js';
export { pageWindow, toPage } from './sql-page.js';
export type { PageWindow } from './sql-page.js';

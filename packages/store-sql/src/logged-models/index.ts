/** MLflow 3 logged models on MLflow's SQL schema. */
export { createSqlLoggedModelStore } from './sql-logged-model-store.js';
export type { SqlLoggedModelDeps } from './sql-logged-model-store.js';
export { recordModelMetrics } from './model-rows.js';

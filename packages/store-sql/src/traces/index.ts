/** MLflow 3 traces on MLflow's SQL schema. */
export { createSqlTraceStore } from './sql-trace-store.js';

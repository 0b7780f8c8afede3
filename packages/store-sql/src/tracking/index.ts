/** The SQL TrackingStore (MLflow's SqlAlchemyStore semantics on its own schema). */
export { createSqlTrackingStore } from './sql-tracking-store.js';
export type { SqlTrackingStore, SqlTrackingStoreOptions } from './sql-tracking-store.js';
export type { TrackingContext } from './context.js';
export { isForeignKeyViolation, isUniqueViolation, toMlflowError } from './db-errors.js';
export { inWriteTransaction, read } from './transactions.js';

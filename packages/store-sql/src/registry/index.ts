/** The model registry on MLflow's SQL schema. */
export { createSqlRegistryStore, openSqlRegistryStore } from './sql-registry-store.js';
export type { SqlRegistryStore, SqlRegistryStoreOptions } from './sql-registry-store.js';
export { DEFAULT_SOURCE_SCHEMES } from './version-source.js';

export { connectSql, dbBool, fromDbBool, isSqlStoreUri, redactUri } from './connect.js';
export type { ConnectOptions, SqlConnection, SqlDialectName } from './connect.js';
export { ensureSchema, MLFLOW_ALEMBIC_HEAD, readSchemaState } from './schema/ensure-schema.js';
export type { SchemaState } from './schema/ensure-schema.js';
export type { MlflowDatabase } from './db-types.js';

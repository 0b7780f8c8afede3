export { connectSql, dbBool, fromDbBool, isSqlStoreUri, redactUri } from './connect.js';
export type { ConnectOptions, SqlConnection, SqlDialectName } from './connect.js';
export { ensureSchema, MLFLOW_ALEMBIC_HEAD, readSchemaState } from './schema/ensure-schema.js';
export type { SchemaState } from './schema/ensure-schema.js';
export type { MlflowDatabase } from './db-types.js';
export { MIGRATIONS, MLFLOW_2_22_HEAD } from './upgrade/migrations.js';
export type { Migration } from './upgrade/migrations.js';
export { migrationsFrom, upgradeSchema } from './upgrade/upgrade-schema.js';
export type { UpgradeOptions, UpgradeResult } from './upgrade/upgrade-schema.js';

/** @mlflow-ts/store-sql/testing — fresh PostgreSQL databases for tests (this package's and the CLI's). */
export { createTestDatabase } from './pg-test-db.js';
export type { TestDatabase } from './pg-test-db.js';

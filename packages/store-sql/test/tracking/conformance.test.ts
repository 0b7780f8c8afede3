/**
 * The tracking conformance suite against `createSqlStore` on SQLite (a temp file) and PostgreSQL, and
 * the logged-model and trace suites through the same store (the capabilities it composes).
 */
import {
  runLoggedModelStoreConformance,
  runTrackingStoreConformance,
  runTraceStoreConformance,
} from '@mlflow-ts/format/testing';
import { DIALECTS, openStore } from './stores.js';

for (const dialect of DIALECTS) {
  const setup = async () => {
    const s = await openStore(dialect);
    return { store: s.store, cleanup: () => s.cleanup() };
  };
  runTrackingStoreConformance(`store-sql on ${dialect}`, setup);
  runLoggedModelStoreConformance(`createSqlStore on ${dialect}`, setup);
  runTraceStoreConformance(`createSqlStore on ${dialect}`, setup);
}

/**
 * MLflow's alembic migrations from MLflow 2.14's head (867495a8f9d4, the trace tables) through 2.22's head
 * (0584bdc529eb) to 3.6's head (bf29a5ff90ea), ported:
 * each step makes the change its `mlflow/store/db_migrations/versions/<revision>_*.py` makes, on SQLite as
 * alembic's batch mode does it (ADD COLUMN in place; a changed column type rebuilds the table under
 * `_alembic_tmp_<table>` and renames it back) and on PostgreSQL with plain ALTER TABLE.
 */
import type { SqlDialectName } from '../connect.js';
import { headCreateTable, headStatementsFor } from './head-statements.js';

export type Execute = (statement: string) => Promise<void>;

export interface Migration {
  readonly revision: string;
  readonly downRevision: string;
  readonly description: string;
  apply(execute: Execute, dialect: SqlDialectName): Promise<void>;
}

/** MLflow 2.22's alembic head. */
export const MLFLOW_2_22_HEAD = '0584bdc529eb';

/** MLflow 2.14's alembic head (the trace tables): the oldest revision `mlflow-ts db upgrade` starts from. */
export const OLDEST_UPGRADABLE_REVISION = '867495a8f9d4';

/** MLflow's revisions before that (MLflow's own `mlflow db upgrade` brings them further). */
export const REVISIONS_BEFORE_OLDEST: readonly string[] = [
  '451aebb31d03',
  '90e64c465722',
  '181f10493468',
  'df50e92ffc5e',
  '7ac759974ad8',
  '89d4b8295536',
  '2b4d017a5e9b',
  'cfd24bdc0731',
  '0a8213491aaa',
  '728d730b5ebd',
  '27a6a02d2cf1',
  '84291f40a231',
  'a8c4a736bde6',
  '39d1c3be5f05',
  'c48cb773bb87',
  'bd07f7e963c5',
  '0c779009ac13',
  'cc1f77228345',
  '97727af70f4d',
  '3500859a5d39',
  '7f2a7d5fae7d',
  '2d6e25af4d3e',
  'acf3f17fdcc7',
];

async function createTables(execute: Execute, dialect: SqlDialectName, tables: readonly string[]): Promise<void> {
  for (const statement of headStatementsFor(dialect, tables)) await execute(statement);
}

/**
 * alembic's batch rebuild on SQLite: the new table under a temporary name, the rows copied, the old table
 * dropped (with its indexes), the new one renamed back and its indexes made again. Used only for tables no
 * later migration changes, so the new table is the head one.
 */
async function rebuildSqliteTable(execute: Execute, table: string, columns: string): Promise<void> {
  const tmp = `_alembic_tmp_${table}`;
  await execute(headCreateTable('sqlite', table).replace(/^CREATE TABLE "?[a-z_]+"? \(/, `CREATE TABLE ${tmp} (`));
  await execute(`INSERT INTO ${tmp} (${columns}) SELECT ${columns} FROM ${table}`);
  await execute(`DROP TABLE ${table}`);
  await execute(`ALTER TABLE ${tmp} RENAME TO ${table}`);
  for (const statement of headStatementsFor('sqlite', [table])) {
    if (statement.startsWith('CREATE INDEX') || statement.startsWith('CREATE UNIQUE INDEX')) await execute(statement);
  }
}

const RECORDS = 'evaluation_dataset_records';

export const MIGRATIONS: readonly Migration[] = [
  {
    revision: '5b0e9adcef9c',
    downRevision: OLDEST_UPGRADABLE_REVISION,
    description: 'add cascade deletion to trace tables foreign keys',
    apply: async (execute, dialect) => {
      for (const table of ['trace_tags', 'trace_request_metadata']) {
        if (dialect === 'sqlite') {
          await rebuildSqliteTable(execute, table, '"key", value, request_id');
        } else {
          await execute(`ALTER TABLE ${table} DROP CONSTRAINT fk_${table}_request_id`);
          await execute(
            `ALTER TABLE ${table} ADD CONSTRAINT fk_${table}_request_id FOREIGN KEY(request_id) ` +
              'REFERENCES trace_info (request_id) ON DELETE CASCADE',
          );
        }
      }
    },
  },
  {
    revision: '4465047574b1',
    downRevision: '5b0e9adcef9c',
    description: 'increase max dataset schema size (MySQL only: nothing on SQLite and PostgreSQL)',
    apply: async () => {},
  },
  {
    revision: 'f5a4f2784254',
    downRevision: '4465047574b1',
    description: 'increase run tag value limit to 8000',
    apply: async (execute, dialect) => {
      if (dialect === 'postgresql') return execute('ALTER TABLE tags ALTER COLUMN value TYPE VARCHAR(8000)');
      return rebuildSqliteTable(execute, 'tags', '"key", value, run_uuid');
    },
  },
  {
    revision: MLFLOW_2_22_HEAD,
    downRevision: 'f5a4f2784254',
    description: 'add cascading deletion to datasets from experiments',
    apply: async (execute, dialect) => {
      if (dialect === 'sqlite') {
        return rebuildSqliteTable(
          execute,
          'datasets',
          'dataset_uuid, experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile',
        );
      }
      // The unnamed foreign key PostgreSQL named (datasets_experiment_id_fkey), found by what it references.
      await execute(`DO $$DECLARE n text; BEGIN
        SELECT conname INTO n FROM pg_constraint
          WHERE conrelid = 'datasets'::regclass AND contype = 'f' AND confrelid = 'experiments'::regclass;
        IF n IS NOT NULL THEN EXECUTE format('ALTER TABLE datasets DROP CONSTRAINT %I', n); END IF;
      END$$`);
      await execute(
        'ALTER TABLE datasets ADD CONSTRAINT fk_datasets_experiment_id_experiments FOREIGN KEY(experiment_id) ' +
          'REFERENCES experiments (experiment_id) ON DELETE CASCADE',
      );
    },
  },
  {
    revision: '400f98739977',
    downRevision: MLFLOW_2_22_HEAD,
    description: 'add logged model tables',
    apply: (execute, dialect) =>
      createTables(execute, dialect, [
        'logged_models',
        'logged_model_metrics',
        'logged_model_params',
        'logged_model_tags',
      ]),
  },
  {
    revision: '6953534de441',
    downRevision: '400f98739977',
    description: 'add step to inputs table',
    apply: (execute) => execute(`ALTER TABLE inputs ADD COLUMN step BIGINT DEFAULT '0' NOT NULL`),
  },
  {
    revision: 'bda7b8c39065',
    downRevision: '6953534de441',
    description: 'increase model version tag value limit',
    apply: async (execute, dialect) => {
      if (dialect === 'postgresql') return execute('ALTER TABLE model_version_tags ALTER COLUMN value TYPE TEXT');
      return rebuildSqliteTable(execute, 'model_version_tags', '"key", value, name, version');
    },
  },
  {
    revision: 'cbc13b556ace',
    downRevision: 'bda7b8c39065',
    description: 'add v3 trace schema columns',
    apply: async (execute) => {
      await execute('ALTER TABLE trace_info ADD COLUMN client_request_id VARCHAR(50)');
      await execute('ALTER TABLE trace_info ADD COLUMN request_preview VARCHAR(1000)');
      await execute('ALTER TABLE trace_info ADD COLUMN response_preview VARCHAR(1000)');
    },
  },
  {
    revision: '770bee3ae1dd',
    downRevision: 'cbc13b556ace',
    description: 'add assessments table',
    apply: (execute, dialect) => createTables(execute, dialect, ['assessments']),
  },
  {
    revision: 'a1b2c3d4e5f6',
    downRevision: '770bee3ae1dd',
    description: 'add spans table',
    apply: (execute, dialect) => createTables(execute, dialect, ['spans']),
  },
  {
    revision: 'de4033877273',
    downRevision: 'a1b2c3d4e5f6',
    description: 'create entity associations',
    apply: (execute, dialect) => createTables(execute, dialect, ['entity_associations']),
  },
  {
    revision: '1a0cddfcaa16',
    downRevision: 'de4033877273',
    description: 'add webhooks and webhook events tables',
    apply: (execute, dialect) => createTables(execute, dialect, ['webhooks', 'webhook_events']),
  },
  {
    revision: '534353b11cbc',
    downRevision: '1a0cddfcaa16',
    description: 'add scorer table',
    apply: (execute, dialect) => createTables(execute, dialect, ['scorers', 'scorer_versions']),
  },
  {
    revision: '71994744cf8e',
    downRevision: '534353b11cbc',
    description: 'add evaluation datasets',
    apply: async (execute, dialect) => {
      // The records table as this revision made it: without `outputs` (3da73c924c2f adds it). On SQLite,
      // alembic's batch create_unique_constraint rebuilt it (hence its quoted name in sqlite_master).
      for (const statement of headStatementsFor(dialect, ['evaluation_datasets', 'evaluation_dataset_tags', RECORDS])) {
        if (statement.startsWith('CREATE TABLE') && statementIsRecords(statement)) {
          const withoutOutputs =
            dialect === 'sqlite'
              ? statement.replace(', outputs JSON', '')
              : statement.replace(',\n    outputs json', '');
          if (withoutOutputs === statement) throw new Error(`MLflow's head DDL of ${RECORDS} has no outputs column`);
          if (dialect === 'sqlite') {
            await execute(
              withoutOutputs.replace(/^CREATE TABLE "?[a-z_]+"? \(/, `CREATE TABLE _alembic_tmp_${RECORDS} (`),
            );
            await execute(`ALTER TABLE _alembic_tmp_${RECORDS} RENAME TO ${RECORDS}`);
          } else {
            await execute(withoutOutputs);
          }
        } else {
          await execute(statement);
        }
      }
    },
  },
  {
    revision: '3da73c924c2f',
    downRevision: '71994744cf8e',
    description: 'add outputs to dataset record',
    apply: (execute) => execute(`ALTER TABLE ${RECORDS} ADD COLUMN outputs JSON`),
  },
  {
    revision: 'bf29a5ff90ea',
    downRevision: '3da73c924c2f',
    description: 'add jobs table',
    apply: (execute, dialect) => createTables(execute, dialect, ['jobs']),
  },
];

function statementIsRecords(statement: string): boolean {
  return /^CREATE TABLE "?evaluation_dataset_records"? \(/.test(statement);
}

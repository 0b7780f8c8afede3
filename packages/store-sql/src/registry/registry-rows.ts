/**
 * MLflow's registry rows as entities (`SqlRegisteredModel.to_mlflow_entity`, `SqlModelVersion.to_mlflow_entity`),
 * loaded in batches: one query per child table for a whole page, never one per row.
 */
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { MODEL_VERSION_STAGES } from '@mlflow-ts/format';
import type { ModelVersion, ModelVersionStage, ModelVersionStatus, RegisteredModel } from '@mlflow-ts/format';
import type { ModelVersionsTable, RegisteredModelsTable } from '../db-types.js';
import { chunks, groupBy, selectWhereIn } from '../tracking/transactions.js';
import type { Db } from '../tracking/transactions.js';

export type ModelRow = Selectable<RegisteredModelsTable>;
export type VersionRow = Selectable<ModelVersionsTable>;

/** MLflow's soft-deleted versions keep their row (and number) in this stage. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

const STATUSES: readonly string[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];
const CHUNK = 400;

type KeyValue = { key: string; value: string };

export function versionEntity(row: VersionRow, tags: KeyValue[], aliases: string[]): ModelVersion {
  const stage = (MODEL_VERSION_STAGES as readonly string[]).includes(row.current_stage ?? '')
    ? (row.current_stage as ModelVersionStage)
    : 'None';
  const created = row.creation_time ?? 0;
  const out: ModelVersion = {
    name: row.name,
    version: String(row.version),
    creation_timestamp: created,
    last_updated_timestamp: row.last_updated_time ?? created,
    current_stage: stage,
    source: row.source ?? '',
    status: (STATUSES.includes(row.status ?? '') ? row.status : 'READY') as ModelVersionStatus,
    tags,
    aliases,
  };
  // As MLflow's entity: what the row holds, '' included (MLflow's client stores '' for no run_link).
  // MLflow's table has no model_id column, so its versions carry none either.
  if (row.user_id !== null) out.user_id = row.user_id;
  if (row.description !== null) out.description = row.description;
  if (row.run_id !== null) out.run_id = row.run_id;
  if (row.status_message !== null) out.status_message = row.status_message;
  if (row.run_link !== null) out.run_link = row.run_link;
  return out;
}

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;

/** Aliases of the named models: name → (version → alias names), and name → alias list. */
async function loadAliases(
  db: Db,
  names: readonly string[],
): Promise<Map<string, { alias: string; version: number }[]>> {
  const rows = await selectWhereIn<{ name: string; alias: string; version: number }>(
    db,
    'registered_model_aliases',
    ['name', 'alias', 'version'],
    'name',
    [...new Set(names)],
    'alias',
    CHUNK,
  );
  const out = new Map<string, { alias: string; version: number }[]>();
  for (const [name, list] of groupBy(rows, (r) => r.name))
    out.set(
      name,
      list.map((r) => ({ alias: r.alias, version: r.version })),
    );
  return out;
}

/**
 * Version entities for rows, with their tags, and with their aliases where MLflow fills them in
 * (get, create, update, transition, by alias, latest versions; not search results nor a model's
 * latest_versions, whose aliases MLflow leaves empty).
 */
export async function versionEntities(
  db: Db,
  rows: readonly VersionRow[],
  withAliases = true,
): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const tags: { name: string; version: number; key: string; value: string | null }[] = [];
  for (const part of chunks(rows, CHUNK)) {
    // Row values against a VALUES list (SQLite allows no literal row list on the right of IN).
    const pairs = sql.join(part.map((r) => sql`(${r.name}, CAST(${r.version} AS INTEGER))`));
    const found = await sql<{ name: string; version: number; key: string; value: string | null }>`
      SELECT name, version, "key", value FROM model_version_tags WHERE (name, version) IN (VALUES ${pairs}) ORDER BY "key"`.execute(
      db,
    );
    tags.push(...found.rows);
  }
  const tagsByVersion = groupBy(tags, (t) => versionKey(t.name, t.version));
  const aliases = withAliases
    ? await loadAliases(
        db,
        rows.map((r) => r.name),
      )
    : new Map<string, { alias: string; version: number }[]>();
  return rows.map((r) => {
    const t = (tagsByVersion.get(versionKey(r.name, r.version)) ?? []).map((x) => ({
      key: x.key,
      value: x.value ?? '',
    }));
    const a = (aliases.get(r.name) ?? []).filter((x) => x.version === r.version).map((x) => x.alias);
    return versionEntity(r, t, a);
  });
}

/**
 * For each named model and stage, its highest live version (MLflow's `latest_versions`), in
 * MLflow's order: stages in the order of their lowest live version (the order MLflow's loop over
 * the model's versions first meets them).
 */
export async function latestVersionRows(
  db: Db,
  names: readonly string[],
  stages?: readonly string[],
): Promise<VersionRow[]> {
  const rows: VersionRow[] = [];
  for (const part of chunks([...new Set(names)], CHUNK)) {
    let q = db
      .selectFrom('model_versions')
      .select([
        'name',
        'current_stage',
        (eb) => eb.fn.min('version').as('lowest'),
        (eb) => eb.fn.max('version').as('highest'),
      ])
      .where('name', 'in', part)
      .where('current_stage', '!=', STAGE_DELETED_INTERNAL)
      .groupBy(['name', 'current_stage']);
    if (stages && stages.length > 0) q = q.where('current_stage', 'in', [...stages]);
    const groups = (await q.execute()).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : Number(a.lowest) - Number(b.lowest),
    );
    if (groups.length === 0) continue;
    const pairs = sql.join(groups.map((g) => sql`(${g.name}, CAST(${Number(g.highest)} AS INTEGER))`));
    const found =
      await sql<VersionRow>`SELECT * FROM model_versions WHERE (name, version) IN (VALUES ${pairs})`.execute(db);
    const byKey = new Map(found.rows.map((r) => [versionKey(r.name, r.version), r]));
    for (const g of groups) {
      const row = byKey.get(versionKey(g.name, Number(g.highest)));
      if (row) rows.push(row);
    }
  }
  return rows;
}

/** Registered-model entities for rows: tags, aliases and latest versions in a few batched queries. */
export async function modelEntities(db: Db, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const names = rows.map((r) => r.name);
  const tags = await selectWhereIn<{ name: string; key: string; value: string | null }>(
    db,
    'registered_model_tags',
    ['name', 'key', 'value'],
    'name',
    names,
    'key',
    CHUNK,
  );
  const tagsByModel = groupBy(tags, (t) => t.name);
  const aliases = await loadAliases(db, names);
  const latest = groupBy(await versionEntities(db, await latestVersionRows(db, names), false), (v) => v.name);
  return rows.map((r) => {
    const created = r.creation_time ?? 0;
    const out: RegisteredModel = {
      name: r.name,
      creation_timestamp: created,
      last_updated_timestamp: r.last_updated_time ?? created,
      latest_versions: latest.get(r.name) ?? [],
      tags: (tagsByModel.get(r.name) ?? []).map((t) => ({ key: t.key, value: t.value ?? '' })),
      aliases: (aliases.get(r.name) ?? []).map((a) => ({ alias: a.alias, version: String(a.version) })),
    };
    if (r.description !== null) out.description = r.description;
    return out;
  });
}

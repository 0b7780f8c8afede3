/**
 * MLflow 3 traces on MLflow's SQL schema (SqlAlchemyStore's trace methods): trace_info with its
 * tags and request metadata, spans kept in the `spans` table (so `mlflow.trace.spansLocation` is
 * TRACKING_STORE), trace→run links as entity associations plus the `mlflow.sourceRun` metadata.
 * Every write is one transaction; a span batch is a few multi-row upserts in it.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  MAX_SPANS_PER_BATCH,
  MlflowError,
  TRACE_KEYS,
  type Trace,
  type TraceInfo,
  type TraceStore,
  assertTraceId,
  checkSpanBatch,
  isTraceComplete,
  startedTraceInfo,
  traceArtifactLocation,
  traceExperimentId,
  traceIdOfSpan,
  traceInfoAfterSpans,
  validateDeleteTraces,
  validateTraceTag,
} from '@mlflow-ts/format';
import type { SqlConnection } from '../connect.js';
import type { Db } from '../tracking/transactions.js';
import { chunks, inWriteTransaction, read } from '../tracking/transactions.js';
import {
  checkSpanRecord,
  rootPreviews,
  spanForStorage,
  tokenUsageAfter,
  TOKEN_USAGE_METADATA,
} from './span-derived.js';
import { IN_CHUNK, loadSpans, loadTraceInfos, preview, spanRow } from './trace-rows.js';
import { searchTraceIds } from './trace-search.js';

/** MLflow's link_traces_to_run limit. */
const MAX_TRACES_PER_LINK = 100;
/** Rows per multi-row INSERT (10 bound values a span row: well under both databases' limits). */
const SPAN_ROWS_PER_INSERT = 500;

const traceNotFound = (id: string) => MlflowError.notFound(`Trace with ID '${id}' not found.`);

interface ExperimentHead {
  experiment_id: number;
  artifact_location: string;
  lifecycle_stage: string | null;
}

async function experimentHead(db: Db, id: string | undefined): Promise<ExperimentHead> {
  const n = typeof id === 'string' && /^\d{1,10}$/.test(id) ? Number(id) : null;
  const row =
    n === null || n > 2147483647
      ? undefined
      : await db
          .selectFrom('experiments')
          .select(['experiment_id', 'artifact_location', 'lifecycle_stage'])
          .where('experiment_id', '=', n)
          .executeTakeFirst();
  if (!row) throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${String(id)} exists`);
  return { ...row, artifact_location: row.artifact_location ?? '' };
}

async function activeExperiment(db: Db, id: string | undefined): Promise<ExperimentHead> {
  if (!id)
    throw MlflowError.invalidParameter(
      'A trace must be located in an MLflow experiment (trace_location.mlflow_experiment).',
    );
  const exp = await experimentHead(db, id);
  if (exp.lifecycle_stage !== 'active') {
    throw MlflowError.invalidParameter(`The experiment ${id} must be in the 'active' lifecycle_stage to log traces.`);
  }
  return exp;
}

/** Locks the trace row for the rest of the transaction (PostgreSQL; SQLite's writer lock is already held). */
async function lockInfo(db: Db, conn: SqlConnection, traceId: string): Promise<TraceInfo | undefined> {
  if (conn.dialect === 'postgresql') {
    await sql`SELECT 1 FROM trace_info WHERE request_id = ${traceId} FOR UPDATE`.execute(db);
  }
  const [info] = await loadTraceInfos(db, [traceId]);
  return info;
}

async function upsertKeyValues(
  db: Db,
  table: 'trace_tags' | 'trace_request_metadata',
  traceId: string,
  entries: Record<string, string>,
): Promise<void> {
  const rows = Object.entries(entries).map(([key, value]) => ({ key, value, request_id: traceId }));
  for (const part of chunks(rows, IN_CHUNK)) {
    await db
      .insertInto(table)
      .values(part)
      .onConflict((oc) => oc.columns(['key', 'request_id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

function infoColumns(info: TraceInfo) {
  return {
    timestamp_ms: info.request_time,
    execution_time_ms: info.execution_duration ?? null,
    status: info.state,
    client_request_id: info.client_request_id ?? null,
    request_preview: preview(info.request_preview),
    response_preview: preview(info.response_preview),
  };
}

async function requireTrace(db: Db, traceId: string): Promise<void> {
  assertTraceId(traceId);
  const row = await db
    .selectFrom('trace_info')
    .select('request_id')
    .where('request_id', '=', traceId)
    .executeTakeFirst();
  if (!row) throw traceNotFound(traceId);
}

export function createSqlTraceStore(conn: SqlConnection): TraceStore {
  return {
    specificationVersion: 'v1',

    startTrace: (incoming) =>
      inWriteTransaction(conn, async (db) => {
        assertTraceId(incoming.trace_id);
        const exp = await activeExperiment(db, traceExperimentId(incoming));
        const existing = await lockInfo(db, conn, assertTraceId(incoming.trace_id));
        const info = startedTraceInfo(
          incoming,
          traceArtifactLocation(exp.artifact_location, incoming.trace_id),
          existing,
        );
        const columns = infoColumns(info);
        await db
          .insertInto('trace_info')
          .values({ request_id: info.trace_id, experiment_id: exp.experiment_id, ...columns })
          .onConflict((oc) => oc.column('request_id').doUpdateSet({ ...columns, experiment_id: exp.experiment_id }))
          .execute();
        await upsertKeyValues(db, 'trace_tags', info.trace_id, info.tags);
        await upsertKeyValues(db, 'trace_request_metadata', info.trace_id, info.trace_metadata);
        const [stored] = await loadTraceInfos(db, [info.trace_id]);
        if (!stored) throw traceNotFound(info.trace_id);
        return stored;
      }),

    getTraceInfo: (traceId) =>
      read(conn, async (db) => {
        const [info] = await loadTraceInfos(db, [assertTraceId(traceId)]);
        if (!info) throw traceNotFound(traceId);
        return info;
      }),

    batchGetTraces: (traceIds) =>
      read(conn, async (db) => {
        for (const id of traceIds) assertTraceId(id);
        const infos = await loadTraceInfos(db, traceIds);
        const spans = await loadSpans(
          db,
          infos.map((i) => i.trace_id),
        );
        const out: Trace[] = [];
        const seen = new Set<string>();
        for (const info of infos) {
          const list = spans.get(info.trace_id) ?? [];
          if (seen.has(info.trace_id) || !isTraceComplete(info, list.length)) continue;
          seen.add(info.trace_id);
          out.push({ info, spans: list });
        }
        return out;
      }),

    searchTraces: (req) =>
      read(conn, async (db) => {
        const ids: number[] = [];
        for (const id of req.experiment_ids) ids.push((await experimentHead(db, id)).experiment_id);
        const page = await searchTraceIds(db, conn.dialect, ids, req);
        const items = await loadTraceInfos(db, page.items);
        return page.next_page_token ? { items, next_page_token: page.next_page_token } : { items };
      }),

    setTraceTag: (traceId, key, value) =>
      inWriteTransaction(conn, async (db) => {
        await requireTrace(db, traceId);
        const tag = validateTraceTag(key, value);
        await upsertKeyValues(db, 'trace_tags', traceId, { [tag.key]: tag.value });
      }),

    deleteTraceTag: (traceId, key) =>
      inWriteTransaction(conn, async (db) => {
        await requireTrace(db, traceId);
        const r = await db
          .deleteFrom('trace_tags')
          .where('request_id', '=', traceId)
          .where('key', '=', key)
          .executeTakeFirst();
        if (Number(r.numDeletedRows) === 0)
          throw MlflowError.notFound(`No tag with name: ${key} in trace with ID ${traceId}.`);
      }),

    deleteTraces: async (req) => {
      validateDeleteTraces(req);
      return inWriteTransaction(conn, async (db) => {
        const exp = await experimentHead(db, req.experiment_id);
        let victims: string[];
        if (req.trace_ids?.length) {
          victims = [];
          for (const part of chunks([...new Set(req.trace_ids)], IN_CHUNK)) {
            const rows = await db
              .selectFrom('trace_info')
              .select('request_id')
              .where('experiment_id', '=', exp.experiment_id)
              .where('request_id', 'in', part)
              .execute();
            victims.push(...rows.map((r) => r.request_id));
          }
        } else {
          let q = db
            .selectFrom('trace_info')
            .select('request_id')
            .where('experiment_id', '=', exp.experiment_id)
            .where('timestamp_ms', '<=', req.max_timestamp_millis as number)
            .orderBy('timestamp_ms', 'asc')
            .orderBy('request_id', 'asc');
          if (req.max_traces !== undefined && req.max_traces !== null) q = q.limit(req.max_traces);
          victims = (await q.execute()).map((r) => r.request_id);
        }
        for (const part of chunks(victims, IN_CHUNK)) {
          // Children first: the foreign keys cascade, but an old database may lack ON DELETE CASCADE.
          for (const table of ['spans', 'assessments'] as const)
            await db.deleteFrom(table).where('trace_id', 'in', part).execute();
          for (const table of ['trace_tags', 'trace_request_metadata'] as const)
            await db.deleteFrom(table).where('request_id', 'in', part).execute();
          await db
            .deleteFrom('entity_associations')
            .where('source_type', '=', 'trace')
            .where('source_id', 'in', part)
            .execute();
          await db.deleteFrom('trace_info').where('request_id', 'in', part).execute();
        }
        return victims.length;
      });
    },

    linkTracesToRun: async (traceIds, runId) => {
      if (traceIds.length > MAX_TRACES_PER_LINK) {
        throw MlflowError.invalidParameter(
          `Cannot link more than ${MAX_TRACES_PER_LINK} traces to a run in a single request. Provided ${traceIds.length} traces.`,
        );
      }
      return inWriteTransaction(conn, async (db) => {
        const ids = [...new Set(traceIds)];
        for (const id of ids) await requireTrace(db, id);
        if (ids.length === 0) return;
        const now = Date.now();
        await db
          .insertInto('entity_associations')
          .values(
            ids.map((id) => ({
              association_id: randomUUID(),
              source_type: 'trace',
              source_id: id,
              destination_type: 'run',
              destination_id: runId,
              created_time: now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
        for (const id of ids)
          await upsertKeyValues(db, 'trace_request_metadata', id, { [TRACE_KEYS.sourceRun]: runId });
      });
    },

    logSpans: async (experimentId, spans) => {
      if (!Array.isArray(spans)) throw MlflowError.invalidParameter('Expected a list of spans.');
      spans.slice(0, MAX_SPANS_PER_BATCH + 1).forEach(checkSpanRecord);
      const traceId = assertTraceId(checkSpanBatch(spans.map(traceIdOfSpan)));
      return inWriteTransaction(conn, async (db) => {
        const exp = await activeExperiment(db, experimentId);
        const location = traceArtifactLocation(exp.artifact_location, traceId);
        // Create the trace when it is new (a racing writer's row wins: DO NOTHING), then lock it.
        if (!(await lockInfo(db, conn, traceId))) {
          const fresh = traceInfoAfterSpans(experimentId, traceId, spans, location);
          await db
            .insertInto('trace_info')
            .values({ request_id: traceId, experiment_id: exp.experiment_id, ...infoColumns(fresh) })
            .onConflict((oc) => oc.column('request_id').doNothing())
            .execute();
          await db
            .insertInto('trace_tags')
            .values(Object.entries(fresh.tags).map(([key, value]) => ({ key, value, request_id: traceId })))
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
        const existing = await lockInfo(db, conn, traceId);
        if (!existing) throw traceNotFound(traceId);
        const info = traceInfoAfterSpans(experimentId, traceId, spans, location, existing);
        const stored = spans.map(spanForStorage);
        const previews = rootPreviews(stored);
        await db
          .updateTable('trace_info')
          .set({
            timestamp_ms: info.request_time,
            execution_time_ms: info.execution_duration ?? null,
            status: info.state,
            ...(existing.request_preview === undefined && previews.request !== undefined
              ? { request_preview: preview(previews.request) }
              : {}),
            ...(existing.response_preview === undefined && previews.response !== undefined
              ? { response_preview: preview(previews.response) }
              : {}),
          })
          .where('request_id', '=', traceId)
          .execute();
        const usage = tokenUsageAfter(existing.trace_metadata[TOKEN_USAGE_METADATA], stored);
        if (usage !== undefined)
          await upsertKeyValues(db, 'trace_request_metadata', traceId, { [TOKEN_USAGE_METADATA]: usage });
        // Spans live under the trace's experiment; a span sent again replaces the stored one (last in the batch wins).
        const spanExperiment = Number(existing.trace_location.mlflow_experiment?.experiment_id ?? exp.experiment_id);
        const rows = [...new Map(stored.map((s) => [s.span_id, spanRow(traceId, spanExperiment, s)])).values()];
        for (const part of chunks(rows, SPAN_ROWS_PER_INSERT)) {
          await db
            .insertInto('spans')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['trace_id', 'span_id']).doUpdateSet((eb) => ({
                parent_span_id: eb.ref('excluded.parent_span_id'),
                name: eb.ref('excluded.name'),
                type: eb.ref('excluded.type'),
                status: eb.ref('excluded.status'),
                start_time_unix_nano: eb.ref('excluded.start_time_unix_nano'),
                end_time_unix_nano: eb.ref('excluded.end_time_unix_nano'),
                content: eb.ref('excluded.content'),
              })),
            )
            .execute();
        }
      });
    },
  };
}

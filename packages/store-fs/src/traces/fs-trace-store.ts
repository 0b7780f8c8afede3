/**
 * The trace capability of the file store on MLflow's FileStore layout (see trace-files.ts), with
 * MLflow's SQL-store behaviour for spans: spans logged over OTLP are kept in the trace's
 * `artifacts/traces.json` (where MLflow's FileStore client puts them), so batch_get_traces answers
 * and MLflow reading the tree finds them. Searches use a per-experiment in-memory index.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  MlflowError,
  assertTraceId,
  checkSpanBatch,
  isTraceComplete,
  mergeSpans,
  searchTracesInMemory,
  startedTraceInfo,
  traceArtifactLocation,
  traceExperimentId,
  traceIdOfSpan,
  traceInfoAfterSpans,
  validateDeleteTraces,
  validateTraceTag,
  TRACE_KEYS,
} from '@mlflow-ts/format';
import type { Experiment, SpanRecord, Trace, TraceInfo, TraceStore, TrackingStore } from '@mlflow-ts/format';
import { GroupSync } from './group-sync.js';
import { ExperimentTraceIndex } from './trace-index.js';
import {
  TAGS_FOLDER,
  TRACES_FOLDER,
  TRACE_INFO_FILE,
  readSpans,
  readTraceInfo,
  removeTag,
  writeDict,
  writeSpans,
  writeTraceDicts,
  writeTraceInfoYaml,
} from './trace-files.js';

export interface FsTraceStoreOptions {
  /** The `mlruns` directory (a local path). */
  root: string;
  tracking: Pick<TrackingStore, 'getExperiment'>;
  /** Default true: acknowledged writes are fsync'ed. */
  fsync?: boolean;
  warn?: (message: string) => void;
}

/** fsync or not for a store's `durability` option; unset honours `MLFLOW_TS_FSYNC=0` like the rest of store-fs. */
export function traceFsync(durability: string | undefined): boolean {
  if (durability !== undefined) return durability !== 'none';
  const v = (process.env.MLFLOW_TS_FSYNC ?? '').trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'no' || v === 'off');
}

export function createFsTraceStore(opts: FsTraceStoreOptions): TraceStore {
  const { root, tracking } = opts;
  const gs = new GroupSync(opts.fsync ?? traceFsync(undefined));
  const warn = opts.warn ?? (() => {});
  const indexes = new Map<string, ExperimentTraceIndex>();
  const locks = new Map<string, Promise<unknown>>();

  const tracesDirOf = (experimentId: string) => path.join(root, experimentId, TRACES_FOLDER);
  const indexOf = (experimentId: string): ExperimentTraceIndex => {
    let idx = indexes.get(experimentId);
    if (!idx) indexes.set(experimentId, (idx = new ExperimentTraceIndex(tracesDirOf(experimentId), warn)));
    return idx;
  };

  /** Writes to one trace run one at a time (read-modify-write of its files). */
  function locked<T>(traceId: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(traceId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => {});
    locks.set(traceId, tail);
    void tail.then(() => {
      if (locks.get(traceId) === tail) locks.delete(traceId);
    });
    return next;
  }

  async function activeExperiment(id: string | undefined): Promise<Experiment> {
    if (!id)
      throw MlflowError.invalidParameter(
        'A trace must be located in an MLflow experiment (trace_location.mlflow_experiment).',
      );
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id))
      throw MlflowError.invalidParameter(`Invalid experiment id '${id.slice(0, 100)}'.`);
    const exp = await tracking.getExperiment(id);
    if (exp.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(`The experiment ${id} must be in the 'active' lifecycle_stage to log traces.`);
    }
    return exp;
  }

  /** MLflow's `_find_trace_dir`: the trace in any active experiment. */
  function findTraceDir(traceId: string): { dir: string; experimentId: string } | null {
    assertTraceId(traceId);
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      return null;
    }
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const dir = path.join(root, n, TRACES_FOLDER, traceId);
      if (fs.existsSync(path.join(dir, TRACE_INFO_FILE))) return { dir, experimentId: n };
    }
    return null;
  }

  function mustFind(traceId: string): { dir: string; experimentId: string; info: TraceInfo } {
    const found = findTraceDir(traceId);
    const info = found && readTraceInfo(found.dir);
    if (!found || !info) throw MlflowError.notFound(`Trace with ID '${traceId}' not found.`);
    return { ...found, info };
  }

  /** Phase one (tags, metadata, spans) committed before trace_info.yaml, which is committed last. */
  async function writeTrace(
    dir: string,
    info: TraceInfo,
    o: { dicts: boolean; spans?: SpanRecord[]; yaml: boolean; fresh: boolean },
  ): Promise<void> {
    const tx = gs.begin();
    await tx.mkdir(dir);
    if (o.dicts) await writeTraceDicts(dir, info, tx, o.fresh);
    if (o.spans) await writeSpans(dir, o.spans, tx, o.fresh);
    await tx.commit();
    if (!o.yaml) return;
    await writeTraceInfoYaml(dir, info, tx);
    await tx.commit();
  }

  return {
    specificationVersion: 'v1',

    async startTrace(incoming) {
      assertTraceId(incoming.trace_id);
      const exp = await activeExperiment(traceExperimentId(incoming));
      return locked(incoming.trace_id, async () => {
        const dir = path.join(tracesDirOf(exp.experiment_id), incoming.trace_id);
        const existing = readTraceInfo(dir) ?? undefined;
        const info = startedTraceInfo(
          incoming,
          traceArtifactLocation(exp.artifact_location, incoming.trace_id),
          existing,
        );
        await writeTrace(dir, info, { dicts: true, yaml: true, fresh: !existing && !fs.existsSync(dir) });
        // Read back: the spans-location tag holds only when this store has the spans (trace-files.ts).
        const stored = readTraceInfo(dir) ?? info;
        const idx = indexOf(exp.experiment_id);
        idx.put(stored);
        idx.noteOwnDirChange();
        return stored;
      });
    },

    async getTraceInfo(traceId) {
      return mustFind(traceId).info;
    },

    async batchGetTraces(traceIds) {
      const out: Trace[] = [];
      for (const id of traceIds) {
        const found = findTraceDir(id);
        const info = found && readTraceInfo(found.dir);
        if (!found || !info) continue;
        const spans = readSpans(found.dir);
        if (isTraceComplete(info, spans.length)) out.push({ info, spans });
      }
      return out;
    },

    async searchTraces(req) {
      const found: ExperimentTraceIndex[] = [];
      for (const id of new Set(req.experiment_ids)) {
        await tracking.getExperiment(id);
        const idx = indexOf(id);
        idx.refresh();
        found.push(idx);
      }
      // One experiment: its index is sorted by timestamp, so either direction is a walk from one end.
      const [only] = found;
      const page =
        found.length === 1 && only
          ? searchTracesInMemory(only.all(), req, { presorted: true, inOrder: (c) => only.inOrder(c) })
          : searchTracesInMemory(
              found.flatMap((i) => i.all()),
              req,
            );
      return { ...page, items: structuredClone(page.items) };
    },

    async setTraceTag(traceId, key, value) {
      const { experimentId } = mustFind(traceId);
      const tag = validateTraceTag(key, value);
      await locked(traceId, async () => {
        const { dir, info } = mustFind(traceId);
        const tx = gs.begin();
        await writeDict(path.join(dir, TAGS_FOLDER), { [tag.key]: tag.value }, dir, tx);
        await tx.commit();
        indexOf(experimentId).put({ ...info, tags: { ...info.tags, [tag.key]: tag.value } });
      });
    },

    async deleteTraceTag(traceId, key) {
      const { experimentId } = mustFind(traceId);
      validateTraceTag(key, '');
      await locked(traceId, async () => {
        const { dir, info } = mustFind(traceId);
        const tx = gs.begin();
        if (!(await removeTag(dir, key, tx)))
          throw MlflowError.notFound(`No tag with name: ${key} in trace with ID ${traceId}.`);
        await tx.commit();
        const tags = { ...info.tags };
        delete tags[key];
        indexOf(experimentId).put({ ...info, tags });
      });
    },

    async deleteTraces(req) {
      validateDeleteTraces(req);
      await tracking.getExperiment(req.experiment_id);
      const idx = indexOf(req.experiment_id);
      idx.refresh();
      let victims: string[];
      if (req.trace_ids?.length) {
        victims = req.trace_ids.filter((id) =>
          fs.existsSync(path.join(tracesDirOf(req.experiment_id), id, TRACE_INFO_FILE)),
        );
      } else {
        const max = req.max_timestamp_millis as number;
        const old = idx
          .all()
          .filter((i) => i.request_time <= max)
          .sort((a, b) => a.request_time - b.request_time);
        victims = old.slice(0, req.max_traces ?? old.length).map((i) => i.trace_id);
      }
      for (const id of victims) {
        await locked(id, async () => {
          const dir = path.join(tracesDirOf(req.experiment_id), id);
          // trace_info.yaml first (durably): from then on the trace is gone; the rest is cleanup.
          const tx = gs.begin();
          await tx.removeFile(path.join(dir, TRACE_INFO_FILE));
          await tx.commit();
          await fs.promises.rm(dir, { recursive: true, force: true });
          idx.remove(id);
        });
      }
      idx.noteOwnDirChange();
      return victims.length;
    },

    async linkTracesToRun(traceIds, runId) {
      const found = traceIds.map((id) => ({ id, ...mustFind(id) }));
      for (const f of found) {
        await locked(f.id, async () => {
          const tx = gs.begin();
          await writeDict(path.join(f.dir, 'request_metadata'), { [TRACE_KEYS.sourceRun]: runId }, f.dir, tx);
          await tx.commit();
          indexOf(f.experimentId).put({
            ...f.info,
            trace_metadata: { ...f.info.trace_metadata, [TRACE_KEYS.sourceRun]: runId },
          });
        });
      }
    },

    async logSpans(experimentId, spans: SpanRecord[]) {
      const traceId = assertTraceId(checkSpanBatch(spans.map(traceIdOfSpan)));
      const exp = await activeExperiment(experimentId);
      await locked(traceId, async () => {
        const dir = path.join(tracesDirOf(exp.experiment_id), traceId);
        const existing = readTraceInfo(dir) ?? undefined;
        const info = traceInfoAfterSpans(
          exp.experiment_id,
          traceId,
          spans,
          traceArtifactLocation(exp.artifact_location, traceId),
          existing,
        );
        const merged = mergeSpans(existing ? readSpans(dir) : [], spans);
        const changed = !existing || JSON.stringify(info) !== JSON.stringify(existing);
        await writeTrace(dir, info, {
          dicts: !existing,
          spans: merged,
          yaml: changed,
          fresh: !existing && !fs.existsSync(dir),
        });
        const idx = indexOf(exp.experiment_id);
        idx.put(info);
        if (!existing) idx.noteOwnDirChange();
      });
    },
  };
}

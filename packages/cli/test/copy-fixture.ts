/**
 * For the copier's tests: a source mlruns tree holding one of everything (experiments active and
 * deleted, runs in every state, nested runs, >1000-point histories with NaN/±Inf, 150 params,
 * datasets, a logged model with metrics, a trace with spans, a registry with stages, aliases, tags and
 * a version gap, artifacts), and `snapshotStores`, an id-independent picture of a store set: two
 * sets holding the same data have equal snapshots, whatever ids the target assigned.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRepository, Metric, ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import { makeSpan, makeTraceInfo, newTraceIds } from '@mlflow-ts/format/testing';
import { createFsArtifactRepository, createFsRegistryStore, createFsTrackingStore } from '@mlflow-ts/store-fs';
import { SOURCE_MODEL_TAG, SOURCE_RUN_TAG, SOURCE_VERSION_TAG, type StoreSet } from '../src/copy/index.js';
import { collectAll } from '../src/copy/paging.js';
import { openSide } from '../src/commands/db/migrate-stores.js';
import { runCli } from './cli-harness.js';

/** store-fs tracking + registry + file artifacts on one mlruns root (sources anywhere allowed). */
export function fsStores(root: string): StoreSet & { close(): Promise<void> } {
  const tracking = createFsTrackingStore({ root, cacheDir: null });
  const registry = createFsRegistryStore({
    root,
    trackingStore: tracking,
    allowedSourceRoots: ['/'],
    allowedSourceSchemes: ['runs', 'models', 'mlflow-artifacts', 'file'],
  });
  return {
    tracking,
    registry,
    artifacts: (uri: string): ArtifactRepository => createFsArtifactRepository(uri),
    close: async () => {
      await registry.close();
      await tracking.close?.();
    },
  };
}

export interface SourceFixture {
  runIds: { main: string; child: string; running: string; deleted: string; inDeletedExp: string; inDefault: string };
  modelId: string;
  traceId: string;
  /** Writes counted by the copy of this fixture is in the tens to hundreds. */
  metricPoints: number;
}

const history = (n: number): Metric[] =>
  Array.from({ length: n }, (_, i) => ({
    key: 'loss',
    value: i === 7 ? Number.NaN : i === 8 ? Number.POSITIVE_INFINITY : i === 9 ? Number.NEGATIVE_INFINITY : 1 / (i + 1),
    timestamp: 1_700_000_000_000 + i,
    step: i % 1000,
  }));

export async function buildSourceFixture(root: string): Promise<SourceFixture> {
  const s = fsStores(root);
  const t: TrackingStore = s.tracking;
  const reg: ModelRegistryStore = s.registry!;
  const alpha = await t.createExperiment({ name: 'alpha', tags: [{ key: 'team', value: 'vision' }] });
  const main = (
    await t.createRun({
      experiment_id: alpha,
      run_name: 'main',
      user_id: 'ann',
      start_time: 1000,
      tags: [{ key: 'k', value: 'v' }],
    })
  ).info.run_id;
  const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
  for (let i = 0; i < params.length; i += 100) await t.logBatch(main, { params: params.slice(i, i + 100) });
  const loss = history(2500);
  for (let i = 0; i < loss.length; i += 1000) await t.logBatch(main, { metrics: loss.slice(i, i + 1000) });
  await t.logMetric(main, { key: 'acc', value: 0.5, timestamp: 5, step: 0 });
  await t.logMetric(main, { key: 'acc', value: 0.5, timestamp: 5, step: 0 }); // an exact repeat, kept by the file store
  await t.logInputs(main, {
    datasets: [
      {
        tags: [{ key: 'mlflow.data.context', value: 'train' }],
        dataset: {
          name: 'iris',
          digest: 'abc123',
          source_type: 'local',
          source: '{"uri": "/data/iris.csv"}',
          schema: '{}',
          profile: '{"rows": 150}',
        },
      },
    ],
  });
  const model = await t.createLoggedModel!({
    experiment_id: alpha,
    name: 'clf',
    model_type: 'sklearn',
    source_run_id: main,
    params: [{ key: 'depth', value: '3' }],
    tags: [{ key: 'mt', value: '1' }],
  });
  await t.finalizeLoggedModel!(model.info.model_id, 'LOGGED_MODEL_READY');
  await t.logBatch(main, {
    metrics: [
      {
        key: 'f1',
        value: 0.9,
        timestamp: 10,
        step: 1,
        model_id: model.info.model_id,
        dataset_name: 'iris',
        dataset_digest: 'abc123',
      },
    ],
  });
  await t.logOutputs!(main, [{ model_id: model.info.model_id, step: 1 }]);
  await t.updateRun(main, { status: 'FINISHED', end_time: 2000 });
  const artifactDir = new URL((await t.getRun(main)).info.artifact_uri).pathname;
  await mkdir(path.join(artifactDir, 'model'), { recursive: true });
  await writeFile(path.join(artifactDir, 'model', 'weights.bin'), Buffer.alloc(70_000, 7));
  await writeFile(path.join(artifactDir, 'notes.txt'), 'hello');

  const child = (
    await t.createRun({
      experiment_id: alpha,
      run_name: 'child',
      start_time: 1500,
      tags: [{ key: 'mlflow.parentRunId', value: main }],
    })
  ).info.run_id;
  await t.logParam(child, { key: 'lr', value: '0.1' });
  await t.updateRun(child, { status: 'FAILED', end_time: 1600 });
  const running = (await t.createRun({ experiment_id: alpha, run_name: 'still-going', start_time: 3000 })).info.run_id;
  await t.logMetric(running, { key: 'loss', value: 3, timestamp: 3001, step: 0 });
  const deleted = (await t.createRun({ experiment_id: alpha, run_name: 'gone', start_time: 4000 })).info.run_id;
  await t.updateRun(deleted, { status: 'KILLED', end_time: 4001 });
  await t.deleteRun(deleted);

  const beta = await t.createExperiment({ name: 'beta' });
  const inDeletedExp = (await t.createRun({ experiment_id: beta, run_name: 'old', start_time: 500 })).info.run_id;
  await t.logMetric(inDeletedExp, { key: 'm', value: 1, timestamp: 501, step: 0 });
  await t.updateRun(inDeletedExp, { status: 'FINISHED', end_time: 600 });
  await t.deleteExperiment(beta);
  const inDefault = (await t.createRun({ experiment_id: '0', run_name: 'default-run', start_time: 100 })).info.run_id;
  await t.updateRun(inDefault, { status: 'FINISHED', end_time: 200 });

  const { otel, mlflow: traceId } = newTraceIds();
  const t0 = 1_700_000_100_000;
  await t.traces!.logSpans(alpha, [
    makeSpan({
      traceHex: otel,
      spanId: 1,
      name: 'root',
      startMs: t0,
      endMs: t0 + 10,
      attributes: { 'mlflow.spanInputs': { q: 'x' } },
    }),
    makeSpan({ traceHex: otel, spanId: 2, parentId: 1, name: 'llm', startMs: t0 + 2, endMs: t0 + 8 }),
  ]);
  await t.traces!.startTrace(
    makeTraceInfo(alpha, traceId, {
      request_time: t0,
      execution_duration: 10,
      trace_metadata: {
        'mlflow.trace_schema.version': '3',
        'mlflow.trace.sizeStats': JSON.stringify({ total_size_bytes: 10, num_spans: 2 }),
      },
      tags: { 'mlflow.traceName': 'pipeline', color: 'blue' },
    }),
  );
  await t.traces!.linkTracesToRun([traceId], main);

  await reg.createRegisteredModel({ name: 'reg', tags: [{ key: 'owner', value: 'ann' }], description: 'a model' });
  await reg.createModelVersion({
    name: 'reg',
    source: `runs:/${main}/model`,
    run_id: main,
    tags: [{ key: 'vt', value: '1' }],
    description: 'first',
  });
  await reg.createModelVersion({
    name: 'reg',
    source: `models:/${model.info.model_id}`,
    model_id: model.info.model_id,
  });
  await reg.createModelVersion({ name: 'reg', source: `runs:/${main}/model`, run_id: main });
  await reg.createModelVersion({ name: 'reg', source: `runs:/${child}/model`, run_id: child });
  await reg.deleteModelVersion('reg', '3');
  await reg.transitionModelVersionStage('reg', '1', 'Production', false);
  await reg.transitionModelVersionStage('reg', '4', 'Staging', false);
  await reg.setRegisteredModelAlias('reg', 'champion', '2');
  await reg.setRegisteredModelAlias('reg', 'challenger', '4');
  await reg.createRegisteredModel({ name: 'empty' });
  await s.close();
  return {
    runIds: { main, child, running, deleted, inDeletedExp, inDefault },
    modelId: model.info.model_id,
    traceId,
    metricPoints: 2500 + 2 + 1 + 1 + 1,
  };
}

const sortKv = <T extends { key: string; value: string }>(xs: T[]) =>
  [...xs].sort((a, b) => a.key.localeCompare(b.key));
const kv = (xs: { key: string; value: string }[], drop: string[] = []) =>
  sortKv(xs.filter((x) => !drop.includes(x.key))).map((x) => `${x.key}=${x.value}`);
/**
 * A run's history may or may not say which model and dataset a point was for (the file store's says
 * the dataset, MLflow's SQL `metrics` table neither); models' metrics say both.
 */
const point = (m: Metric, withModel = false) =>
  `${m.step}@${m.timestamp}=${String(m.value)}${withModel && m.model_id ? ' model' : ''}${withModel && m.dataset_name ? ` ${m.dataset_name}` : ''}`;

/**
 * What MLflow's SQL schema cannot hold, taken out of a snapshot: exact repeats of a metric point
 * (the primary key folds them) and a model version's model_id (the table has no such column).
 */
export function sqlShape(snapshot: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(snapshot) as {
    runs: Record<string, { metrics: Record<string, string[]> }>;
    registry: Record<string, { versions: { model?: string }[] }>;
  };
  for (const run of Object.values(copy.runs)) {
    for (const key of Object.keys(run.metrics)) run.metrics[key] = [...new Set(run.metrics[key])];
  }
  for (const m of Object.values(copy.registry)) for (const v of m.versions) delete v.model;
  return copy;
}

/** An id-independent picture of everything in a store set (run and model ids as the source knew them). */
export async function snapshotStores(
  stores: StoreSet,
  opts: { artifacts?: boolean } = {},
): Promise<Record<string, unknown>> {
  const t = stores.tracking;
  const exps = await collectAll((page_token) => t.searchExperiments({ view_type: 'ALL', page_token }));
  const allRuns = await collectAll((page_token) =>
    t.searchRuns({ experiment_ids: exps.map((e) => e.experiment_id), run_view_type: 'ALL', page_token }),
  );
  const srcRun = new Map(
    allRuns.map((r) => [r.info.run_id, r.data.tags.find((x) => x.key === SOURCE_RUN_TAG)?.value ?? r.info.run_id]),
  );
  const models = t.searchLoggedModels
    ? await collectAll((page_token) =>
        t.searchLoggedModels!({ experiment_ids: exps.map((e) => e.experiment_id), page_token }),
      )
    : [];
  const srcModel = new Map(
    models.map((m) => [m.info.model_id, m.info.tags.find((x) => x.key === SOURCE_MODEL_TAG)?.value ?? m.info.model_id]),
  );
  const expName = new Map(exps.map((e) => [e.experiment_id, e.name]));
  const runs: Record<string, unknown> = {};
  for (const r of allRuns) {
    const metrics: Record<string, string[]> = {};
    for (const key of [...new Set(r.data.metrics.map((m) => m.key))].sort()) {
      metrics[key] = (await t.getMetricHistory(r.info.run_id, key)).items.map((x) => point(x));
    }
    const files: string[] = [];
    if (opts.artifacts) {
      const repo = stores.artifacts(r.info.artifact_uri);
      const walk = async (dir?: string) => {
        for (const f of await repo.listArtifacts(dir).catch(() => [])) {
          if (f.is_dir) await walk(f.path);
          else files.push(`${f.path}:${f.file_size}`);
        }
      };
      await walk();
    }
    runs[srcRun.get(r.info.run_id)!] = {
      experiment: expName.get(r.info.experiment_id),
      name: r.info.run_name,
      user: r.info.user_id,
      status: r.info.status,
      start: r.info.start_time,
      end: r.info.end_time,
      stage: r.info.lifecycle_stage,
      params: kv(r.data.params),
      tags: kv(
        r.data.tags.map((x) => (x.key === 'mlflow.parentRunId' ? { ...x, value: srcRun.get(x.value) ?? x.value } : x)),
        [SOURCE_RUN_TAG],
      ),
      metrics,
      datasets: r.inputs.dataset_inputs.map((d) => ({ ...d, tags: kv(d.tags) })),
      outputs: (r.outputs?.model_outputs ?? []).map((m) => `${srcModel.get(m.model_id) ?? m.model_id}@${m.step}`),
      ...(opts.artifacts ? { files: files.sort() } : {}),
    };
  }
  const loggedModels: Record<string, unknown> = {};
  for (const m of models) {
    loggedModels[srcModel.get(m.info.model_id)!] = {
      experiment: expName.get(m.info.experiment_id),
      name: m.info.name,
      type: m.info.model_type,
      status: m.info.status,
      sourceRun: m.info.source_run_id ? srcRun.get(m.info.source_run_id) : undefined,
      params: kv(m.data.params),
      // MLflow's server (and ours) records registrations on the model itself when a version names it.
      tags: kv(m.info.tags, [SOURCE_MODEL_TAG, 'mlflow.modelVersions']),
      metrics: m.data.metrics.map((x) => point(x, true)).sort(),
    };
  }
  const traces: Record<string, unknown> = {};
  if (t.traces) {
    for (const e of exps) {
      const infos = await collectAll((page_token) =>
        t.traces!.searchTraces({ experiment_ids: [e.experiment_id], page_token }),
      );
      const full = await t.traces.batchGetTraces(infos.map((i) => i.trace_id));
      for (const tr of full) {
        const meta = { ...tr.info.trace_metadata };
        if (meta['mlflow.sourceRun'])
          meta['mlflow.sourceRun'] = srcRun.get(meta['mlflow.sourceRun']) ?? meta['mlflow.sourceRun'];
        const tags = { ...tr.info.tags };
        delete tags['mlflow.artifactLocation'];
        traces[tr.info.trace_id] = {
          experiment: e.name,
          state: tr.info.state,
          request_time: tr.info.request_time,
          duration: tr.info.execution_duration,
          meta,
          tags,
          spans: tr.spans.map((sp) => ({ ...sp })),
        };
      }
    }
  }
  const registry: Record<string, unknown> = {};
  if (stores.registry) {
    const reg = stores.registry;
    const rms = await collectAll((page_token) => reg.searchRegisteredModels({ page_token }));
    for (const rm of rms) {
      const versions = await collectAll((page_token) =>
        reg.searchModelVersions({ filter: `name='${rm.name}'`, page_token }),
      );
      const srcVersion = new Map(
        versions.map((v) => [v.version, v.tags.find((x) => x.key === SOURCE_VERSION_TAG)?.value ?? v.version]),
      );
      registry[rm.name] = {
        description: rm.description ?? '',
        tags: kv(rm.tags),
        aliases: rm.aliases.map((a) => `${a.alias}->${srcVersion.get(a.version)}`).sort(),
        versions: versions
          .map((v) => ({
            version: srcVersion.get(v.version),
            stage: v.current_stage,
            description: v.description ?? '',
            tags: kv(v.tags, [SOURCE_VERSION_TAG]),
            run: v.run_id ? srcRun.get(v.run_id) : undefined,
            model: v.model_id ? srcModel.get(v.model_id) : undefined,
            source: v.source
              .replace(/^runs:\/([^/]+)/, (_, id: string) => `runs:/${srcRun.get(id) ?? id}`)
              .replace(/^models:\/(m-[^/]+)/, (_, id: string) => `models:/${srcModel.get(id) ?? id}`),
          }))
          .sort((a, b) => Number(a.version) - Number(b.version)),
      };
    }
  }
  const experiments = exps
    .map((e) => ({ name: e.name, stage: e.lifecycle_stage, tags: kv(e.tags) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { experiments, runs, loggedModels, traces, registry };
}

/** `snapshotStores` of the stores behind a URI (an mlruns path, a database, a tracking server). */
export async function snapshotOf(uri: string, artifacts = false): Promise<Record<string, unknown>> {
  const side = await openSide(uri, { env: {} });
  try {
    return await snapshotStores(side.stores, { artifacts });
  } finally {
    await side.close();
  }
}

/** What `db migrate --json` and `sync --json` print. */
export interface CopyReport {
  runs: { copied: number; alreadyDone: number; total: number };
  metricPoints: number;
  state_file: string;
  runIdChanges: Record<string, string>;
  warnings: string[];
  artifacts?: { files: number; bytes: number };
}

/** Runs `mlflow-ts <args> --json` in-process, expects exit 0 and returns its report. */
export async function copyCommand(args: string[]): Promise<CopyReport> {
  const r = await runCli([...args, '--json']);
  if (r.code !== 0) throw new Error(`mlflow-ts ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CopyReport;
}

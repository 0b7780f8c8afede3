#!/usr/bin/env node
// Logged-model overhead: `logSavedModel` on a store-fs tracking store (MLflow 3 logging: create the
// LoggedModel, record the run output, write + upload the model directory to the model's location,
// finalize READY) against the same model directory written and uploaded alone (the artifact upload
// every logging path pays), alternating in the same process run. Target: < 5 ms added per model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFsArtifactRepository, createFsTrackingStore } from '@mlflow-ts/store-fs';
import { logLocalDirectory, logSavedModel } from '@mlflow-ts/format/node';
import { median } from './lib.mjs';

const N = Number(process.env.LOGGED_MODELS_BENCH_N ?? 40);
const FILES = { 'model.onnx': 512 * 1024, 'conda.yaml': 300, 'python_env.yaml': 150, 'requirements.txt': 100 };
const min = (xs) => Math.min(...xs);
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-logged-models-'));
const root = path.join(tmp, 'mlruns');
const tracking = createFsTrackingStore({ root, cacheDir: null });
const artifacts = (uri) => createFsArtifactRepository(uri);
const payload = Object.fromEntries(Object.entries(FILES).map(([name, size]) => [name, Buffer.alloc(size, 7)]));

const save = async (dir, extra) => {
  fs.mkdirSync(dir, { recursive: true });
  const mlmodel = { flavors: { onnx: { onnx_model: 'model.onnx' } }, ...extra };
  fs.writeFileSync(
    path.join(dir, 'MLmodel'),
    Object.entries(mlmodel)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n'),
  );
  for (const [name, data] of Object.entries(payload)) fs.writeFileSync(path.join(dir, name), data);
  return mlmodel;
};

async function uploadOnly(runArtifactUri, i) {
  const dir = fs.mkdtempSync(path.join(tmp, 'up-'));
  try {
    await save(path.join(dir, 'model'), {});
    await logLocalDirectory(artifacts(runArtifactUri), path.join(dir, 'model'), `plain-${i}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const run = await tracking.createRun({ experiment_id: '0' });
const runId = run.info.run_id;
const upload = [];
const logged = [];
for (let i = -3; i < N; i++) {
  let t = performance.now();
  await uploadOnly(run.info.artifact_uri, i + 3);
  const u = performance.now() - t;
  t = performance.now();
  const info = await logSavedModel({ tracking, artifacts }, runId, `model${i + 3}`, save);
  const l = performance.now() - t;
  if (!info.modelId) throw new Error('not logged as a LoggedModel');
  if (i >= 0) {
    upload.push(u);
    logged.push(l);
  }
}
const models = await tracking.searchLoggedModels({ experiment_ids: ['0'], max_results: 1000 });
if (models.items.some((m) => m.info.status !== 'LOGGED_MODEL_READY')) throw new Error('a model is not READY');
await tracking.close();
fs.rmSync(tmp, { recursive: true, force: true });

const added = median(logged) - median(upload);
const fsync = process.env.MLFLOW_TS_FSYNC ?? '(default: on)';
console.log(`## logged models

One model directory (${Object.keys(FILES).length + 1} files, ${Math.round(Object.values(FILES).reduce((a, b) => a + b, 0) / 1024)} KiB) per iteration, ${N} alternating iterations after 3 warm-ups, store-fs on a local disk (fsync ${fsync}), ${os.cpus().length} cores, load average ${os
  .loadavg()
  .map((x) => x.toFixed(1))
  .join('/')}.
Baseline: the same directory written and uploaded alone (\`logLocalDirectory\` to the run's artifacts). Ours: \`logSavedModel\` as MLflow 3 logs (create LoggedModel, run output, write + upload to the model's location, finalize READY).

| | min ms | median ms | p90 ms |
| --- | --- | --- | --- |
| write + upload only | ${min(upload).toFixed(2)} | ${median(upload).toFixed(2)} | ${p90(upload).toFixed(2)} |
| logSavedModel (LoggedModel) | ${min(logged).toFixed(2)} | ${median(logged).toFixed(2)} | ${p90(logged).toFixed(2)} |
| **added by the LoggedModel** | **${(min(logged) - min(upload)).toFixed(2)}** | **${added.toFixed(2)}** | |

Target: < 5 ms added (median) — ${added < 5 ? 'met' : 'NOT met'}${os.loadavg()[0] > os.cpus().length ? ` (the machine was overloaded: load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores; the min column is the better estimate then)` : ''}.`);

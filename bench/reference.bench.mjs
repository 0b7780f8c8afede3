#!/usr/bin/env node
// mlflow-ts against MLflow itself (issue 16): the same REST load, from this process, against
// `createStoreServer` over store-fs (its own process) and against a reference MLflow server given
// by MLFLOW_REFERENCE_URL (started by hand, e.g.
//   ~/.cache/mlflow-reference-3/bin/mlflow server --backend-store-uri sqlite:////tmp/speedref/mlflow.db \
//     --host 127.0.0.1 --port 5750 --workers 4
// ). Both get the same data (REFERENCE_BENCH_RUNS runs with params and metrics, one 10k-point
// history) through their REST API, then the same timed calls. Without MLFLOW_REFERENCE_URL it prints
// a note and exits 0. Prints `## mlflow-ts vs MLflow`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFor, median, now, httpText } from './lib.mjs';

const REF = process.env.MLFLOW_REFERENCE_URL;
const RUNS = Number(process.env.REFERENCE_BENCH_RUNS ?? 1000);
const HISTORY = 10_000;
const SECONDS = Number(process.env.REFERENCE_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.REFERENCE_BENCH_ROUNDS ?? 10);
const FILTER = "metrics.loss < 0.5 and params.optimizer = 'adam'";
const ORDER = ['metrics.acc DESC'];

async function serverRole() {
  const { createFsTrackingStore } = await import('@mlflow-ts/store-fs');
  const { createStoreServer } = await import('@mlflow-ts/store-grpc/server');
  const root = process.argv[3];
  const tracking = createFsTrackingStore({ root: path.join(root, 'mlruns'), cacheDir: null });
  const server = createStoreServer({
    tracking,
    artifacts: { root: path.join(root, 'mlartifacts') },
    port: 0,
    grpcPort: 0,
  });
  const { httpPort } = await server.listen();
  process.stdout.write(`${JSON.stringify({ httpPort })}\n`);
  process.stdin.on('data', async () => {
    await server.close();
    await tracking.close();
    process.exit(0);
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function client(base) {
  const u = new URL(base);
  const call = (method, route, body) =>
    httpText({ agent, host: u.hostname, port: u.port, method, path: `/api/2.0/mlflow/${route}`, body });
  return {
    post: async (route, body) => JSON.parse(await call('POST', route, body)),
    postRaw: (route, body) => call('POST', route, body),
    getRaw: (route) => call('GET', route),
  };
}

async function seed(c, label) {
  const t = now();
  const { experiment_id: exp } = await c.post('experiments/create', { name: `bench-${label}-${Date.now()}` });
  const ids = [];
  const one = async (i) => {
    const { run } = await c.post('runs/create', { experiment_id: exp, start_time: 1700000000000 + i });
    const id = run.info.run_id;
    ids[i] = id;
    await c.post('runs/log-batch', {
      run_id: id,
      params: [
        { key: 'optimizer', value: i % 3 === 0 ? 'adam' : 'sgd' },
        { key: 'lr', value: String((i % 100) / 1000) },
      ],
      metrics: [
        { key: 'acc', value: ((i * 104729) % 997) / 997, timestamp: 1700000000000, step: 0 },
        { key: 'loss', value: ((i * 7919) % 991) / 991, timestamp: 1700000000000, step: 0 },
      ],
    });
  };
  for (let i = 0; i < RUNS; i += 8)
    await Promise.all(Array.from({ length: Math.min(8, RUNS - i) }, (_, k) => one(i + k)));
  const history = ids[0];
  for (let s = 0; s < HISTORY; s += 1000) {
    const metrics = Array.from({ length: 1000 }, (_, k) => ({
      key: 'curve',
      value: Math.exp(-(s + k) / 3000),
      timestamp: 1700000000000 + s + k,
      step: s + k,
    }));
    await c.post('runs/log-batch', { run_id: history, metrics });
  }
  const { run } = await c.post('runs/create', { experiment_id: exp });
  return { exp, history, ingestRun: run.info.run_id, seedSeconds: (now() - t) / 1000 };
}

const load = (clients, fn) => loadFor(clients, fn, SECONDS);

async function timeIt(fn) {
  for (let i = 0; i < 2; i++) await fn();
  const xs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = now();
    await fn();
    xs.push(now() - t);
  }
  return median(xs);
}

async function measure(c, d) {
  let ts = 1800000000000;
  const batch = () =>
    Array.from({ length: 1000 }, (_, k) => ({ key: `m${k % 10}`, value: Math.random(), timestamp: ts++, step: k }));
  return {
    ingest: (await load(2, () => c.post('runs/log-batch', { run_id: d.ingestRun, metrics: batch() }))) * 1000,
    single: await load(4, () =>
      c.post('runs/log-metric', { run_id: d.ingestRun, key: 'single', value: Math.random(), timestamp: ts++, step: 0 }),
    ),
    search: await timeIt(() =>
      c.postRaw('runs/search', { experiment_ids: [d.exp], filter: FILTER, order_by: ORDER, max_results: 100 }),
    ),
    page: await timeIt(() =>
      c.postRaw('runs/search', { experiment_ids: [d.exp], order_by: ['attributes.start_time DESC'], max_results: 100 }),
    ),
    history: await timeIt(() => c.getRaw(`metrics/get-history?run_id=${d.history}&metric_key=curve`)),
    bulk: await timeIt(() =>
      c.getRaw(`metrics/get-history-bulk-interval?run_ids=${d.history}&metric_key=curve&max_results=2500`),
    ),
  };
}

async function parent() {
  if (!REF) {
    console.log(
      '## mlflow-ts vs MLflow\n\nSkipped: set MLFLOW_REFERENCE_URL to a reference MLflow server (see bench/reference.bench.mjs).\n',
    );
    return;
  }
  const load0 = os.loadavg();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ts-reference-bench-'));
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), 'server', root], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const { httpPort } = await new Promise((resolve) => p.stdout.once('data', (d) => resolve(JSON.parse(String(d)))));
    const ours = client(`http://127.0.0.1:${httpPort}`);
    const ref = client(REF);
    const dOurs = await seed(ours, 'ts');
    console.error(`  seeded mlflow-ts in ${dOurs.seedSeconds.toFixed(0)} s`);
    const dRef = await seed(ref, 'ref');
    console.error(`  seeded MLflow in ${dRef.seedSeconds.toFixed(0)} s`);
    const mRef = await measure(ref, dRef);
    const mOurs = await measure(ours, dOurs);
    const version = JSON.parse(
      await new Promise((resolve, reject) =>
        http
          .get(`${REF}/version`, (res) => {
            let t = '';
            res.on('data', (c) => (t += c));
            res.on('end', () => resolve(JSON.stringify(t)));
          })
          .on('error', reject),
      ),
    );
    const load1 = os.loadavg();
    const la = (l) => l.map((x) => x.toFixed(1)).join('/');
    const n = (x) => Math.round(x).toLocaleString('en-US');
    const ms = (x) => `${x.toFixed(1)} ms`;
    const rate = (label, k) =>
      `| ${label} | ${n(mOurs[k])} | ${n(mRef[k])} | **${(mOurs[k] / mRef[k]).toFixed(1)}×** |`;
    const lat = (label, k) =>
      `| ${label} | ${ms(mOurs[k])} | ${ms(mRef[k])} | **${(mRef[k] / mOurs[k]).toFixed(1)}×** |`;
    console.log(`## mlflow-ts vs MLflow

The same REST load from one Node process against mlflow-ts (\`createStoreServer\` over store-fs, its own process, fsync on)
and MLflow ${version} at \`${REF}\` (its own processes). Data made through each server's REST API: ${RUNS.toLocaleString('en-US')} runs
(2 params, 2 metrics) in one experiment and one ${HISTORY.toLocaleString('en-US')}-point history. Rates over ${SECONDS} s; latencies the median of ${ROUNDS}.
Seeding took ${dOurs.seedSeconds.toFixed(0)} s on mlflow-ts and ${dRef.seedSeconds.toFixed(0)} s on MLflow. ${os.cpus().length} cores, Node ${process.version};
load average ${la(load0)} at the start, ${la(load1)} at the end — both servers share the same loaded cores.

| measure | mlflow-ts | MLflow | mlflow-ts / MLflow |
| --- | ---: | ---: | ---: |
${rate('log-batch ingestion, 1000-metric batches, 2 clients (metrics/s)', 'ingest')}
${rate('single log-metric, 4 clients (req/s)', 'single')}

| measure (median) | mlflow-ts | MLflow | MLflow / mlflow-ts |
| --- | ---: | ---: | ---: |
${lat(`search-runs over ${RUNS.toLocaleString('en-US')} runs, filter + order-by`, 'search')}
${lat('first page: 100 runs by start time', 'page')}
${lat(`get-history, ${HISTORY.toLocaleString('en-US')} points`, 'history')}
${lat('get-history-bulk-interval, 2500 of 10,000 points', 'bulk')}

Reproduce: start the reference server as in the header of \`bench/reference.bench.mjs\`, then
\`MLFLOW_REFERENCE_URL=http://127.0.0.1:5750 npm run bench -- reference\`.
`);
  } finally {
    p.stdin.write('close\n');
    await new Promise((r) => p.once('exit', r));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'server') await serverRole();
else await parent();

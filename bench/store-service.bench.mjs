#!/usr/bin/env node
// Store-service benchmark: @mlflow-ts/store-grpc's server (REST and gRPC) over @mlflow-ts/store-fs,
// against a bare node:http JSON echo server as the ceiling in the same run (same payloads, same
// client loop). Prints a markdown section `## store service`.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createGrpcStore } from '@mlflow-ts/store-grpc';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';
import { loadFor, now, timeIt, httpText } from './lib.mjs';

const RUNS = Number(process.env.STORE_SERVICE_BENCH_RUNS ?? 10_000);
const HISTORY = 10_000;
const BULK_POINTS = 1_000_000;
const LOAD_SECONDS = Number(process.env.STORE_SERVICE_BENCH_SECONDS ?? 2);
const FILTER = "metrics.acc > 0.5 and params.optimizer = 'adam'";
const ORDER = ['metrics.acc DESC'];

/** Runs `clients` loops of `fn` for LOAD_SECONDS; returns completed calls per second. */
const load = (clients, fn) => loadFor(clients, fn, LOAD_SECONDS);

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const request = (port, method, urlPath, body) => httpText({ agent, port, method, path: urlPath, body });

function echoServer() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // Parse the body, as any JSON API must: the honest floor of work per request.
      if (body) JSON.parse(body);
      const out = '{}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- data: a 10k-run experiment written in MLflow's file layout, plus one 10k-point history ----
function generate(root) {
  const expId = '123456789012345678';
  const expDir = path.join(root, expId);
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.mkdirSync(path.join(root, '0'), { recursive: true });
  const expMeta = (id, name) =>
    `artifact_location: mlflow-artifacts:/${id}\ncreation_time: 1700000000000\nexperiment_id: '${id}'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: ${name}\n`;
  fs.writeFileSync(path.join(root, '0', 'meta.yaml'), expMeta('0', 'Default'));
  fs.mkdirSync(expDir);
  fs.writeFileSync(path.join(expDir, 'meta.yaml'), expMeta(expId, 'bench'));
  const ids = [];
  for (let i = 0; i < RUNS; i++) {
    const id = randomUUID().replace(/-/g, '');
    ids.push(id);
    const dir = path.join(expDir, id);
    for (const d of ['metrics', 'params', 'tags']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: mlflow-artifacts:/${expId}/${id}/artifacts\nend_time: ${1700000100000 + i}\nentry_point_name: ''\nexperiment_id: '${expId}'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${i}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${1700000000000 + i}\nstatus: 3\ntags: []\nuser_id: bench\n`,
    );
    fs.writeFileSync(path.join(dir, 'params', 'optimizer'), i % 3 === 0 ? 'adam' : 'sgd');
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String((i % 100) / 1000));
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), `run-${i}`);
    fs.writeFileSync(path.join(dir, 'metrics', 'acc'), `1700000000000 ${((i * 104729) % 997) / 997} 0\n`);
  }
  let history = '';
  for (let s = 0; s < HISTORY; s++) history += `${1700000000000 + s} ${1 / (s + 1)} ${s}\n`;
  fs.writeFileSync(path.join(expDir, ids[0], 'metrics', 'loss'), history);
  // A 1M-point history for the chart endpoint (get-history-bulk-interval).
  const lines = [];
  for (let s = 0; s < BULK_POINTS; s++) lines.push(`${1700000000000 + s} ${1 / (s + 1)} ${s}`);
  fs.writeFileSync(path.join(expDir, ids[1], 'metrics', 'loss'), `${lines.join('\n')}\n`);
  return { expId, historyRun: ids[0], bulkRun: ids[1] };
}

function batch(start) {
  const metrics = [];
  for (let i = 0; i < 1000; i++)
    metrics.push({ key: `m${i % 10}`, value: Math.random(), timestamp: 1700000000000 + start + i, step: start + i });
  return metrics;
}

const started = now();
const phase = (name) => console.error(`  [${((now() - started) / 1000).toFixed(1)} s] ${name}`);
// tmpfs where there is one: creating and removing 10k run directories on a slow disk would take
// most of the time budget and measure the disk, not the service.
const tmpBase = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const root = fs.mkdtempSync(path.join(tmpBase, 'mlflow-ts-store-service-bench-'));
try {
  const mlruns = path.join(root, 'mlruns');
  const { expId, historyRun, bulkRun } = generate(mlruns);
  phase(`generated ${RUNS} runs`);
  const tracking = createFsTrackingStore({ root: mlruns, defaultArtifactRoot: 'mlflow-artifacts:/' });
  const server = createStoreServer({
    tracking,
    artifacts: { root: path.join(root, 'mlartifacts') },
    port: 0,
    grpcPort: 0,
  });
  const { httpPort, grpcPort } = await server.listen();
  const echo = await echoServer();
  const echoPort = echo.address().port;
  const grpcStore = createGrpcStore({ address: `127.0.0.1:${grpcPort}` });

  // Runs to log into (one per client, fresh so histories do not grow across phases).
  const newRun = async () =>
    JSON.parse(await request(httpPort, 'POST', '/api/2.0/mlflow/runs/create', { experiment_id: expId })).run.info
      .run_id;
  const restRuns = [await newRun(), await newRun()];
  const grpcRuns = [await newRun(), await newRun()];
  const singleRuns = await Promise.all([0, 1, 2, 3].map(newRun));

  // Warm the search cache and the JIT.
  await tracking.searchRuns({ experiment_ids: [expId], filter: FILTER, order_by: ORDER, max_results: 100 });

  phase('search cache warm');
  // 1. log-batch ingestion: 1000-metric batches, 2 concurrent clients.
  const offsets = [0, 0];
  const restLogBatch = (port) =>
    load(2, (c) =>
      request(port, 'POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: restRuns[c],
        metrics: batch((offsets[c] += 1000)),
      }),
    );
  const echoBatch = (await restLogBatch(echoPort)) * 1000;
  const restBatch = (await restLogBatch(httpPort)) * 1000;
  const grpcBatch =
    (await load(2, (c) => grpcStore.tracking.logBatch(grpcRuns[c], { metrics: batch((offsets[c] += 1000)) }))) * 1000;

  phase('log-batch done');
  // 2. single log-metric requests, 4 concurrent clients.
  let ts = 1700000000000;
  const metricBody = (c) => ({ run_id: singleRuns[c], key: 'single', value: Math.random(), timestamp: ts++, step: 0 });
  const echoSingle = await load(4, (c) => request(echoPort, 'POST', '/api/2.0/mlflow/runs/log-metric', metricBody(c)));
  const restSingle = await load(4, (c) => request(httpPort, 'POST', '/api/2.0/mlflow/runs/log-metric', metricBody(c)));
  const grpcSingle = await load(4, (c) =>
    grpcStore.tracking.logMetric(singleRuns[c], { key: 'single', value: Math.random(), timestamp: ts++, step: 0 }),
  );

  phase('log-metric done');
  // 3. search-runs over RUNS runs with a metric + param filter and order-by.
  const searchBody = { experiment_ids: [expId], filter: FILTER, order_by: ORDER, max_results: 100 };
  const restSearch = await timeIt(15, () => request(httpPort, 'POST', '/api/2.0/mlflow/runs/search', searchBody));
  const grpcSearch = await timeIt(15, () => grpcStore.tracking.searchRuns(searchBody));
  const storeSearch = await timeIt(15, () => tracking.searchRuns(searchBody));
  const hits = JSON.parse(await request(httpPort, 'POST', '/api/2.0/mlflow/runs/search', searchBody)).runs.length;

  phase('search done');
  // 4. get-history of a 10k-point metric.
  const historyPath = `/api/2.0/mlflow/metrics/get-history?run_id=${historyRun}&metric_key=loss&max_results=25000`;
  const restHistory = await timeIt(15, () => request(httpPort, 'GET', historyPath));
  const grpcHistory = await timeIt(15, () =>
    grpcStore.tracking.getMetricHistory(historyRun, 'loss', { max_results: 25000 }),
  );
  const storeHistory = await timeIt(15, () => tracking.getMetricHistory(historyRun, 'loss', { max_results: 25000 }));
  const points = JSON.parse(await request(httpPort, 'GET', historyPath)).metrics.length;

  phase('get-history done');
  // 5. get-history-bulk-interval over a 1M-point history (2500 sampled steps, MLflow's default).
  const bulkPath = `/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${bulkRun}&metric_key=loss&max_results=2500`;
  await request(httpPort, 'GET', bulkPath); // first read parses the 1M-line file into the store's cache
  const restBulk = await timeIt(15, () => request(httpPort, 'GET', bulkPath));
  const storeBulk = await timeIt(15, () =>
    tracking.getMetricHistoryBulkInterval({ run_ids: [bulkRun], metric_key: 'loss', max_results: 2500 }),
  );
  const bulkPoints = JSON.parse(await request(httpPort, 'GET', bulkPath)).metrics.length;

  await grpcStore.close();
  await server.close();
  await tracking.close();
  await new Promise((r) => echo.close(r));
  agent.destroy();

  const n = (x) => Math.round(x).toLocaleString('en-US');
  const ms = (x) => `${x.toFixed(1)} ms`;
  const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
  console.log(`## store service

REST (fastify) and gRPC (@grpc/grpc-js) over \`@mlflow-ts/store-fs\` (${RUNS.toLocaleString('en-US')} runs on disk), against a bare
\`node:http\` JSON echo server (parse + answer \`{}\`, no store) as the ceiling, same payloads and client loop
(keep-alive \`http.Agent\`; ${LOAD_SECONDS} s per load phase). ${os.cpus().length} cores, Node ${process.version}.

| measure | echo ceiling | REST | gRPC | REST / ceiling |
| --- | --- | --- | --- | --- |
| log-batch ingestion, 1000-metric batches, 2 clients (metrics/s) | ${n(echoBatch)} | ${n(restBatch)} | ${n(grpcBatch)} | ${pct(restBatch, echoBatch)} |
| single log-metric, 4 clients (req/s) | ${n(echoSingle)} | ${n(restSingle)} | ${n(grpcSingle)} | ${pct(restSingle, echoSingle)} |

| measure (median) | store call alone | REST | gRPC |
| --- | --- | --- | --- |
| search-runs over ${RUNS.toLocaleString('en-US')} runs, metric + param filter, order-by (${hits} hits) | ${ms(storeSearch)} | ${ms(restSearch)} | ${ms(grpcSearch)} |
| get-history, ${points.toLocaleString('en-US')} points | ${ms(storeHistory)} | ${ms(restHistory)} | ${ms(grpcHistory)} |
| get-history-bulk-interval, ${BULK_POINTS.toLocaleString('en-US')}-point history → ${bulkPoints} points (target ≤ 50 ms) | ${ms(storeBulk)} | ${ms(restBulk)} | — |

Targets: log-batch ≥ 100,000 metrics/s (${restBatch >= 100_000 ? 'met' : 'missed'}), single log-metric ≥ 50% of the ceiling (${restSingle >= echoSingle / 2 ? 'met' : 'missed'}), search ≤ 30 ms (${restSearch <= 30 ? 'met' : 'missed'}), get-history ≤ 15 ms (${restHistory <= 15 ? 'met' : 'missed'}), bulk-interval ≤ 50 ms (${restBulk <= 50 ? 'met' : 'missed'}). Load average during the run: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')}.
`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}

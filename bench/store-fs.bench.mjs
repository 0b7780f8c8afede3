#!/usr/bin/env node
// store-fs benchmark: a 10k-run mlruns tree, searched, read and written by @mlflow-ts/store-fs and,
// in the same process run, by a naive full-scan reader/writer that does what MLflow's FileStore does
// (read every run directory and parse every meta.yaml on every search; open-append-close per metric).
// Prints a markdown section with medians, ratios (ours / baseline) and the absolute targets.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'yaml';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { RUN_STATUSES, RUN_STATUS_NUMBERS, searchRunsInMemory } from '@mlflow-ts/format';
import { median, now, timeIt } from './lib.mjs';

const RUNS = Number(process.env.STORE_FS_BENCH_RUNS ?? 10_000);
const HISTORY = 10_000;
const FILTER = "metrics.loss < 0.5 and params.optimizer = 'adam'";
const ORDER = ['metrics.acc DESC'];

// ---- data generation: files written directly in MLflow 3.x layout ----
function generate(root) {
  const expId = '123456789012345678';
  const expDir = path.join(root, expId);
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.mkdirSync(path.join(root, '0'), { recursive: true });
  const expMeta = (id, name) =>
    `artifact_location: file://${root}/${id}\ncreation_time: 1700000000000\nexperiment_id: '${id}'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: ${name}\n`;
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
      `artifact_uri: file://${dir}/artifacts\nend_time: ${1700000100000 + i}\nentry_point_name: ''\nexperiment_id: '${expId}'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${i}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${1700000000000 + i}\nstatus: 3\ntags: []\nuser_id: bench\n`,
    );
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String((i % 100) / 1000));
    fs.writeFileSync(path.join(dir, 'params', 'optimizer'), i % 3 === 0 ? 'adam' : 'sgd');
    fs.writeFileSync(path.join(dir, 'params', 'batch_size'), String(32 << (i % 4)));
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), `run-${i}`);
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.user'), 'bench');
    let loss = '';
    for (let s = 0; s < 5; s++) loss += `${1700000000000 + s} ${((i * 7919 + s) % 1000) / 1000} ${s}\n`;
    fs.writeFileSync(path.join(dir, 'metrics', 'loss'), loss);
    fs.writeFileSync(path.join(dir, 'metrics', 'acc'), `1700000000000 ${((i * 104729) % 997) / 997} 0\n`);
  }
  let hist = '';
  for (let s = 0; s < HISTORY; s++) hist += `${1700000000000 + s} ${Math.sin(s) + 1} ${s}\n`;
  fs.writeFileSync(path.join(expDir, ids[0], 'metrics', 'long'), hist);
  return { expId, expDir, ids };
}

// ---- baseline: a naive reader/writer doing what MLflow's FileStore does ----
function naiveParseMetric(key, line) {
  const [ts, v, step] = line.split(' ');
  const value = v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);
  return { key, value, timestamp: Number(ts), step: Number(step ?? 0) };
}
function naiveHistory(dir, key) {
  return fs
    .readFileSync(path.join(dir, 'metrics', key), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => naiveParseMetric(key, l));
}
function naiveReadRun(dir) {
  const m = parse(fs.readFileSync(path.join(dir, 'meta.yaml'), 'utf8'));
  const status = RUN_STATUSES.find((s) => RUN_STATUS_NUMBERS[s] === m.status) ?? 'RUNNING';
  const kv = (sub) =>
    fs
      .readdirSync(path.join(dir, sub))
      .map((key) => ({ key, value: fs.readFileSync(path.join(dir, sub, key), 'utf8') }));
  const metrics = fs.readdirSync(path.join(dir, 'metrics')).map((key) => {
    const h = naiveHistory(dir, key);
    return h.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.timestamp >= a.timestamp) ? b : a));
  });
  const info = {
    run_id: m.run_id,
    run_uuid: m.run_id,
    run_name: m.run_name,
    experiment_id: String(m.experiment_id),
    user_id: m.user_id,
    status,
    start_time: m.start_time,
    end_time: m.end_time ?? undefined,
    artifact_uri: m.artifact_uri,
    lifecycle_stage: m.lifecycle_stage ?? 'active',
  };
  return { info, data: { metrics, params: kv('params'), tags: kv('tags') }, inputs: { dataset_inputs: [] } };
}
function naiveSearch(expDir) {
  const runs = fs
    .readdirSync(expDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['tags', 'datasets', 'traces', 'models'].includes(d.name))
    .map((d) => naiveReadRun(path.join(expDir, d.name)));
  return searchRunsInMemory(runs, { filter: FILTER, order_by: ORDER, run_view_type: 'ACTIVE_ONLY', max_results: 1000 });
}
function naiveLogBatch(dir, batch) {
  for (const p of batch.params) fs.writeFileSync(path.join(dir, 'params', p.key), p.value);
  for (const m of batch.metrics)
    fs.appendFileSync(path.join(dir, 'metrics', m.key), `${m.timestamp} ${m.value} ${m.step}\n`);
  for (const t of batch.tags) fs.writeFileSync(path.join(dir, 'tags', t.key), t.value);
}

// ---- run ----
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'store-fs-bench-'));
const root = path.join(base, 'mlruns');
try {
  const t = now();
  const { expId, expDir, ids } = generate(root);
  console.error(`generated ${RUNS} runs in ${((now() - t) / 1000).toFixed(1)} s`);
  const req = { experiment_ids: [expId], filter: FILTER, order_by: ORDER, max_results: 1000 };

  // Opening: a new store answering its first search vs one naive search. The very first open reads
  // and parses every file; later opens start from the run-cache snapshot and only stat files.
  const cacheDir = path.join(base, 'cache');
  const loadAtStart = os.loadavg();
  // One store open at a time, as in a real process: the previous one is closed (untimed) before the
  // next opens, so its 10k cached runs do not sit in the heap the next open's GC walks.
  const stores = [];
  const openSamples = [];
  const openStore = async () => {
    const prev = stores.pop();
    if (prev) await prev.close();
    const t0 = now();
    const s = createFsTrackingStore({ root, cacheDir });
    await s.searchRuns(req);
    openSamples.push(now() - t0);
    stores.push(s);
    return s;
  };
  // The first-ever open is measured once per fresh store (cold: no snapshot); median of 3 fresh
  // stores, each with its own empty cache directory (the snapshot written by close is not used).
  const coldOpens = [];
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    const s = createFsTrackingStore({ root, cacheDir: path.join(base, `cold-cache-${i}`) });
    await s.searchRuns(req);
    coldOpens.push(now() - t0);
    await s.close();
  }
  const firstOpen = median(coldOpens);
  await openStore();
  await stores.pop().close(); // writes the snapshot (not part of the timed open)
  openSamples.length = 0;
  for (let i = 0; i < 5; i++) await openStore();
  const openOurs = median(openSamples);
  const store = stores.at(-1);
  const expected = naiveSearch(expDir);
  const got = await store.searchRuns(req);
  if (
    JSON.stringify(got.items.map((r) => r.info.run_id)) !== JSON.stringify(expected.items.map((r) => r.info.run_id))
  ) {
    throw new Error('store-fs and the naive reader disagree on the search result');
  }
  const openBase = await timeIt(3, () => naiveSearch(expDir));
  const searchOurs = await timeIt(30, () => store.searchRuns(req));
  const searchBase = openBase; // the naive reader has no state: every search is a full scan

  const histOurs = await timeIt(50, () => store.getMetricHistory(ids[0], 'long'));
  const histBase = await timeIt(50, () => naiveHistory(path.join(expDir, ids[0]), 'long'));
  if ((await store.getMetricHistory(ids[0], 'long')).items.length !== HISTORY)
    throw new Error('history length mismatch');

  const BATCHES = 50;
  const batch = (b) => ({
    metrics: Array.from({ length: 200 }, (_, i) => ({
      key: `m${i % 20}`,
      value: i / 7,
      timestamp: 1700000000000 + b,
      step: b,
    })),
    params: Array.from({ length: 10 }, (_, i) => ({ key: `bp${b}_${i}`, value: String(i) })),
    tags: Array.from({ length: 10 }, (_, i) => ({ key: `bt${i}`, value: String(b) })),
  });
  // Interleaved, batch by batch, so both writers meet the same disk writeback state.
  const oursTimes = [];
  const baseTimes = [];
  for (let b = 0; b < BATCHES; b++) {
    let t0 = now();
    await store.logBatch(ids[1], batch(b));
    oursTimes.push(now() - t0);
    t0 = now();
    naiveLogBatch(path.join(expDir, ids[2]), batch(b));
    baseTimes.push(now() - t0);
  }
  const ingestOurs = median(oursTimes);
  const ingestBase = median(baseTimes);
  for (const s of stores) await s.close();

  const samples = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  // target: an absolute bound in ms, or 'baseline' (must not be slower than the naive baseline).
  const row = (name, ours, baseline, target) => {
    let verdict = '—';
    if (target === 'baseline') verdict = `≤ baseline: ${ours <= baseline ? 'met' : '**missed**'}`;
    else if (target !== undefined) verdict = `≤ ${target} ms: ${ours <= target ? 'met' : '**missed**'}`;
    return `| ${name} | ${ours.toFixed(2)} | ${baseline.toFixed(2)} | ${(ours / baseline).toFixed(3)} | ${verdict} |`;
  };
  console.log(
    [
      '## store-fs',
      '',
      `${RUNS} runs (3 params, 2 tags, 2 metrics each) in one experiment; search = \`${FILTER}\` ordered by \`${ORDER.join(', ')}\`;`,
      `history = one metric with ${HISTORY} points; ingestion = log-batch of 200 metrics + 10 params + 10 tags.`,
      "Baseline: a naive reader that, like MLflow's FileStore, reads and parses every run directory on each search,",
      'and a writer that appends one line per open/close. Median milliseconds; ratio < 1 means store-fs is faster.',
      `Machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${loadAtStart.map((x) => x.toFixed(1)).join(' ')} before the opens and ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} at the end (other work on the machine skews wall times).`,
      '',
      '| operation | store-fs (ms) | baseline (ms) | ratio | target |',
      '| --- | ---: | ---: | ---: | --- |',
      row('open store, first ever (no snapshot): first search', firstOpen, openBase, 2000),
      row('open store (snapshot present): first search', openOurs, openBase, 2000),
      row('search (filter + order-by), warm', searchOurs, searchBase, 30),
      row(`metric history (${HISTORY} points), warm`, histOurs, histBase, 15),
      row('log-batch (220 entities)', ingestOurs, ingestBase, 'baseline'),
      '',
      `Every open (ms): first ever ${samples(coldOpens)} (3 stores, each with an empty cache dir); with snapshot ${samples(openSamples)} (5 stores, one after another);`,
      `worst: ${Math.max(...coldOpens).toFixed(0)} and ${Math.max(...openSamples).toFixed(0)} ms, ≤ 2000 ms every time: ${Math.max(...coldOpens, ...openSamples) <= 2000 ? 'met' : '**missed**'}.`,
    ].join('\n'),
  );
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}

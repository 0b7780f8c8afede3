#!/usr/bin/env node
// Load benchmark (issue 12): `mlflow-ts server` started as its own process on loopback, load from
// this process. First ingestion with fsync (2 clients, 1000-metric batches), then 8 writers + 4
// readers for LOAD_BENCH_SECONDS (default 120): log-batch and search latency percentiles, errors,
// and the server's RSS sampled every 2 s (flat within 20% after warm-up). Prints `## load`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { now } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'packages', 'cli', 'bin', 'mlflow-ts.js');
const SECONDS = Number(process.env.LOAD_BENCH_SECONDS ?? 120);
const INGEST_SECONDS = Number(process.env.LOAD_BENCH_INGEST_SECONDS ?? 10);
const WARMUP_SECONDS = Math.min(20, SECONDS / 4);
const WRITERS = 8;
const READERS = 4;
const BATCH = 100; // metrics per writer batch in the mixed phase
const SEED_RUNS = 200;

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let port = 0;
function request(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text.slice(0, 200)}`));
        else resolve(text ? JSON.parse(text) : {});
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
const post = (route, body) => request('POST', `/api/2.0/mlflow/${route}`, body);
const get = (route, query) => request('GET', `/api/2.0/mlflow/${route}?${new URLSearchParams(query)}`);

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ts-load-'));
const server = spawn(
  process.execPath,
  [CLI, 'server', '--backend-store-uri', path.join(root, 'mlruns'), '--port', '0', '--no-serve-artifacts', '--no-ui'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  },
);
try {
  port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
  server.stdout.resume();

  const expId = (await post('experiments/create', { name: 'load' })).experiment_id;
  const newRun = async () =>
    (await post('runs/create', { experiment_id: expId, start_time: Date.now() })).run.info.run_id;

  // Phase 1: ingestion with fsync, 2 clients, 1000-metric batches.
  const ingestRuns = [await newRun(), await newRun()];
  let ingested = 0;
  let ingestErrors = 0;
  const ingestEnd = now() + INGEST_SECONDS * 1000;
  const t0 = now();
  await Promise.all(
    ingestRuns.map(async (runId, c) => {
      for (let b = 0; now() < ingestEnd; b++) {
        const ts = Date.now();
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: `m${i % 10}`,
          value: i / 7,
          timestamp: ts,
          step: b,
        }));
        try {
          await post('runs/log-batch', { run_id: runId, metrics });
          ingested += 1000;
        } catch (e) {
          ingestErrors++;
          if (ingestErrors < 3) console.error(`ingest client ${c}: ${e.message}`);
        }
      }
    }),
  );
  const ingestRate = ingested / ((now() - t0) / 1000);
  console.error(`ingestion: ${Math.round(ingestRate)} metrics/s`);

  // Seed runs for the readers' searches.
  for (let i = 0; i < SEED_RUNS; i++) {
    const runId = await newRun();
    await post('runs/log-batch', {
      run_id: runId,
      params: [
        { key: 'optimizer', value: i % 2 ? 'adam' : 'sgd' },
        { key: 'lr', value: String(i / 1000) },
      ],
      metrics: Array.from({ length: 50 }, (_, s) => ({
        key: 'acc',
        value: (i % 97) / 97,
        timestamp: Date.now(),
        step: s,
      })),
    });
  }

  // Phase 2: 8 writers + 4 readers.
  const writerRuns = [];
  for (let w = 0; w < WRITERS; w++) writerRuns.push(await newRun());
  const lat = { logBatch: [], search: [], history: [], getRun: [] };
  let errors = 0;
  let firstError = '';
  const rss = [];
  const start = now();
  const end = start + SECONDS * 1000;
  const warm = start + WARMUP_SECONDS * 1000;
  const sampler = setInterval(() => rss.push([(now() - start) / 1000, rssMb(server.pid)]), 2000);
  const timed = async (kind, fn) => {
    const t = now();
    try {
      await fn();
      if (t >= warm) lat[kind].push(now() - t);
    } catch (e) {
      errors++;
      firstError ||= e.message;
    }
  };
  const writer = async (w) => {
    for (let b = 0; now() < end; b++) {
      const ts = Date.now();
      const metrics = Array.from({ length: BATCH }, (_, i) => ({
        key: `loss${i % 5}`,
        value: Math.random(),
        timestamp: ts,
        step: b,
      }));
      const params = b % 50 === 0 ? [{ key: `p${b}`, value: String(b) }] : [];
      const tags = b % 20 === 0 ? [{ key: 'progress', value: String(b) }] : [];
      await timed('logBatch', () => post('runs/log-batch', { run_id: writerRuns[w], metrics, params, tags }));
    }
  };
  const reader = async (r) => {
    for (let i = 0; now() < end; i++) {
      const op = (i + r) % 4;
      if (op === 0 || op === 2) {
        await timed('search', () =>
          post('runs/search', {
            experiment_ids: [expId],
            filter: "metrics.acc > 0.5 and params.optimizer = 'adam'",
            order_by: ['metrics.acc DESC'],
            max_results: 100,
          }),
        );
      } else if (op === 1) {
        await timed('history', () =>
          get('metrics/get-history', { run_id: writerRuns[i % WRITERS], metric_key: 'loss0', max_results: '1000' }),
        );
      } else {
        await timed('getRun', () => get('runs/get', { run_id: writerRuns[(i + 3) % WRITERS] }));
      }
    }
  };
  await Promise.all([
    ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
    ...Array.from({ length: READERS }, (_, r) => reader(r)),
  ]);
  clearInterval(sampler);

  const afterWarm = rss.filter(([t]) => t >= WARMUP_SECONDS).map(([, m]) => m);
  const rssBase = afterWarm[0] ?? NaN;
  const rssMax = Math.max(...afterWarm);
  const rssMin = Math.min(...afterWarm);
  const rssGrowth = (rssMax - rssBase) / rssBase;
  const flat = (rssMax - rssMin) / rssMin <= 0.2;
  const row = (name, xs) =>
    `| ${name} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 99))} | ${ms(pct(xs, 100))} |`;
  const verdict = (ok) => (ok ? 'met' : '**not met**');
  const p99w = pct(lat.logBatch, 99);
  const p99s = pct(lat.search, 99);
  const lines = [
    `## load: ${WRITERS} writers + ${READERS} readers against \`mlflow-ts server\` (separate processes, loopback)`,
    '',
    `${SECONDS} s mixed load after ${INGEST_SECONDS} s of ingestion; latencies counted after ${WARMUP_SECONDS} s of warm-up; fsync on (the default).`,
    `Writers log ${BATCH}-metric batches (a param every 50th, a tag every 20th) into their own run; readers cycle through`,
    `search-runs over ${SEED_RUNS + WRITERS + 2} runs (filter + order by a metric), get-history (1000 points) and get-run.`,
    '',
    '| call | count | p50 | p99 | max |',
    '|---|---:|---:|---:|---:|',
    row('log-batch', lat.logBatch),
    row('search-runs', lat.search),
    row('get-history', lat.history),
    row('get-run', lat.getRun),
    '',
    '| target | result | verdict |',
    '|---|---|---|',
    `| 0 errors | ${errors}${firstError ? ` (first: ${firstError.slice(0, 80)})` : ''} | ${verdict(errors === 0 && ingestErrors === 0)} |`,
    `| log-batch p99 ≤ 25 ms | ${ms(p99w)} | ${verdict(p99w <= 25)} |`,
    `| search p99 ≤ 50 ms | ${ms(p99s)} | ${verdict(p99s <= 50)} |`,
    `| server RSS flat within 20% after warm-up | ${rssMin.toFixed(0)}–${rssMax.toFixed(0)} MB (first ${rssBase.toFixed(0)} MB, growth ${(rssGrowth * 100).toFixed(0)}%) | ${verdict(flat)} |`,
    `| ingestion with fsync ≥ 100,000 metrics/s (1000-metric batches, 2 clients) | ${Math.round(ingestRate).toLocaleString('en-US')} metrics/s | ${verdict(ingestRate >= 100_000)} |`,
    '',
    `RSS samples (s: MB): ${rss
      .filter((_, i) => i % 5 === 0)
      .map(([t, m]) => `${t.toFixed(0)}: ${m.toFixed(0)}`)
      .join(', ')}`,
  ];
  console.log(lines.join('\n'));
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  agent.destroy();
  fs.rmSync(root, { recursive: true, force: true });
}

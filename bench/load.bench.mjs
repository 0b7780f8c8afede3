#!/usr/bin/env node
// Load benchmark (issue 12): `mlflow-ts server` started as its own process on loopback, load from
// this process. Three phases against one store:
//   1. ingestion with fsync: 2 clients, 1000-metric batches, closed loop (metrics/s);
//   2. open loop: 8 writers + 4 readers at a fixed offered rate for LOAD_BENCH_SECONDS (default 120).
//      Each request has a scheduled send time and its latency is counted from that time, not from when
//      it was actually sent, so a stall delays (and is charged to) every request due during it — no
//      coordinated omission. p50/p99/max, errors, and the server's RSS every 2 s;
//   3. closed loop: the same 8 + 4 clients, each sending its next request when the previous one
//      answers, for LOAD_BENCH_CLOSED_SECONDS (default 30): the saturation throughput.
// Prints `## load`. LOAD_BENCH_NODE_ARGS (space-separated) go to the server's node, e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under this load.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { now } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'packages', 'cli', 'bin', 'mlflow-ts.js');
const env = (name, dflt) => Number(process.env[name] ?? dflt);
const OPEN_SECONDS = env('LOAD_BENCH_SECONDS', 120);
const CLOSED_SECONDS = env('LOAD_BENCH_CLOSED_SECONDS', 30);
const INGEST_SECONDS = env('LOAD_BENCH_INGEST_SECONDS', 10);
const WARMUP_SECONDS = Math.min(20, OPEN_SECONDS / 4);
const WRITERS = 8;
const READERS = 4;
const BATCH = 100; // metrics per writer batch
// The offered rate of the open loop. A writer is a training job logging its step metrics through a
// batching client (MLflow's async logging flushes about once a second; a fast loop flushes more):
// 5 batches/s of 100 metrics = 500 metrics/s per job, 4,000 metrics/s for the 8 jobs. A reader is a
// person with the UI open or a dashboard script polling: 4 requests/s (every other one a search),
// 16 requests/s for the 4 of them. That is a busy team; the closed loop shows it is well
// below what the server sustains.
const WRITER_RATE = env('LOAD_BENCH_WRITER_RATE', 5);
const READER_RATE = env('LOAD_BENCH_READER_RATE', 4);
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

/** CPU seconds (user + system) the process has used; /proc counts in clock ticks, 100 a second on Linux. */
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ts-load-'));
const nodeArgs = (process.env.LOAD_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = spawn(
  process.execPath,
  [
    ...nodeArgs,
    CLI,
    'server',
    '--backend-store-uri',
    path.join(root, 'mlruns'),
    '--port',
    '0',
    '--no-serve-artifacts',
    '--no-ui',
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  },
);
// LOAD_BENCH_NICE (e.g. -10): scheduling priority of the server and of this process, so that on a
// machine shared with other work the measurement is of the server, not of the neighbours' CPU use.
const NICE = process.env.LOAD_BENCH_NICE === undefined ? null : Number(process.env.LOAD_BENCH_NICE);
if (NICE !== null) {
  os.setPriority(server.pid, NICE);
  os.setPriority(NICE);
}
const loadavg = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
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

  const writerRuns = [];
  for (let w = 0; w < WRITERS; w++) writerRuns.push(await newRun());
  // The calls both loops make: writer w's b-th batch, reader r's i-th request.
  const writerCall = (w, b) => {
    const ts = Date.now();
    const metrics = Array.from({ length: BATCH }, (_, i) => ({
      key: `loss${i % 5}`,
      value: Math.random(),
      timestamp: ts,
      step: b,
    }));
    const params = b % 50 === 0 ? [{ key: `p${b}`, value: String(b) }] : [];
    const tags = b % 20 === 0 ? [{ key: 'progress', value: String(b) }] : [];
    return ['logBatch', () => post('runs/log-batch', { run_id: writerRuns[w], metrics, params, tags })];
  };
  const readerCall = (r, i) => {
    if (i % 2 === 0)
      return [
        'search',
        () =>
          post('runs/search', {
            experiment_ids: [expId],
            filter: "metrics.acc > 0.5 and params.optimizer = 'adam'",
            order_by: ['metrics.acc DESC'],
            max_results: 100,
          }),
      ];
    if ((i + r) % 4 === 1)
      return [
        'history',
        () => get('metrics/get-history', { run_id: writerRuns[i % WRITERS], metric_key: 'loss0', max_results: '1000' }),
      ];
    return ['getRun', () => get('runs/get', { run_id: writerRuns[(i + 3) % WRITERS] })];
  };

  /** One phase: `client(kind, c, fn, record)` loops; latencies after `warmMs` are recorded. */
  const phase = async (seconds, warmSeconds, clientLoop) => {
    const lat = { logBatch: [], search: [], history: [], getRun: [] };
    const out = { lat, errors: 0, firstError: '', rss: [], lag: [], seconds: seconds - warmSeconds };
    const start = now();
    const end = start + seconds * 1000;
    const warm = start + warmSeconds * 1000;
    let cpuAtWarm = NaN;
    const warmTimer = setTimeout(() => {
      cpuAtWarm = cpuSeconds(server.pid);
    }, warmSeconds * 1000);
    const sampler = setInterval(() => out.rss.push([(now() - start) / 1000, rssMb(server.pid)]), 2000);
    /** Runs `fn`; its latency counts from `due` (the scheduled send time; now for a closed loop). */
    const timed = async (kind, fn, due = now()) => {
      try {
        await fn();
        if (due >= warm) lat[kind].push(now() - due);
      } catch (e) {
        out.errors++;
        out.firstError ||= e.message;
      }
    };
    await Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => clientLoop(w, writerCall, WRITER_RATE, start, end, timed, out)),
      ...Array.from({ length: READERS }, (_, r) => clientLoop(r, readerCall, READER_RATE, start, end, timed, out)),
    ]);
    clearInterval(sampler);
    clearTimeout(warmTimer);
    out.cpu = cpuSeconds(server.pid) - cpuAtWarm;
    out.rssAfterWarm = out.rss.filter(([t]) => t >= warmSeconds).map(([, m]) => m);
    return out;
  };
  // A fixed schedule per client (rate/s from a random phase); requests go out on time whether or not
  // earlier ones answered. `lag`: how late this process got each one out (its own share of any delay).
  const openLoop = async (c, call, rate, start, end, timed, out) => {
    if (!(rate > 0)) return;
    const interval = 1000 / rate;
    const offset = Math.random() * interval;
    const pending = new Set();
    for (let k = 0; ; k++) {
      const due = start + offset + k * interval;
      if (due >= end) break;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      out.lag.push(now() - due);
      const [kind, fn] = call(c, k);
      const p = timed(kind, fn, due);
      pending.add(p);
      p.finally(() => pending.delete(p));
    }
    await Promise.all(pending);
  };
  const closedLoop = async (c, call, _rate, _start, end, timed) => {
    for (let k = 0; now() < end; k++) {
      const [kind, fn] = call(c, k);
      await timed(kind, fn);
    }
  };

  // Phase 2: open loop at the offered rate.
  const loadBefore = loadavg();
  const open = await phase(OPEN_SECONDS, WARMUP_SECONDS, openLoop);
  // Phase 3: closed loop, saturation.
  const closed = await phase(CLOSED_SECONDS, Math.min(5, CLOSED_SECONDS / 4), closedLoop);
  const loadAfter = loadavg();

  const rssBase = open.rssAfterWarm[0] ?? NaN;
  const rssMax = Math.max(...open.rssAfterWarm);
  const rssMin = Math.min(...open.rssAfterWarm);
  const rssGrowth = (rssMax - rssBase) / rssBase;
  const flat = (rssMax - rssMin) / rssMin <= 0.2;
  const row = (name, xs, secs) =>
    `| ${name} | ${xs.length} | ${(xs.length / secs).toFixed(1)} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 99))} | ${ms(pct(xs, 100))} |`;
  const table = (p) => [
    '| call | count | per s | p50 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    row('log-batch', p.lat.logBatch, p.seconds),
    row('search-runs', p.lat.search, p.seconds),
    row('get-history', p.lat.history, p.seconds),
    row('get-run', p.lat.getRun, p.seconds),
  ];
  const verdict = (ok) => (ok ? 'met' : '**not met**');
  const p99w = pct(open.lat.logBatch, 99);
  const p99s = pct(open.lat.search, 99);
  const errorText = (p) => `${p.errors}${p.firstError ? ` (first: ${p.firstError.slice(0, 80)})` : ''}`;
  const samples = (rss) =>
    rss
      .filter((_, i) => i % 5 === 0)
      .map(([t, m]) => `${t.toFixed(0)}: ${m.toFixed(0)}`)
      .join(', ');
  const requests = (p) => Object.values(p.lat).reduce((n, xs) => n + xs.length, 0);
  const cpuLine = (p) =>
    `Server CPU after warm-up: ${p.cpu.toFixed(1)} s over ${p.seconds} s (${((100 * p.cpu) / p.seconds).toFixed(0)}% of one core), ${((1000 * p.cpu) / requests(p)).toFixed(2)} ms per request.`;
  const closedMetrics = (closed.lat.logBatch.length * BATCH) / closed.seconds;
  const readerCount = closed.lat.search.length + closed.lat.history.length + closed.lat.getRun.length;
  const lines = [
    `## load: ${WRITERS} writers + ${READERS} readers against \`mlflow-ts server\` (separate processes, loopback)`,
    '',
    `fsync ${process.env.MLFLOW_TS_FSYNC === '0' ? 'off (MLFLOW_TS_FSYNC=0)' : 'on (the default)'}. ${INGEST_SECONDS} s of ingestion, then ${OPEN_SECONDS} s open loop, then ${CLOSED_SECONDS} s closed loop, all on one store`,
    `(${SEED_RUNS + WRITERS + 2} runs). Writers log ${BATCH}-metric batches (5 keys, a param every 50th batch, a tag every 20th) into their own run;`,
    'readers alternate search-runs (filter on a param and a metric, order by the metric, 100 results) with get-history',
    "(a writer's growing series, 1000 points) or get-run.",
    '',
    `### open loop: the offered load of a busy team, latency from each request's scheduled send time`,
    '',
    `Each writer sends ${WRITER_RATE} batches/s (${(WRITER_RATE * BATCH).toLocaleString('en-US')} metrics/s per training job, ${(WRITERS * WRITER_RATE * BATCH).toLocaleString('en-US')} metrics/s in all); each reader`,
    `${READER_RATE} requests/s (every other one a search). Requests leave on a fixed schedule whether or not earlier ones`,
    'answered, and latency counts from the scheduled time, so a stall is charged to every request due during it.',
    `Counted after ${WARMUP_SECONDS} s of warm-up. The load generator sent its requests ${ms(pct(open.lag, 50))} (p50) / ${ms(pct(open.lag, 99))} (p99) late (included above).`,
    '',
    ...table(open),
    '',
    '| target | result | verdict |',
    '|---|---|---|',
    `| 0 errors | ${errorText(open)} (ingestion: ${ingestErrors}, closed loop: ${closed.errors}) | ${verdict(open.errors === 0 && ingestErrors === 0 && closed.errors === 0)} |`,
    `| log-batch p99 ≤ 25 ms | ${ms(p99w)} | ${verdict(p99w <= 25)} |`,
    `| search p99 ≤ 50 ms | ${ms(p99s)} | ${verdict(p99s <= 50)} |`,
    `| server RSS flat within 20% after warm-up | ${rssMin.toFixed(0)}–${rssMax.toFixed(0)} MB (first ${rssBase.toFixed(0)} MB, growth ${(rssGrowth * 100).toFixed(0)}%) | ${verdict(flat)} |`,
    `| ingestion with fsync ≥ 100,000 metrics/s (1000-metric batches, 2 clients) | ${Math.round(ingestRate).toLocaleString('en-US')} metrics/s | ${verdict(ingestRate >= 100_000)} |`,
    '',
    cpuLine(open),
    '',
    `RSS samples (s: MB): ${samples(open.rss)}`,
    '',
    '### closed loop: saturation (each client sends its next request when the previous one answers)',
    '',
    `Throughput: ${(closed.lat.logBatch.length / closed.seconds).toFixed(0)} log-batch/s (${Math.round(closedMetrics).toLocaleString('en-US')} metrics/s) with ${(readerCount / closed.seconds).toFixed(0)} reader requests/s beside them;`,
    'latencies here are queueing at saturation, not what a client sees at the offered load above.',
    '',
    ...table(closed),
    '',
    cpuLine(closed),
    '',
    `RSS samples (s: MB): ${samples(closed.rss)}`,
    '',
    `Load average (1/5/15 min) before the open loop ${loadBefore}, after the closed loop ${loadAfter}, on ${os.cpus().length} cores${NICE === null ? '' : `; server and load generator at nice ${NICE}`}.`,
  ];
  console.log(lines.join('\n'));
} finally {
  // A server that exited before listening has no exit event left to wait for.
  if (server.exitCode === null && server.signalCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  agent.destroy();
  fs.rmSync(root, { recursive: true, force: true });
}

#!/usr/bin/env node
// Fuzz latency benchmark: the store server (REST) over store-fs with 2,000 runs (one with a
// 2,000-character tag), hit with fast-check-generated filters (pathological LIKE patterns, token
// soups, oversized and deeply nested inputs) and random JSON bodies on every route. Every request
// must answer in ≤ 100 ms and never 5xx; `/health` in the same loop is the baseline.
// Prints a markdown section `## fuzz latency`; exits 1 when a request breaks the bound.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { createFsTrackingStore } from '@mlflow-ts/store-fs';
import { createStoreServer } from '@mlflow-ts/store-grpc/server';

const RUNS = Number(process.env.FUZZ_BENCH_RUNS ?? 2000);
const REQUESTS = Number(process.env.FUZZ_BENCH_REQUESTS ?? 1000);
const LIMIT_MS = 100;
const SEED = 20261203;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(port, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : body;
    const headers =
      payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    const t = performance.now();
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] ?? 0 };
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ts-fuzz-bench-'));
const tracking = createFsTrackingStore({ root: path.join(dir, 'mlruns'), defaultArtifactRoot: 'mlflow-artifacts:/' });
const experimentId = await tracking.createExperiment({ name: 'fuzz-bench' });
for (let i = 0; i < RUNS; i++) {
  const run = await tracking.createRun({ experiment_id: experimentId, run_name: `run-${i}` });
  await tracking.logBatch(run.info.run_id, {
    metrics: [{ key: 'acc', value: i / RUNS, timestamp: 1, step: 0 }],
    params: [{ key: 'lr', value: String(i % 7) }],
    tags: [{ key: 't', value: i === 0 ? 'a'.repeat(2000) : `tag-${i}` }],
  });
}
const server = createStoreServer({
  tracking,
  artifacts: { root: path.join(dir, 'mlartifacts') },
  port: 0,
  log: () => {},
});
const { httpPort } = await server.listen();

const like = fc.oneof(
  fc.integer({ min: 1, max: 200 }).map((n) => `${'%'.repeat(n)}x`),
  fc.integer({ min: 1, max: 300 }).map((n) => `${'%_'.repeat(n)}%x`),
  fc.string({ maxLength: 40, unit: fc.constantFrom('%', '_', 'a', '\\', 'x') }),
);
const filter = fc.oneof(
  like.map((p) => `tags.t LIKE '${p}'`),
  like.map((p) => `attributes.run_name ILIKE '${p}' OR params.lr NOT LIKE '${p}'`),
  fc
    .array(fc.constantFrom('metrics.acc > 0.5', "params.lr = '3'", 'AND', 'OR', 'NOT', '(', ')', "tags.t LIKE '%a%'"), {
      maxLength: 20,
    })
    .map((t) => t.join(' ')),
  fc.integer({ min: 1, max: 5000 }).map((n) => `${'('.repeat(n)}metrics.acc > 0${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 1500 }).map((n) => Array.from({ length: n }, (_, i) => `params.lr = '${i}'`).join(' OR ')),
);
const body = fc.oneof(
  filter.map((f) => ({
    path: '/api/2.0/mlflow/runs/search',
    body: JSON.stringify({ experiment_ids: [experimentId], filter: f, max_results: 10 }),
  })),
  filter.map((f) => ({
    path: '/api/2.0/mlflow/experiments/search',
    body: JSON.stringify({ filter: f.replaceAll('tags.t', 'name') }),
  })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ path: '/api/2.0/mlflow/runs/log-batch', body: JSON.stringify(v) })),
  fc.integer({ min: 1, max: 100_000 }).map((n) => ({ path: '/api/2.0/mlflow/runs/create', body: '['.repeat(n) })),
);
const cases = fc.sample(body, { seed: SEED, numRuns: REQUESTS });

const fuzz = [];
const health = [];
const slow = [];
let fivexx = 0;
// Warm-up: the first requests pay for JIT compilation, not for the filter.
for (const c of fc.sample(body, { seed: SEED + 1, numRuns: 100 })) await request(httpPort, 'POST', c.path, c.body);
const cpu = [];
const heavy = [];
for (const c of cases) {
  const before = process.cpuUsage();
  const r = await request(httpPort, 'POST', c.path, c.body);
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
  heavy.push([(used.user + used.system) / 1000, `${c.path} ${c.body.slice(0, 100)}`]);
  fuzz.push(r.ms);
  if (r.status >= 500) fivexx++;
  if (r.ms > LIMIT_MS) slow.push(`${c.path} ${c.body.slice(0, 80)} — ${r.ms.toFixed(1)} ms`);
  health.push((await request(httpPort, 'GET', '/health')).ms);
}
await server.close();
await tracking.close();
fs.rmSync(dir, { recursive: true, force: true });

const f = stats(fuzz);
const u = stats(cpu);
const h = stats(health);
const ok = slow.length === 0 && fivexx === 0;
console.log(`## fuzz latency

${REQUESTS} fast-check-generated requests (seed ${SEED}) against the REST server over store-fs with ${RUNS} runs:
pathological LIKE/ILIKE patterns (up to 300 wildcards, a 2,000-character tag), token soups, 5,000-deep
parentheses, 1,500-clause filters, random log-batch bodies and 100,000-deep JSON. Bound: every request ≤ ${LIMIT_MS} ms, no 5xx.

| requests | p50 ms | p99 ms | max ms | > ${LIMIT_MS} ms | 5xx |
|---|---|---|---|---|---|
| fuzz | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.max.toFixed(2)} | ${slow.length} | ${fivexx} |
| fuzz, CPU time (server + client, one process) | ${u.p50.toFixed(2)} | ${u.p99.toFixed(2)} | ${u.max.toFixed(2)} | ${cpu.filter((x) => x > LIMIT_MS).length} | — |
| /health (baseline) | ${h.p50.toFixed(2)} | ${h.p99.toFixed(2)} | ${h.max.toFixed(2)} | — | — |

${
  ok
    ? 'PASS'
    : `FAIL\n\n${slow
        .slice(0, 10)
        .map((l) => `- ${l}`)
        .join('\n')}`
}
`);
console.error(
  heavy
    .sort((a, b) => b[0] - a[0])
    .slice(0, 5)
    .map(([ms, what]) => `${ms.toFixed(1)} ms CPU: ${what}`)
    .join('\n'),
);
process.exit(ok ? 0 : 1);

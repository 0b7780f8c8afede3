#!/usr/bin/env node
// Serving benchmark: @mlflow-ts/serve's /invocations (fastify, payload parsing, signature enforcement,
// onnx flavor) against the floor, a bare node:http server that JSON.parses the same body and calls
// session.run directly, in the same run. Models: a 784-128-10 MLP and a small CNN built in code.
// Servers run in child processes, the load generator (keep-alive agent, N concurrent loops) here.
// Prints a markdown section `## serving`.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { now, httpText } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const LOAD_SECONDS = Number(process.env.SERVE_BENCH_SECONDS ?? 1);
// Servers are measured in alternating rounds and the median round is kept: on a small machine
// the noise between two back-to-back runs is larger than the difference being measured.
const ROUNDS = Number(process.env.SERVE_BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = 1;
// onnxruntime session options (MLflow's onnx_session_options keys), the SAME for the floor and for
// us. The default runs each session.run on one thread: the runs here are ~50 µs, session.run holds
// the event loop either way, and on a small machine idle intra-op threads spin on the cores the
// load generator needs. SERVE_BENCH_INTRA_OP_THREADS=0 keeps onnxruntime's own default.
const INTRA_OP_THREADS = Number(process.env.SERVE_BENCH_INTRA_OP_THREADS ?? 1);
const SESSION_OPTIONS = INTRA_OP_THREADS > 0 ? { intra_op_num_threads: INTRA_OP_THREADS } : {};

// ---------------------------------------------------------------- servers (child processes)

async function runServer(kind, modelDir, { sessionOptions = SESSION_OPTIONS, ...extra }) {
  const ort = await import('onnxruntime-node');
  if (kind === 'floor') {
    const threads = sessionOptions.intra_op_num_threads;
    const session = await ort.InferenceSession.create(path.join(modelDir, 'model.onnx'), {
      executionProviders: ['cpu'],
      ...(threads ? { intraOpNumThreads: threads } : {}),
    });
    const inputName = session.inputNames[0];
    const outputName = session.outputNames[0];
    const dims = session.inputMetadata[0].shape.map((d) => (typeof d === 'number' ? d : -1));
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        try {
          const rows = JSON.parse(Buffer.concat(chunks).toString('utf8')).inputs;
          const flat = Float32Array.from(rows.flat(Infinity));
          const feature = dims.slice(1).reduce((a, b) => a * b, 1);
          const shape = [flat.length / feature, ...dims.slice(1)];
          const out = (await session.run({ [inputName]: new ort.Tensor('float32', flat, shape) }))[outputName];
          const width = out.dims[1];
          const predictions = [];
          for (let r = 0; r < out.dims[0]; r++)
            predictions.push(Array.from(out.data.subarray(r * width, (r + 1) * width)));
          const body = JSON.stringify({ predictions });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        } catch (e) {
          res.writeHead(400);
          res.end(String(e));
        }
      });
    });
    server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
    return;
  }
  const { createFlavorRegistry } = await import('@mlflow-ts/format');
  const { onnxFlavor } = await import('@mlflow-ts/flavor-onnx');
  const { createScoringServer, loadModel } = await import('@mlflow-ts/serve');
  const model = await loadModel(modelDir, { registry: createFlavorRegistry([onnxFlavor({ sessionOptions })]) });
  const server = await createScoringServer({ models: [{ name: 'm', model }], port: 0, log: false, ...extra });
  process.send({ port: server.port });
}

// ---------------------------------------------------------------- load generator

function startServer(kind, modelDir, extra = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--server', kind, modelDir, JSON.stringify(extra)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve({ port: m.port, stop: () => child.kill() }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const post = (port, body) => httpText({ agent, port, path: '/invocations', body });

/** `clients` loops posting `bodies` round-robin for `seconds`; returns req/s and p99 latency (ms). */
async function load(port, clients, bodies, seconds) {
  const end = now() + seconds * 1000;
  const latencies = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (now() < end) {
        const t = now();
        await post(port, bodies[i++ % bodies.length]);
        latencies.push(now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / seconds,
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
  };
}

const progress = (msg) => process.stderr.write(`serve.bench: ${msg}\n`);

/** Alternating rounds over `servers`; per server the median-throughput round. */
async function compare(servers, clients, bodies) {
  progress(`ports ${servers.map((x) => x.port).join(', ')}, concurrency ${clients}`);
  for (const server of servers) await load(server.port, clients, bodies, WARMUP_SECONDS);
  const rounds = servers.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, server] of servers.entries()) rounds[i].push(await load(server.port, clients, bodies, LOAD_SECONDS));
  }
  return rounds.map((rs) => rs.sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]);
}

async function coldStart(args) {
  const t = now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 30_000);
    child.stderr.on('data', () => {
      const m = /at http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const body = JSON.stringify({ inputs: [Array.from({ length: 784 }, () => 0.5)] });
  for (;;) {
    try {
      await post(port, body);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const ms = now() - t;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

function threadsLabel(sessionOptions) {
  return sessionOptions.intra_op_num_threads
    ? `intra_op_num_threads ${sessionOptions.intra_op_num_threads}`
    : "onnxruntime's default threading";
}

async function runBench() {
  const loadStart = os.loadavg();
  const { saveModel } = await import('@mlflow-ts/flavor-onnx');
  const { buildCnnModel, buildMlpModel, seededRandom } = await import('@mlflow-ts/flavor-onnx/testing');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'serve-bench-'));
  try {
    const mlpDir = path.join(tmp, 'mlp');
    const cnnDir = path.join(tmp, 'cnn');
    await saveModel(buildMlpModel(), mlpDir);
    await saveModel(buildCnnModel(), cnnDir);
    const rnd = seededRandom(1);
    const mlpBodies = Array.from({ length: 16 }, () =>
      JSON.stringify({ inputs: [Array.from({ length: 784 }, () => Math.round(rnd() * 1000) / 1000)] }),
    );
    const cnnBodies = Array.from({ length: 16 }, () =>
      JSON.stringify({
        inputs: [[Array.from({ length: 28 }, () => Array.from({ length: 28 }, () => Math.round(rnd() * 1000) / 1000))]],
      }),
    );

    const rows = [];
    const results = {};
    for (const [name, dir, bodies] of [
      ['MLP 784-128-10', mlpDir, mlpBodies],
      ['CNN conv8-pool-gemm', cnnDir, cnnBodies],
    ]) {
      const floor = await startServer('floor', dir);
      const ours = await startServer('ours', dir);
      for (const c of [1, 32]) {
        const [f, o] = await compare([floor, ours], c, bodies);
        results[`${name}/${c}`] = { f, o };
        rows.push(
          `| ${name} | ${c} | ${o.rps.toFixed(0)} | ${f.rps.toFixed(0)} | ${(o.rps / f.rps).toFixed(2)} | ${o.p99.toFixed(2)} | ${f.p99.toFixed(2)} |`,
        );
      }
      floor.stop();
      ours.stop();
    }

    // Batching only saves model calls; how much that buys depends on what one call costs, so it is
    // measured with the bench's session options and with onnxruntime's default threading.
    const batching = [];
    const threadings = INTRA_OP_THREADS > 0 ? [SESSION_OPTIONS, {}] : [SESSION_OPTIONS];
    for (const sessionOptions of threadings) {
      const label = threadsLabel(sessionOptions);
      const plainMlp = await startServer('ours', mlpDir, { sessionOptions });
      const batched = await startServer('ours', mlpDir, { sessionOptions, maxBatchSize: 64, maxBatchDelayMs: 1 });
      const [unbatched, b] = await compare([plainMlp, batched], 32, mlpBodies);
      batched.stop();
      plainMlp.stop();
      batching.push(
        `| ${label} | ${b.rps.toFixed(0)} | ${unbatched.rps.toFixed(0)} | **${(b.rps / unbatched.rps).toFixed(2)}×** | ${b.p99.toFixed(2)} | ${unbatched.p99.toFixed(2)} |`,
      );
    }

    // Cold start: `mlflow-ts models serve` when main.ts has it, else the same command module via main().
    const bin = path.join(repoRoot, 'packages/cli/dist/bin.js');
    const help = await new Promise((resolve) => {
      const c = spawn(process.execPath, [bin, 'models', 'serve', '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      c.stdout.on('data', (d) => {
        out += d;
      });
      c.once('exit', (code) => resolve(code === 0 && /--model-uri/.test(out)));
    });
    const serveArgs = ['-m', mlpDir, '-p', '0', '--no-request-log'];
    const args = help
      ? [bin, 'models', 'serve', ...serveArgs]
      : [
          '--input-type=module',
          '-e',
          `import { main } from ${JSON.stringify(path.join(repoRoot, 'packages/cli/dist/main.js'))}; import { servingModelsCommand } from ${JSON.stringify(path.join(repoRoot, 'packages/cli/dist/commands/serving/index.js'))}; process.exitCode = await main(['node', 'mlflow-ts', 'models', 'serve', ...${JSON.stringify(serveArgs)}], { groups: [servingModelsCommand] });`,
        ];
    const colds = [];
    for (let i = 0; i < 3; i++) colds.push(await coldStart(args));
    colds.sort((x, y) => x - y);

    const loadEnd = os.loadavg();
    const out = [
      '## serving',
      '',
      `POST /invocations with one row per request (\`{"inputs": [...]}\`); per cell the median of ${ROUNDS} alternating ${LOAD_SECONDS}s rounds after ${WARMUP_SECONDS}s warm-up, keep-alive client loops in the parent process, each server in its own child process, ${os.cpus().length} cores; load average ${loadStart.map((x) => x.toFixed(1)).join('/')} at the start, ${loadEnd.map((x) => x.toFixed(1)).join('/')} at the end (1/5/15 min).`,
      `Floor: a bare node:http server that JSON.parses the same body and calls onnxruntime-node \`session.run\` directly (no validation, no signature enforcement). Both open the model with the same onnxruntime session options: ${threadsLabel(SESSION_OPTIONS)}.`,
      '',
      '| model | concurrency | mlflow-ts req/s | floor req/s | ratio | mlflow-ts p99 ms | floor p99 ms |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      'Dynamic batching (MLP, concurrency 32, max batch 64, 1 ms delay) against the same server unbatched:',
      '',
      '| onnxruntime threads | batched req/s | unbatched req/s | ratio | batched p99 ms | unbatched p99 ms |',
      '| --- | --- | --- | --- | --- | --- |',
      ...batching,
      '',
      `\`models serve\` cold start (process spawn → first 200 from /invocations, MLP${help ? '' : ', serving command module via main()'}): median ${colds[1].toFixed(0)} ms (runs: ${colds.map((x) => x.toFixed(0)).join(', ')} ms).`,
    ];
    console.log(out.join('\n'));
  } finally {
    agent.destroy();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') {
  // Die with the parent, whatever way it ends.
  process.on('disconnect', () => process.exit(0));
  await runServer(process.argv[3], process.argv[4], JSON.parse(process.argv[5] ?? '{}'));
} else {
  await runBench();
}

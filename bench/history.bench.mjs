#!/usr/bin/env node
// get-history and get-history-bulk-interval at the serialization limit (issue 16). Three processes
// besides this one: the store server (REST + gRPC over store-fs), a floor server (bare node:http and
// bare grpc-js answering the very same bytes, pre-encoded), and the load process that times both.
// Also times the encoders alone, the fast one against the generic mapping it replaces, in the server
// process. Prints `## metric history`.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jsonChild, median, now } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const POINTS = Number(process.env.HISTORY_BENCH_POINTS ?? 10_000);
const BULK_RUNS = 10;
const BULK_POINTS = 50_000; // per run (10 × 50k stay under store-fs's 1M loaded-point cap); the chart asks for 2500 steps of each
const ROUNDS = Number(process.env.HISTORY_BENCH_ROUNDS ?? 60);
const role = process.argv[2];
const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);

async function grpcModule() {
  return import('@grpc/grpc-js');
}
const GRPC_HISTORY = '/mlflow_ts.Tracking/GetMetricHistory';
const GRPC_BULK = '/mlflow_ts.Tracking/GetMetricHistoryBulkInterval';
const storeGrpcDist = (p) => pathToFileURL(path.join(here, '..', 'packages', 'store-grpc', 'dist', p)).href;

function generate(root) {
  const expId = '1';
  const expDir = path.join(root, expId);
  const expMeta = (id, name) =>
    `artifact_location: mlflow-artifacts:/${id}\ncreation_time: 1700000000000\nexperiment_id: '${id}'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: ${name}\n`;
  fs.mkdirSync(path.join(root, '0'), { recursive: true });
  fs.mkdirSync(path.join(root, '.trash'), { recursive: true });
  fs.writeFileSync(path.join(root, '0', 'meta.yaml'), expMeta('0', 'Default'));
  fs.mkdirSync(expDir);
  fs.writeFileSync(path.join(expDir, 'meta.yaml'), expMeta(expId, 'history'));
  const ids = [];
  for (let r = 0; r <= BULK_RUNS; r++) {
    const id = `${r}`.padStart(32, 'a');
    ids.push(id);
    const dir = path.join(expDir, id);
    for (const d of ['metrics', 'params', 'tags']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: mlflow-artifacts:/${expId}/${id}/artifacts\nend_time: 1700000100000\nentry_point_name: ''\nexperiment_id: '${expId}'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${r}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: bench\n`,
    );
    const n = r === 0 ? POINTS : BULK_POINTS;
    const lines = [];
    // Values like a real loss curve: full-precision doubles, the costly case for number → text.
    for (let s = 0; s < n; s++)
      lines.push(`${1700000000000 + s} ${Math.exp(-s / 3000) * (1 + Math.sin(s + r) / 10)} ${s}`);
    fs.writeFileSync(path.join(dir, 'metrics', 'loss'), `${lines.join('\n')}\n`);
  }
  return { historyRun: ids[0], bulkRuns: ids.slice(1) };
}

function historyQuery(runId) {
  return `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`;
}
function bulkQuery(runIds) {
  return `/api/2.0/mlflow/metrics/get-history-bulk-interval?${runIds.map((r) => `run_ids=${r}`).join('&')}&metric_key=loss&max_results=2500`;
}

// ---------------------------------------------------------------- server process
async function serverRole() {
  const { createFsTrackingStore } = await import('@mlflow-ts/store-fs');
  const { createStoreServer } = await import('@mlflow-ts/store-grpc/server');
  const [root] = process.argv.slice(3);
  const tracking = createFsTrackingStore({ root: path.join(root, 'mlruns'), cacheDir: null, durability: 'none' });
  const server = createStoreServer({
    tracking,
    artifacts: { root: path.join(root, 'mlartifacts') },
    port: 0,
    grpcPort: 0,
  });
  const ports = await server.listen();
  send({ ready: true, ...ports });
  process.stdin.on('data', async (d) => {
    const cmd = JSON.parse(String(d));
    if (cmd.encodeBench) send({ encode: await encodeBench(tracking, cmd) });
    if (cmd.exit) {
      await server.close();
      process.exit(0);
    }
  });
}

/** The encoders alone on the stored history: fast (cached and cold) against the generic mapping. */
async function encodeBench(tracking, { historyRun }) {
  const { toMlflowJson } = await import(storeGrpcDist('protocol/json-codec.js'));
  const { lookupType } = await import(storeGrpcDist('protocol/proto-root.js'));
  const { historyResponseEncoder } = await import(storeGrpcDist('server/history-encoding.js'));
  const type = lookupType('GetMetricHistory.Response');
  const res = { metrics: (await tracking.getMetricHistory(historyRun, 'loss')).items };
  const fresh = () => ({ metrics: res.metrics.map((m) => ({ ...m })) });
  const time = (fn) => {
    const xs = [];
    for (let i = 0; i < 30; i++) {
      const input = fn.input ? fn.input() : res;
      const t = now();
      fn(input);
      xs.push(now() - t);
    }
    return median(xs);
  };
  const withInput = (fn, input) => Object.assign(fn, { input });
  const fast = historyResponseEncoder(type);
  return {
    genericJson: time(withInput((r) => JSON.stringify(toMlflowJson(type, r)), fresh)),
    fastJsonCold: time(withInput((r) => historyResponseEncoder(type).json(r), fresh)),
    fastJsonCached: time((r) => fast.json(r)),
    genericPb: time(withInput((r) => type.encode(type.fromObject(r)).finish(), fresh)),
    fastPbCold: time(withInput((r) => historyResponseEncoder(type).protobuf(r), fresh)),
    fastPbCached: time((r) => fast.protobuf(r)),
  };
}

// ---------------------------------------------------------------- floor process
async function floorRole() {
  const grpc = await grpcModule();
  const bodies = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const json = Object.fromEntries(Object.entries(bodies.json).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
  const pb = Object.fromEntries(Object.entries(bodies.pb).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  const httpServer = http.createServer((req, res) => {
    const body = req.url.includes('bulk-interval') ? json.bulk : json.history;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise((r) => httpServer.listen(0, '127.0.0.1', r));
  const ident = (b) => b;
  const grpcServer = new grpc.Server();
  const method = (p, body) => ({
    path: p,
    requestStream: false,
    responseStream: false,
    requestSerialize: ident,
    requestDeserialize: ident,
    responseSerialize: ident,
    responseDeserialize: ident,
    body,
  });
  const def = { GetMetricHistory: method(GRPC_HISTORY), GetMetricHistoryBulkInterval: method(GRPC_BULK) };
  grpcServer.addService(def, {
    GetMetricHistory: (_call, cb) => cb(null, pb.history),
    GetMetricHistoryBulkInterval: (_call, cb) => cb(null, pb.bulk),
  });
  const grpcPort = await new Promise((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  send({ ready: true, httpPort: httpServer.address().port, grpcPort });
}

// ---------------------------------------------------------------- load process
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function get(port, urlPath) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${urlPath}: ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

async function loadRole() {
  const grpc = await grpcModule();
  const { lookupType } = await import(storeGrpcDist('protocol/proto-root.js'));
  const { createGrpcStore } = await import('@mlflow-ts/store-grpc');
  const target = JSON.parse(process.argv[3]);
  const ident = (b) => b;
  const rawClient = (port) => new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const unary = (client, p, req) =>
    new Promise((resolve, reject) =>
      client.makeUnaryRequest(p, ident, ident, req, (e, v) => (e ? reject(e) : resolve(v))),
    );
  const histReq = lookupType('GetMetricHistory');
  const bulkReq = lookupType('GetMetricHistoryBulkInterval');
  const histBytes = Buffer.from(
    histReq.encode(histReq.fromObject({ run_id: target.historyRun, metric_key: 'loss' })).finish(),
  );
  const bulkBytes = Buffer.from(
    bulkReq.encode(bulkReq.fromObject({ run_ids: target.bulkRuns, metric_key: 'loss', max_results: 2500 })).finish(),
  );
  const time = async (fn) => {
    for (let i = 0; i < 5; i++) await fn();
    const xs = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = now();
      await fn();
      xs.push(now() - t);
    }
    return median(xs);
  };
  const out = {};
  const ours = { http: target.server.httpPort, grpc: rawClient(target.server.grpcPort) };
  const floor = { http: target.floor.httpPort, grpc: rawClient(target.floor.grpcPort) };
  const store = createGrpcStore({ address: `127.0.0.1:${target.server.grpcPort}` });
  // Alternate the two servers round by round so drift on a shared machine hits both alike.
  for (let rep = 0; rep < 2; rep++) {
    for (const [name, s] of [
      ['ours', ours],
      ['floor', floor],
    ]) {
      const add = (k, v) => {
        out[`${name}.${k}`] = Math.min(out[`${name}.${k}`] ?? Infinity, v);
      };
      add('restHistory', await time(() => get(s.http, historyQuery(target.historyRun))));
      add('grpcHistory', await time(() => unary(s.grpc, GRPC_HISTORY, histBytes)));
      add('restBulk', await time(() => get(s.http, bulkQuery(target.bulkRuns))));
      add('grpcBulk', await time(() => unary(s.grpc, GRPC_BULK, bulkBytes)));
    }
  }
  out['client.grpcHistoryDecoded'] = await time(() => store.tracking.getMetricHistory(target.historyRun, 'loss'));
  out['client.restHistoryParsed'] = await time(async () =>
    JSON.parse(String(await get(ours.http, historyQuery(target.historyRun)))),
  );
  await store.close();
  send(out);
  process.exit(0);
}

// ---------------------------------------------------------------- parent
const child = (args, stdinOpen = false) =>
  jsonChild(fileURLToPath(import.meta.url), args, { stdin: stdinOpen ? 'pipe' : 'ignore' });

async function parent() {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const root = fs.mkdtempSync(path.join(base, 'mlflow-ts-history-bench-'));
  try {
    const load0 = os.loadavg();
    const ids = generate(path.join(root, 'mlruns'));
    const server = child(['server', root], true);
    const ports = await server.next();
    // The floor answers exactly what our server answers, encoded once up front.
    const { lookupType } = await import(storeGrpcDist('protocol/proto-root.js'));
    const enc = (t, o) => Buffer.from(lookupType(t).encode(lookupType(t).fromObject(o)).finish()).toString('base64');
    const historyJson = String(await get(ports.httpPort, historyQuery(ids.historyRun)));
    const bulkJson = String(await get(ports.httpPort, bulkQuery(ids.bulkRuns)));
    const parsed = (s) => {
      const o = JSON.parse(s);
      for (const m of o.metrics ?? []) if (typeof m.value === 'string') m.value = Number(m.value);
      return o;
    };
    const bodiesFile = path.join(root, 'bodies.json');
    fs.writeFileSync(
      bodiesFile,
      JSON.stringify({
        json: { history: historyJson, bulk: bulkJson },
        pb: {
          history: enc('GetMetricHistory.Response', parsed(historyJson)),
          bulk: enc('GetMetricHistoryBulkInterval.Response', parsed(bulkJson)),
        },
      }),
    );
    const floor = child(['floor', bodiesFile]);
    const floorPorts = await floor.next();
    const loader = child(['load', JSON.stringify({ ...ids, server: ports, floor: floorPorts })]);
    const r = await loader.next();
    server.p.stdin.write(`${JSON.stringify({ encodeBench: true, historyRun: ids.historyRun })}\n`);
    const { encode } = await server.next();
    server.p.stdin.write(`${JSON.stringify({ exit: true })}\n`);
    floor.p.kill();
    const load1 = os.loadavg();
    const bulkPoints = JSON.parse(bulkJson).metrics.length;
    const ms = (x) => `${x.toFixed(2)} ms`;
    const row = (label, k) =>
      `| ${label} | ${ms(r[`ours.${k}`])} | ${ms(r[`floor.${k}`])} | ${(r[`ours.${k}`] / r[`floor.${k}`]).toFixed(2)} |`;
    const verdict = (k) => (r[`ours.${k}`] <= 3 ? 'met' : '**not met**');
    const la = (l) => l.map((x) => x.toFixed(1)).join('/');
    console.log(`## metric history

get-history of one ${POINTS.toLocaleString('en-US')}-point metric (${(historyJson.length / 1024).toFixed(0)} KiB of JSON) and get-history-bulk-interval
over ${BULK_RUNS} runs × ${BULK_POINTS.toLocaleString('en-US')} points → ${bulkPoints} points, store-fs behind \`createStoreServer\` in its own process;
the load (one request at a time, keep-alive, median of ${ROUNDS} after 5 warm-ups, best of 2 alternating rounds) from another process.
Floor: a bare \`node:http\` server and a bare grpc-js server (identity serializers) answering the same bytes, pre-encoded.
Client time = until the last byte (raw gRPC client, no protobuf decode). ${os.cpus().length} cores, Node ${process.version}; load average ${la(load0)} before, ${la(load1)} after (1/5/15 min).

| call | mlflow-ts | floor | ratio |
| --- | ---: | ---: | ---: |
${row(`REST get-history, ${POINTS.toLocaleString('en-US')} points`, 'restHistory')}
${row(`gRPC get-history, ${POINTS.toLocaleString('en-US')} points`, 'grpcHistory')}
${row(`REST get-history-bulk-interval, ${bulkPoints} points`, 'restBulk')}
${row(`gRPC get-history-bulk-interval, ${bulkPoints} points`, 'grpcBulk')}

With a decoding client: REST + \`JSON.parse\` ${ms(r['client.restHistoryParsed'])}, \`createGrpcStore().tracking.getMetricHistory\` (protobuf decode + toObject) ${ms(r['client.grpcHistoryDecoded'])}.
Targets: get-history of ${POINTS.toLocaleString('en-US')} points ≤ 3 ms over REST (${verdict('restHistory')}) and gRPC (${verdict('grpcHistory')}); gRPC no slower than REST (history ${r['ours.grpcHistory'] <= r['ours.restHistory'] * 1.05 ? 'met' : '**not met**'}, bulk ${r['ours.grpcBulk'] <= r['ours.restBulk'] * 1.05 ? 'met' : '**not met**'}).

Encoding alone, in the server process (${POINTS.toLocaleString('en-US')} points, median of 30):

| encoding | generic mapping (before) | fast, first time | fast, series cached |
| --- | ---: | ---: | ---: |
| JSON | ${ms(encode.genericJson)} | ${ms(encode.fastJsonCold)} | ${ms(encode.fastJsonCached)} |
| protobuf | ${ms(encode.genericPb)} | ${ms(encode.fastPbCold)} | ${ms(encode.fastPbCached)} |

Reproduce: \`npm run build && node bench/run.mjs history\`.
`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (role === 'server') await serverRole();
else if (role === 'floor') await floorRole();
else if (role === 'load') await loadRole();
else await parent();

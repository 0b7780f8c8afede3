/**
 * The server half of the fault suite (issue 12): `mlflow-ts server` killed with SIGKILL while four
 * clients log, and two servers on one store. Each checks every acknowledged write exactly afterwards,
 * reading the files MLflow reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopProcess } from './built-cli.js';
import { builtCliSuite, callApi as call, logBatchesUntilKilled } from './server-harness.js';

const suite = builtCliSuite('mlflow-ts-server-faults-');
const startServer = (root: string) =>
  suite.startServer(['--backend-store-uri', root, '--port', '0', '--no-serve-artifacts', '--no-ui']);

/** Per step, how many lines of a metric file carry it (every line must parse). */
function stepsIn(file: string): Map<number, number> {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const out = new Map<number, number>();
  for (const line of text.split('\n').slice(0, -1)) {
    const m = /^\d+ \d+\.0 (\d+)$/.exec(line);
    expect(m, `unparsable line '${line}'`).not.toBeNull();
    out.set(Number(m![1]), (out.get(Number(m![1])) ?? 0) + 1);
  }
  return out;
}

describe('mlflow-ts server faults', () => {
  it('SIGKILL while 4 clients log: every acknowledged batch is on disk exactly once', async () => {
    const root = path.join(suite.tmp, 'kill', 'mlruns');
    const { p, url } = await startServer(root);
    const { run } = await call<{ run: { info: { run_id: string } } }>(url, 'runs/create', { experiment_id: '0' });
    const runId = run.info.run_id;
    const acked = await logBatchesUntilKilled(p, url, runId, 200);
    const runDir = path.join(root, '0', runId);
    for (let c = 0; c < 4; c++) {
      const steps = stepsIn(path.join(runDir, 'metrics', `m${c}`));
      for (const b of acked[c]!) expect(steps.get(b), `client ${c} batch ${b}`).toBe(100);
      for (const [b, n] of steps) expect(n, `client ${c} batch ${b}`).toBe(100);
      for (const b of acked[c]!)
        expect(readFileSync(path.join(runDir, 'params', `c${c}.p${b}`), 'utf8')).toBe(String(b));
    }
    // A new server on the store serves all of it.
    const again = await startServer(root);
    const h = (await fetch(`${again.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m0`).then((r) =>
      r.json(),
    )) as { metrics: unknown[] };
    expect(h.metrics.length).toBeGreaterThanOrEqual(acked[0]!.length * 100);
    await stopProcess(again.p);
  });

  it('two servers on one store: experiment names stay unique, run_name and mlflow.runName agree', async () => {
    const root = path.join(suite.tmp, 'two', 'mlruns');
    const a = await startServer(root);
    const b = await startServer(root);
    const tries = Array.from({ length: 30 }, (_, i) =>
      [a.url, b.url].map((url) =>
        call(url, 'experiments/create', { name: `exp-${i}` }).then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? 'error',
        ),
      ),
    );
    const results = await Promise.all(tries.flat());
    expect(results.filter((r) => r === 'ok')).toHaveLength(30);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'RESOURCE_ALREADY_EXISTS')).toBe(true);
    const { experiments } = await call<{ experiments: { name: string }[] }>(a.url, 'experiments/search', {
      max_results: 1000,
    });
    expect(
      experiments
        .map((e) => e.name)
        .filter((n) => n.startsWith('exp-'))
        .sort(),
    ).toEqual(Array.from({ length: 30 }, (_, i) => `exp-${i}`).sort());

    const { run } = await call<{ run: { info: { run_id: string } } }>(a.url, 'runs/create', {
      experiment_id: '0',
      run_name: 'start',
    });
    const runId = run.info.run_id;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Promise.all([
          call(a.url, 'runs/update', { run_id: runId, run_name: `a-${i}` }),
          call(b.url, 'runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: `b-${i}` }),
        ]),
      ),
    );
    const got = (await fetch(`${b.url}/api/2.0/mlflow/runs/get?run_id=${runId}`).then((r) => r.json())) as {
      run: { info: { run_name: string }; data: { tags: { key: string; value: string }[] } };
    };
    expect(got.run.data.tags.find((t) => t.key === 'mlflow.runName')?.value).toBe(got.run.info.run_name);
    await Promise.all([stopProcess(a.p), stopProcess(b.p)]);
  });
});
